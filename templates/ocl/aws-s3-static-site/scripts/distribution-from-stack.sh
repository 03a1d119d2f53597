# The distribution was created by the website stack: read its ID from the stack's outputs.
set -euo pipefail
DISTRIBUTION_ID=$(aws cloudformation describe-stacks --stack-name "#{Project.Website.StackName}" \
    --query "Stacks[0].Outputs[?OutputKey=='DistributionId'].OutputValue" --output text)
