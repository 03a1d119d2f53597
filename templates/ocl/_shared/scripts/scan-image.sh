# Scan the release's container image with Trivy; report CRITICAL and HIGH findings.
# The worker needs pull access to the image's registry (for a private registry, log in first or
# give Trivy TRIVY_USERNAME and TRIVY_PASSWORD).
set -euo pipefail

IMAGE="#{Octopus.Action.Package[image].Image}"
FAIL_ON_FINDINGS="#{Project.Security.FailOnVulnerabilities}"
# Pinned by digest, as in scan-sbom.sh (security_scan.scanner_image replaces it).
TRIVY_IMAGE="ghcr.io/aquasecurity/trivy:0.69.3@sha256:bcc376de8d77cfe086a917230e818dc9f8528e3c852f7b1aff648949b6258d1c"
REPORT="trivy-report.json"

docker run --rm "$TRIVY_IMAGE" \
    image --quiet --format json --severity CRITICAL,HIGH "$IMAGE" > "$REPORT"
CRITICAL=$(grep -o '"Severity": *"CRITICAL"' "$REPORT" | wc -l)
HIGH=$(grep -o '"Severity": *"HIGH"' "$REPORT" | wc -l)
TOTAL=$((CRITICAL + HIGH))
write_highlight "$IMAGE: $CRITICAL critical and $HIGH high vulnerabilities"
new_octopusartifact "$PWD/$REPORT" "$REPORT"

set_octopusvariable "VulnerabilityCount" "$TOTAL"
if [ "$TOTAL" -gt 0 ] && [ "${FAIL_ON_FINDINGS,,}" = "true" ]; then
    echo "$TOTAL critical or high vulnerabilities found." >&2
    exit 1
fi
