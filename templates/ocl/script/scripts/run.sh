# The work of this project: replace this script with your own.
# Read settings from project variables (scoped per environment) rather than writing them in here.
set -euo pipefail

MESSAGE=$(get_octopusvariable "Project.Script.Message")

echo "Running on $(hostname) for #{Octopus.Environment.Name}"
write_highlight "$MESSAGE"
