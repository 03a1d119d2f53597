# Restart the web app's production slot and wait until Azure reports it running again.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
WEB_APP="#{Project.Azure.WebApp.Name}"

echo "Restarting $WEB_APP in $RESOURCE_GROUP"
az webapp restart --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" --output none
STATE=$(az webapp show --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" --query state --output tsv)
write_highlight "$WEB_APP restarted; state: $STATE"
