# Fail when no deployment target in the environment has the servers' tag: Octopus then skips
# Deploy Windows Service, and the status code of a step that ran on no machine is not a reliable
# signal (it has read Succeeded: OctopusDeploy/Issues#4723). Octopus.Environment.MachinesInRole[tag]
# lists the targets with the tag this deployment deploys to; it is empty, or left unreplaced, when
# there are none.
MACHINES="#{Octopus.Environment.MachinesInRole[@TARGET_TAG@]}"
case "$MACHINES" in
    "" | "#{"*)
        echo "No deployment target in #{Octopus.Environment.Name} has the tag @TARGET_TAG@, so nothing was deployed. Add a Windows target (a Tentacle) with that tag." >&2
        exit 1
        ;;
esac
echo "Deploy Windows Service ran on the targets tagged @TARGET_TAG@: $MACHINES"
