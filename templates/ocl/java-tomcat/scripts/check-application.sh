# Request the application on this host until it answers, for up to a minute.
set -euo pipefail

MANAGER_URL="#{Project.Tomcat.Manager.Url}"
CONTEXT_PATH="#{Project.Tomcat.ContextPath}"
BASE_URL="${MANAGER_URL%/}"
BASE_URL="${BASE_URL%/manager}"
URL="$BASE_URL/${CONTEXT_PATH#/}"

STATUS="000"
for _ in $(seq 12); do
    STATUS=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 10 "$URL" || true)
    case "$STATUS" in
        2?? | 3?? | 401 | 403)
            write_highlight "$URL answers with HTTP $STATUS on $(hostname)"
            exit 0
            ;;
    esac
    sleep 5
done

echo "$URL did not answer with a success status on $(hostname) (last status: $STATUS)." >&2
exit 1
