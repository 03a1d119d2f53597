# Uninstall the release and the resources it created; the namespace itself stays.
set -euo pipefail
RELEASE="#{Project.Helm.ReleaseName}"
NAMESPACE="#{Project.Kubernetes.Namespace}"
if ! helm status "$RELEASE" --namespace "$NAMESPACE" > /dev/null 2>&1; then
    echo "There is no release $RELEASE in $NAMESPACE: nothing to uninstall."
    exit 0
fi
helm uninstall "$RELEASE" --namespace "$NAMESPACE" --wait --timeout "#{Project.Helm.Timeout}"
write_highlight "Uninstalled $RELEASE from $NAMESPACE"
