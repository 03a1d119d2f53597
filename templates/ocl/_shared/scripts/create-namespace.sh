# Create the environment's namespace once; later deployments find it and move on.
set -euo pipefail
NAMESPACE="#{Project.Kubernetes.Namespace}"
if kubectl get namespace "$NAMESPACE" > /dev/null 2>&1; then
    echo "Namespace $NAMESPACE exists"
else
    kubectl create namespace "$NAMESPACE"
    kubectl label namespace "$NAMESPACE" app.kubernetes.io/managed-by=octopus-deploy --overwrite
    write_highlight "Created namespace $NAMESPACE"
fi
