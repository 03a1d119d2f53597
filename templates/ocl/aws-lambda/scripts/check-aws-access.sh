# Confirm the account works before anything is uploaded or deployed.
set -euo pipefail
if ! IDENTITY=$(aws sts get-caller-identity --output text --query Arn 2>&1); then
    echo "The AWS account in Project.AWS.Account cannot be used in #{Octopus.Environment.Name}: $IDENTITY" >&2
    exit 1
fi
echo "Deploying to #{Octopus.Environment.Name} as $IDENTITY in region #{Project.AWS.Region}"
