# Swap the deployment slot with the production slot. Azure warms the slot up before it swaps.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
WEB_APP="#{Project.Azure.WebApp.Name}"
SLOT="#{Project.Azure.WebApp.DeploymentSlot}"

if ! az webapp deployment slot list --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" --query "[].name" --output tsv | grep -qx "$SLOT"; then
    echo "The web app $WEB_APP has no deployment slot $SLOT, so there is nothing to swap." >&2
    exit 1
fi

echo "Swapping $WEB_APP/$SLOT with production"
az webapp deployment slot swap --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" \
    --slot "$SLOT" --target-slot production --output none
write_highlight "Swapped $WEB_APP/$SLOT into production in #{Octopus.Environment.Name}"
