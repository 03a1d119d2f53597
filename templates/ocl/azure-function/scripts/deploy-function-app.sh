# Zip deploy the release package to the function app. SLOT (set above) names the deployment slot
# to deploy to; empty means the production slot.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
FUNCTION_APP="#{Project.Azure.FunctionApp.Name}"
PACKAGE="#{Octopus.Action.Package[functionapp].PackageFilePath}"

if ! az functionapp show --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" --query name --output tsv > /dev/null; then
    echo "The function app $FUNCTION_APP was not found in the resource group $RESOURCE_GROUP. Create it, or change Project.Azure.FunctionApp.Name for #{Octopus.Environment.Name}." >&2
    exit 1
fi

SLOT_ARGS=()
TARGET="$FUNCTION_APP"
if [ -n "$SLOT" ]; then
    if ! az functionapp deployment slot list --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" --query "[].name" --output tsv | grep -qx "$SLOT"; then
        echo "Creating the deployment slot $SLOT of $FUNCTION_APP (it copies the production slot's settings)"
        az functionapp deployment slot create --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" \
            --slot "$SLOT" --configuration-source "$FUNCTION_APP" --output none
    fi
    SLOT_ARGS=(--slot "$SLOT")
    TARGET="$FUNCTION_APP/$SLOT"
fi

echo "Deploying $(basename "$PACKAGE") to $TARGET"
az functionapp deployment source config-zip --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" \
    "${SLOT_ARGS[@]}" --src "$PACKAGE" --output none
write_highlight "Release #{Octopus.Release.Number} deployed to $TARGET"
