# Octopus skips a step on deployment targets, and marks it Abandoned, when no target in the
# environment has its tag. Fail then, so a deployment that reached no server is not a success.
STATUS="#{Octopus.Step[Deploy Windows Service].Status.Code}"
if [ "$STATUS" = "Abandoned" ]; then
    echo "No deployment target in #{Octopus.Environment.Name} has the tag #{Octopus.Action[Deploy Windows Service].TargetRoles}, so nothing was deployed. Add a Windows target (a Tentacle) with that tag." >&2
    exit 1
fi
echo "Deploy Windows Service finished with status $STATUS"
