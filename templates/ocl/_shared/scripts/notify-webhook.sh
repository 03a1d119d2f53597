# Post "deployment failed" to a Slack or Microsoft Teams incoming webhook ({"text": ...}).
set -euo pipefail

WEBHOOK_URL="#{Project.Notification.WebhookUrl}"
# A quoted here-document: whatever the error message holds stays text.
read -r -d '' TEXT <<'END_OF_MESSAGE' || true
Deployment of #{Octopus.Project.Name} release #{Octopus.Release.Number} to #{Octopus.Environment.Name} failed: #{Octopus.Deployment.Error}
#{Octopus.Web.ServerUri}#{Octopus.Web.DeploymentLink}
END_OF_MESSAGE

escape_json() {
    local text="${1//\\/\\\\}"
    text="${text//\"/\\\"}"
    text="${text//$'\t'/\\t}"
    text="${text//$'\r'/}"
    printf '%s' "${text//$'\n'/\\n}"
}

curl --fail --silent --show-error --max-time 30 -X POST -H 'Content-Type: application/json' \
    --data "{\"text\": \"$(escape_json "$TEXT")\"}" "$WEBHOOK_URL"
