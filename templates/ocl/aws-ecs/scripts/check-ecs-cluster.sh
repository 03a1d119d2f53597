# Stop with a clear message when the environment's ECS settings cannot work, before the stack is touched.
set -euo pipefail
CLUSTER="#{Project.ECS.ClusterName}"
if [ -z "#{Project.ECS.Network.Subnets}" ] || [ -z "#{Project.ECS.Network.SecurityGroups}" ]; then
    echo "Set Project.ECS.Network.Subnets and Project.ECS.Network.SecurityGroups for #{Octopus.Environment.Name} (comma-separated IDs)." >&2
    exit 1
fi
if ! STATUS=$(aws ecs describe-clusters --clusters "$CLUSTER" --query "clusters[0].status" --output text 2>&1); then
    echo "Cannot read ECS cluster $CLUSTER with the account in Project.AWS.Account: $STATUS" >&2
    exit 1
fi
if [ "$STATUS" != "ACTIVE" ]; then
    echo "ECS cluster $CLUSTER is not active in #{Project.AWS.Region} (status: $STATUS): create it, or set Project.ECS.ClusterName for #{Octopus.Environment.Name}." >&2
    exit 1
fi
echo "Deploying service #{Project.ECS.ServiceName} to ECS cluster $CLUSTER in #{Project.AWS.Region}"
