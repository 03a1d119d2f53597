# Zip deploy the release package to the web app. SLOT (set above) names the deployment slot to
# deploy to; empty means the production slot.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
WEB_APP="#{Project.Azure.WebApp.Name}"
PACKAGE="#{Octopus.Action.Package[webapp].PackageFilePath}"

if ! az webapp show --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" --query name --output tsv > /dev/null; then
    echo "The web app $WEB_APP was not found in the resource group $RESOURCE_GROUP. Create it, or change Project.Azure.WebApp.Name for #{Octopus.Environment.Name}." >&2
    exit 1
fi

SLOT_ARGS=()
TARGET="$WEB_APP"
if [ -n "$SLOT" ]; then
    if ! az webapp deployment slot list --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" --query "[].name" --output tsv | grep -qx "$SLOT"; then
        echo "Creating the deployment slot $SLOT of $WEB_APP (it copies the production slot's settings)"
        az webapp deployment slot create --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" \
            --slot "$SLOT" --configuration-source "$WEB_APP" --output none
    fi
    SLOT_ARGS=(--slot "$SLOT")
    TARGET="$WEB_APP/$SLOT"
fi

echo "Deploying $(basename "$PACKAGE") to $TARGET"
az webapp deploy --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" "${SLOT_ARGS[@]}" \
    --src-path "$PACKAGE" --type zip --output none
write_highlight "Release #{Octopus.Release.Number} deployed to $TARGET"
