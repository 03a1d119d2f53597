# Restart the Tomcat service, then wait until Tomcat answers HTTP requests again.
set -euo pipefail

SERVICE="#{Project.Tomcat.ServiceName}"
MANAGER_URL="#{Project.Tomcat.Manager.Url}"

if [ "$(id -u)" -eq 0 ]; then
    systemctl restart "$SERVICE"
else
    sudo --non-interactive systemctl restart "$SERVICE"
fi

for _ in $(seq 24); do
    STATUS=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 5 "$MANAGER_URL/text/serverinfo" || true)
    if [ "$STATUS" != "000" ]; then
        write_highlight "Restarted $SERVICE on $(hostname); Tomcat answers again"
        exit 0
    fi
    sleep 5
done

echo "Tomcat did not answer at $MANAGER_URL within two minutes of the restart of $SERVICE." >&2
systemctl status "$SERVICE" --no-pager >&2 || true
exit 1
