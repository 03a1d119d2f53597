# Replace the pods of the Deployment one by one, then wait until the new pods are ready.
set -euo pipefail
NAMESPACE="#{Project.Kubernetes.Namespace}"
DEPLOYMENT="#{Project.Kubernetes.Deployment.Name}"
kubectl rollout restart "deployment/$DEPLOYMENT" --namespace "$NAMESPACE"
kubectl rollout status "deployment/$DEPLOYMENT" --namespace "$NAMESPACE" --timeout=300s
write_highlight "Restarted deployment/$DEPLOYMENT in $NAMESPACE"
