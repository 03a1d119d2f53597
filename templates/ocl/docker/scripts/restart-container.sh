# Restart the project's container and check that it runs again.
set -euo pipefail

NAME="#{Project.Docker.ContainerName}"

if ! docker container inspect "$NAME" >/dev/null 2>&1; then
    echo "There is no container $NAME on $(hostname): deploy a release first." >&2
    exit 1
fi

docker restart "$NAME" >/dev/null
sleep 5
STATE=$(docker inspect --format '{{.State.Status}}' "$NAME")
if [ "$STATE" != "running" ]; then
    echo "$NAME is $STATE after the restart. Its last log lines:" >&2
    docker logs --tail 50 "$NAME" >&2 || true
    exit 1
fi
write_highlight "Restarted $NAME on $(hostname)"
