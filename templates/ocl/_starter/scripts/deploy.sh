set -euo pipefail
echo "#{Project.Deploy.Message}"
