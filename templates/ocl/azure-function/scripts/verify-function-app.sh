# Check that the function app is running and its host answers (any status below 500; the host
# may still be starting after the deployment). SLOT (set above) names the slot to check; empty
# means the production slot.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
FUNCTION_APP="#{Project.Azure.FunctionApp.Name}"

SLOT_ARGS=()
if [ -n "$SLOT" ]; then
    SLOT_ARGS=(--slot "$SLOT")
fi
STATE=$(az functionapp show --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" "${SLOT_ARGS[@]}" --query state --output tsv)
if [ "$STATE" != "Running" ]; then
    echo "The function app $FUNCTION_APP is $STATE, not Running." >&2
    exit 1
fi
HOST=$(az functionapp show --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP" "${SLOT_ARGS[@]}" --query defaultHostName --output tsv)
URL="https://$HOST/"

for ATTEMPT in 1 2 3 4 5 6 7 8 9 10; do
    STATUS=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 30 "$URL" || true)
    if [ "$STATUS" -ge 100 ] && [ "$STATUS" -lt 500 ]; then
        write_highlight "The functions host at [$URL]($URL) is running and answered $STATUS"
        exit 0
    fi
    echo "Attempt $ATTEMPT: $URL answered ${STATUS:-nothing}; retrying in 15 seconds"
    sleep 15
done
echo "The functions host at $URL did not answer without a server error." >&2
exit 1
