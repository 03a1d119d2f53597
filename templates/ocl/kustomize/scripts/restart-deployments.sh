# Replace the pods of every Deployment in the namespace one by one, then wait until they are ready.
set -euo pipefail
NAMESPACE="#{Project.Kubernetes.Namespace}"
DEPLOYMENTS=$(kubectl get deployments --namespace "$NAMESPACE" -o name)
if [ -z "$DEPLOYMENTS" ]; then
    echo "There are no Deployments in $NAMESPACE: nothing to restart."
    exit 0
fi
for DEPLOYMENT in $DEPLOYMENTS; do
    kubectl rollout restart "$DEPLOYMENT" --namespace "$NAMESPACE"
done
for DEPLOYMENT in $DEPLOYMENTS; do
    kubectl rollout status "$DEPLOYMENT" --namespace "$NAMESPACE" --timeout=300s
done
write_highlight "Restarted $(echo "$DEPLOYMENTS" | wc -l) Deployments in $NAMESPACE"
