# Octopus skips a step on deployment targets, and marks it Abandoned, when no target in the
# environment has its tag. Fail then, so a deployment that reached no web server is not a success.
STATUS="#{Octopus.Step[Deploy Website to IIS].Status.Code}"
if [ "$STATUS" = "Abandoned" ]; then
    echo "No deployment target in #{Octopus.Environment.Name} has the tag #{Octopus.Action[Deploy Website to IIS].TargetRoles}, so nothing was deployed. Add a Windows target with IIS (a Tentacle) with that tag." >&2
    exit 1
fi
echo "Deploy Website to IIS finished with status $STATUS"
