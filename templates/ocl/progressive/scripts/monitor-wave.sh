# Watch the servers of the wave just deployed for the soak time: a health check every 15 seconds,
# failing after three failures in a row. For a real canary analysis, also query your monitoring
# here (error rate, latency) and exit 1 when the new release does worse than the old one.
set -euo pipefail

URL="http://localhost:#{Project.App.Port}#{Project.App.HealthCheckPath}"
MINUTES="#{Project.Rollout.SoakMinutes}"
END=$((SECONDS + MINUTES * 60))
CHECKS=0
FAILURES=0

while [ "$SECONDS" -lt "$END" ]; do
    if curl --silent --fail --max-time 5 "$URL" > /dev/null; then
        FAILURES=0
    else
        FAILURES=$((FAILURES + 1))
        echo "Health check $((CHECKS + 1)) of #{Octopus.Machine.Name} failed at $URL"
        if [ "$FAILURES" -ge 3 ]; then
            echo "#{Octopus.Machine.Name} failed three health checks in a row: stopping the rollout" >&2
            exit 1
        fi
    fi
    CHECKS=$((CHECKS + 1))
    sleep 15
done
write_highlight "#{Octopus.Machine.Name} stayed healthy for $MINUTES minutes ($CHECKS checks)"
