# Restart the service from its files, then wait until it reports healthy; the step fails if it
# does not within the timeout (after a deployment, and in restart runbooks one server at a time).
set -euo pipefail

SERVICE="#{Project.App.ServiceName}"
URL="http://localhost:#{Project.App.Port}#{Project.App.HealthCheckPath}"
TIMEOUT="#{Project.App.HealthCheckTimeoutSeconds}"

systemctl restart "$SERVICE"
DEADLINE=$((SECONDS + TIMEOUT))
until curl --silent --fail --max-time 5 "$URL" > /dev/null; do
    if [ "$SECONDS" -ge "$DEADLINE" ]; then
        echo "$SERVICE on #{Octopus.Machine.Name} is not healthy at $URL after $TIMEOUT seconds" >&2
        exit 1
    fi
    sleep 5
done
write_highlight "$SERVICE on #{Octopus.Machine.Name} is healthy at $URL"
