# Invalidate every path, so viewers get the new files now rather than when their cached copies expire.
if [ -z "$DISTRIBUTION_ID" ] || [ "$DISTRIBUTION_ID" = "None" ]; then
    echo "No CloudFront distribution ID for #{Octopus.Environment.Name}: check the website stack or Project.Website.CloudFront.DistributionId." >&2
    exit 1
fi
INVALIDATION_ID=$(aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths "/*" \
    --query "Invalidation.Id" --output text)
echo "Waiting for invalidation $INVALIDATION_ID of distribution $DISTRIBUTION_ID"
aws cloudfront wait invalidation-completed --distribution-id "$DISTRIBUTION_ID" --id "$INVALIDATION_ID"
write_highlight "CloudFront distribution $DISTRIBUTION_ID serves the new files"
