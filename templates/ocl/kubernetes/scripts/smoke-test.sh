# Smoke test: forward a local port to the Service and request the smoke test path; fail unless it answers 2xx.
set -euo pipefail
NAMESPACE="#{Project.Kubernetes.Namespace}"
SERVICE="#{Project.Kubernetes.Deployment.Name}"
URL_PATH="#{Project.Kubernetes.SmokeTestPath}"
kubectl port-forward --namespace "$NAMESPACE" "service/$SERVICE" 18080:80 > port-forward.log 2>&1 &
FORWARD=$!
trap 'kill "$FORWARD" 2>/dev/null || true' EXIT
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if curl --fail --silent --show-error --max-time 10 --output /dev/null "http://127.0.0.1:18080$URL_PATH"; then
        write_highlight "$SERVICE answered $URL_PATH in $NAMESPACE"
        exit 0
    fi
    sleep 3
done
cat port-forward.log >&2
echo "$SERVICE did not answer $URL_PATH with a 2xx status in $NAMESPACE." >&2
exit 1
