# Scale the service and wait until it is stable. The next deployment sets the count back to Project.ECS.DesiredCount.
set -euo pipefail
CLUSTER="#{Project.ECS.ClusterName}"
SERVICE="#{Project.ECS.ServiceName}"
COUNT="#{Project.ECS.Scale.DesiredCount}"
if ! [[ "$COUNT" =~ ^[0-9]+$ ]]; then
    echo "The desired task count must be a whole number (got '$COUNT')." >&2
    exit 1
fi
aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --desired-count "$COUNT" --query "service.desiredCount" --output text
aws ecs wait services-stable --cluster "$CLUSTER" --services "$SERVICE"
write_highlight "Service $SERVICE in $CLUSTER runs $COUNT tasks"
