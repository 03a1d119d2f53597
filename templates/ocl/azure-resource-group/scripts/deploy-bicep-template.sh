# Deploy the Bicep template from the package into the environment's resource group. The what-if
# output goes to the log first, so the deployment records what it changed; the Azure CLI compiles
# the Bicep file itself. Template outputs become output variables of this step.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
PACKAGE_DIR="#{Octopus.Action.Package[templates].ExtractedPath}"
TEMPLATE="$PACKAGE_DIR/#{Project.Azure.Template.File}"
PARAMETERS="$PACKAGE_DIR/#{Project.Azure.Template.ParametersFile}"
MODE="#{Project.Azure.Template.DeploymentMode}"
DEPLOYMENT="release-#{Octopus.Release.Number}"

if [ ! -f "$TEMPLATE" ]; then
    echo "The package has no template #{Project.Azure.Template.File}." >&2
    exit 1
fi
ARGS=(--resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT" --template-file "$TEMPLATE" --mode "$MODE")
if [ -f "$PARAMETERS" ]; then
    case "$PARAMETERS" in
        *.bicepparam) ARGS+=(--parameters "$PARAMETERS") ;;
        *) ARGS+=(--parameters "@$PARAMETERS") ;;
    esac
    echo "Using the parameters file #{Project.Azure.Template.ParametersFile}"
else
    echo "No parameters file #{Project.Azure.Template.ParametersFile} in the package: the template's defaults are used."
fi

echo "Changes the deployment will make to $RESOURCE_GROUP:"
az deployment group what-if "${ARGS[@]}" --exclude-change-types Ignore NoChange

az deployment group create "${ARGS[@]}" --output none
write_highlight "Deployed #{Project.Azure.Template.File} to $RESOURCE_GROUP as deployment $DEPLOYMENT"

OUTPUTS=$(az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT" \
    --query 'properties.outputs' --output json)
if [ "$OUTPUTS" = "null" ] || [ "$OUTPUTS" = "{}" ]; then
    exit 0
fi
for KEY in $(az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT" \
        --query 'keys(properties.outputs)' --output tsv); do
    VALUE=$(az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT" \
        --query "properties.outputs.\"$KEY\".value" --output tsv)
    set_octopusvariable "$KEY" "$VALUE"
    echo "Template output $KEY is now an output variable of this step"
done
