# Request the health check path of the web app until it answers with a 2xx or 3xx status (the
# site may still be starting). SLOT (set above) names the slot to test; empty means production.
set -euo pipefail

RESOURCE_GROUP="#{Project.Azure.ResourceGroup.Name}"
WEB_APP="#{Project.Azure.WebApp.Name}"
HEALTH_PATH="#{Project.Azure.WebApp.HealthCheckPath}"

SLOT_ARGS=()
if [ -n "$SLOT" ]; then
    SLOT_ARGS=(--slot "$SLOT")
fi
HOST=$(az webapp show --resource-group "$RESOURCE_GROUP" --name "$WEB_APP" "${SLOT_ARGS[@]}" --query defaultHostName --output tsv)
URL="https://$HOST/${HEALTH_PATH#/}"

for ATTEMPT in 1 2 3 4 5 6 7 8 9 10; do
    STATUS=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 30 "$URL" || true)
    if [ "$STATUS" -ge 200 ] && [ "$STATUS" -lt 400 ]; then
        write_highlight "Smoke test passed: [$URL]($URL) answered $STATUS"
        exit 0
    fi
    echo "Attempt $ATTEMPT: $URL answered ${STATUS:-nothing}; retrying in 15 seconds"
    sleep 15
done
echo "Smoke test failed: $URL did not answer with a 2xx or 3xx status." >&2
exit 1
