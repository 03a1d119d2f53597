# The nginx load balancer sends traffic to the blue or the green upstream through one included file
# holding a single proxy_pass line; switching colour rewrites that file and reloads nginx.
set -euo pipefail

LIVE_FILE="#{Project.LoadBalancer.LiveUpstreamFile}"
BLUE="#{Project.LoadBalancer.BlueUpstream}"
GREEN="#{Project.LoadBalancer.GreenUpstream}"

live_colour() {
    if [ ! -f "$LIVE_FILE" ]; then
        echo none
    elif grep -q "http://$BLUE;" "$LIVE_FILE"; then
        echo blue
    elif grep -q "http://$GREEN;" "$LIVE_FILE"; then
        echo green
    else
        echo "$LIVE_FILE sends traffic to neither $BLUE nor $GREEN" >&2
        return 1
    fi
}

point_to() {
    local colour="$1" upstream
    if [ "$colour" = "blue" ]; then
        upstream="$BLUE"
    elif [ "$colour" = "green" ]; then
        upstream="$GREEN"
    else
        echo "Unknown colour '$colour'" >&2
        return 1
    fi
    if [ -f "$LIVE_FILE" ]; then
        cp "$LIVE_FILE" "$LIVE_FILE.previous"
    fi
    echo "proxy_pass http://$upstream;" > "$LIVE_FILE"
    if ! nginx -t; then
        # Keep the load balancer as it was when nginx rejects the new configuration.
        if [ -f "$LIVE_FILE.previous" ]; then
            mv "$LIVE_FILE.previous" "$LIVE_FILE"
        else
            rm -f "$LIVE_FILE"
        fi
        echo "nginx rejected the configuration: traffic was not switched" >&2
        return 1
    fi
    systemctl reload nginx
    write_highlight "Traffic in #{Octopus.Environment.Name} now goes to $colour ($upstream)"
}
