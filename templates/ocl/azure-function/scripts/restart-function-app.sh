# Restart the function app and report the state Azure gives it afterwards.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
FUNCTION_APP="#{Project.Azure.FunctionApp.Name}"

echo "Restarting $FUNCTION_APP in $RESOURCE_GROUP"
az functionapp restart --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" --output none
STATE=$(az functionapp show --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" --query state --output tsv)
write_highlight "$FUNCTION_APP restarted; state: $STATE"
