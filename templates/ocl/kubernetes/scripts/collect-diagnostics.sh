# Save what is needed to investigate a problem as artifacts of this run; change nothing.
set -uo pipefail
NAMESPACE="#{Project.Kubernetes.Namespace}"
DEPLOYMENT="#{Project.Kubernetes.Deployment.Name}"
OUT="$PWD/diagnostics"
mkdir -p "$OUT"

kubectl get all --namespace "$NAMESPACE" -o wide > "$OUT/resources.txt" 2>&1
kubectl describe "deployment/$DEPLOYMENT" --namespace "$NAMESPACE" > "$OUT/deployment.txt" 2>&1
kubectl describe pods --namespace "$NAMESPACE" -l "app.kubernetes.io/name=$DEPLOYMENT" > "$OUT/pods.txt" 2>&1
kubectl get events --namespace "$NAMESPACE" --sort-by=.lastTimestamp > "$OUT/events.txt" 2>&1
kubectl logs --namespace "$NAMESPACE" -l "app.kubernetes.io/name=$DEPLOYMENT" --all-containers --prefix --tail=1000 --max-log-requests=20 > "$OUT/logs.txt" 2>&1

for FILE in "$OUT"/*.txt; do
    new_octopusartifact "$FILE" "#{Octopus.Environment.Name}-$(basename "$FILE")"
done
kubectl get "deployment/$DEPLOYMENT" --namespace "$NAMESPACE"
