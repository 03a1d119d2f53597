# Delete the environment's resource group and every resource in it, and wait until Azure is done.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"

if [ "$(az group exists --name "$RESOURCE_GROUP")" != "true" ]; then
    echo "The resource group $RESOURCE_GROUP does not exist; nothing to delete."
    exit 0
fi

echo "Resources that will be deleted:"
az resource list --resource-group "$RESOURCE_GROUP" --query "[].{name:name, type:type}" --output table
az group delete --name "$RESOURCE_GROUP" --yes --output none
write_highlight "Deleted the resource group $RESOURCE_GROUP in #{Octopus.Environment.Name}"
