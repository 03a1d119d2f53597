# Pull this release's image and replace the project's container with one from it. The previous
# container is kept, stopped, until the new one runs, and is started again if the new one fails.
set -euo pipefail

if ! command -v docker >/dev/null; then
    echo "Docker is not installed on $(hostname), or not on the PATH of the Octopus user." >&2
    exit 1
fi

REGISTRY="#{Project.Docker.Registry}"
IMAGE="${REGISTRY%/}/#{Octopus.Action.Package[image].PackageId}:#{Octopus.Action.Package[image].PackageVersion}"
NAME="#{Project.Docker.ContainerName}"
PREVIOUS="$NAME-previous"
TIMEOUT="#{Project.Docker.StartTimeout}"

# The container's environment, as a Docker env file readable only by this user.
ENV_FILE=$(mktemp)
trap 'rm -f "$ENV_FILE"' EXIT
chmod 600 "$ENV_FILE"
cat > "$ENV_FILE" <<'ENVIRONMENT'
#{Project.Docker.EnvironmentVariables}
ENVIRONMENT

echo "Pulling $IMAGE"
docker pull --quiet "$IMAGE"

docker rm --force "$PREVIOUS" >/dev/null 2>&1 || true
if docker container inspect "$NAME" >/dev/null 2>&1; then
    echo "Stopping the running container $NAME"
    docker stop "$NAME" >/dev/null
    docker rename "$NAME" "$PREVIOUS"
fi

docker run --detach --name "$NAME" --restart unless-stopped \
    --publish "#{Project.Docker.HostPort}:#{Project.Docker.ContainerPort}" \
    --env-file "$ENV_FILE" \
    --label "octopus.project=#{Octopus.Project.Name}" \
    --label "octopus.release=#{Octopus.Release.Number}" \
    "$IMAGE" >/dev/null

# Running (and healthy, when the image has a health check) and still so after a few seconds.
STATE=""
DEADLINE=$((SECONDS + TIMEOUT))
sleep 5
while [ "$SECONDS" -lt "$DEADLINE" ]; do
    STATE=$(docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$NAME")
    case "$STATE" in
        "running healthy" | "running none") break ;;
        "running starting") sleep 2 ;;
        *) break ;;
    esac
done

case "$STATE" in
    "running healthy" | "running none") ;;
    *)
        echo "The new container did not start (state: ${STATE:-unknown}). Its last log lines:" >&2
        docker logs --tail 50 "$NAME" >&2 || true
        docker rm --force "$NAME" >/dev/null
        if docker container inspect "$PREVIOUS" >/dev/null 2>&1; then
            docker rename "$PREVIOUS" "$NAME"
            docker start "$NAME" >/dev/null
            echo "Started the previous container again." >&2
        fi
        exit 1
        ;;
esac

docker rm --force "$PREVIOUS" >/dev/null 2>&1 || true
write_highlight "$NAME runs $IMAGE on $(hostname), port #{Project.Docker.HostPort}"
