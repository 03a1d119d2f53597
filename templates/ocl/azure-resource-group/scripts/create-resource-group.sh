# Create the environment's resource group if it does not exist yet; an existing group is left as it is.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
LOCATION="#{Project.Azure.Location}"

if [ "$(az group exists --name "$RESOURCE_GROUP")" = "true" ]; then
    echo "The resource group $RESOURCE_GROUP exists in $(az group show --name "$RESOURCE_GROUP" --query location --output tsv)"
    exit 0
fi

echo "Creating the resource group $RESOURCE_GROUP in $LOCATION"
az group create --name "$RESOURCE_GROUP" --location "$LOCATION" \
    --tags "Environment=#{Octopus.Environment.Name}" "DeploymentProject=#{Octopus.Project.Name}" --output none
write_highlight "Created the resource group $RESOURCE_GROUP in $LOCATION"
