# The distribution is managed outside this project: its ID is a project variable.
set -euo pipefail
DISTRIBUTION_ID="#{Project.Website.CloudFront.DistributionId}"
