# Scan every CycloneDX SBOM in the package with Trivy; report CRITICAL and HIGH findings.
set -euo pipefail

SBOM_DIR="#{Octopus.Action.Package[sbom].ExtractedPath}"
FAIL_ON_FINDINGS="#{Project.Security.FailOnVulnerabilities}"
# Pinned by digest: a tag can be moved (the Trivy images 0.69.4 to 0.69.6 were malicious, March 2026).
TRIVY_IMAGE="ghcr.io/aquasecurity/trivy:0.69.3@sha256:bcc376de8d77cfe086a917230e818dc9f8528e3c852f7b1aff648949b6258d1c"
TOTAL=0
FOUND=0

while IFS= read -r -d '' BOM; do
    FOUND=$((FOUND + 1))
    REPORT="trivy-report-${FOUND}.json"
    docker run --rm -v "$(dirname "$BOM"):/input:ro" "$TRIVY_IMAGE" \
        sbom --quiet --format json --severity CRITICAL,HIGH "/input/$(basename "$BOM")" > "$REPORT"
    CRITICAL=$(grep -o '"Severity": *"CRITICAL"' "$REPORT" | wc -l)
    HIGH=$(grep -o '"Severity": *"HIGH"' "$REPORT" | wc -l)
    TOTAL=$((TOTAL + CRITICAL + HIGH))
    write_highlight "$(basename "$(dirname "$BOM")")/$(basename "$BOM"): $CRITICAL critical and $HIGH high vulnerabilities"
    new_octopusartifact "$PWD/$REPORT" "$REPORT"
done < <(find "$SBOM_DIR" -type f -name 'bom.json' -print0)

if [ "$FOUND" -eq 0 ]; then
    echo "No bom.json found in the SBOM package: publish a CycloneDX SBOM with each release." >&2
    exit 1
fi

set_octopusvariable "VulnerabilityCount" "$TOTAL"
if [ "$TOTAL" -gt 0 ] && [ "${FAIL_ON_FINDINGS,,}" = "true" ]; then
    echo "$TOTAL critical or high vulnerabilities found." >&2
    exit 1
fi
