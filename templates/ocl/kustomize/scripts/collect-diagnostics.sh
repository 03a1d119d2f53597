# Save what is needed to investigate a problem as artifacts of this run; change nothing.
set -uo pipefail
NAMESPACE="#{Project.Kubernetes.Namespace}"
OUT="$PWD/diagnostics"
mkdir -p "$OUT"

kubectl get all --namespace "$NAMESPACE" -o wide > "$OUT/resources.txt" 2>&1
kubectl describe deployments --namespace "$NAMESPACE" > "$OUT/deployments.txt" 2>&1
kubectl describe pods --namespace "$NAMESPACE" > "$OUT/pods.txt" 2>&1
kubectl get events --namespace "$NAMESPACE" --sort-by=.lastTimestamp > "$OUT/events.txt" 2>&1
for POD in $(kubectl get pods --namespace "$NAMESPACE" -o name); do
    echo "===== $POD"
    kubectl logs "$POD" --namespace "$NAMESPACE" --all-containers --prefix --tail=500
done > "$OUT/logs.txt" 2>&1

for FILE in "$OUT"/*.txt; do
    new_octopusartifact "$FILE" "#{Octopus.Environment.Name}-$(basename "$FILE")"
done
kubectl get deployments --namespace "$NAMESPACE"
