
# The idle colour is the one not serving traffic; before the first switch, blue.
LIVE=$(live_colour)
case "$LIVE" in
    blue) IDLE=green ;;
    *) IDLE=blue ;;
esac
set_octopusvariable "LiveColour" "$LIVE"
set_octopusvariable "IdleColour" "$IDLE"
write_highlight "Live colour in #{Octopus.Environment.Name}: $LIVE. Release #{Octopus.Release.Number} goes to $IDLE."
