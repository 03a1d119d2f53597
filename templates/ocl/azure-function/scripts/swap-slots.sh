# Swap the deployment slot with the production slot. Azure warms the slot up before it swaps.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
FUNCTION_APP="#{Project.Azure.FunctionApp.Name}"
SLOT="#{Project.Azure.FunctionApp.DeploymentSlot}"

echo "Swapping $FUNCTION_APP/$SLOT with production"
az functionapp deployment slot swap --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" \
    --slot "$SLOT" --target-slot production --output none
write_highlight "Swapped $FUNCTION_APP/$SLOT into production in #{Octopus.Environment.Name}"
