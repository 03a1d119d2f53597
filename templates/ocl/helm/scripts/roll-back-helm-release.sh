# Roll the release back to the revision before the current one and wait until it is ready.
set -euo pipefail
RELEASE="#{Project.Helm.ReleaseName}"
NAMESPACE="#{Project.Kubernetes.Namespace}"
echo "History of $RELEASE in $NAMESPACE before the rollback:"
helm history "$RELEASE" --namespace "$NAMESPACE" --max 10
helm rollback "$RELEASE" --namespace "$NAMESPACE" --wait --timeout "#{Project.Helm.Timeout}"
helm history "$RELEASE" --namespace "$NAMESPACE" --max 3
write_highlight "Rolled $RELEASE in $NAMESPACE back to its previous revision. Deploy a fixed release to move forward again."
