
# The other colour still runs the release that was live before the last switch.
LIVE=$(live_colour)
case "$LIVE" in
    blue) point_to green ;;
    green) point_to blue ;;
    *)
        echo "Traffic has never been switched in #{Octopus.Environment.Name}: nothing to go back to" >&2
        exit 1
        ;;
esac
