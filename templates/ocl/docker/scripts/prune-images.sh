# Remove images that no container uses (running or stopped) and that are older than the limit.
set -euo pipefail

echo "Disk used by Docker on $(hostname) before pruning:"
docker system df
docker image prune --all --force --filter "until=#{Project.Docker.PruneUntil}"
echo "After pruning:"
docker system df
