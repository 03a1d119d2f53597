# Smoke test: run the chart's own tests (helm test, the pods annotated helm.sh/hook: test) against the release.
set -euo pipefail
RELEASE="#{Project.Helm.ReleaseName}"
NAMESPACE="#{Project.Kubernetes.Namespace}"
helm test "$RELEASE" --namespace "$NAMESPACE" --logs --timeout "#{Project.Helm.Timeout}"
write_highlight "The chart's tests passed for $RELEASE in $NAMESPACE"
