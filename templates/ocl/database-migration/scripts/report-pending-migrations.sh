# List applied and pending migrations, keep the list as an artifact, and check that the migrations
# already applied still match their files (validate fails on an edited or missing script).
set -euo pipefail

export FLYWAY_URL="#{Project.Flyway.Url}"
export FLYWAY_USER="#{Project.Database.User}"
export FLYWAY_PASSWORD="#{Project.Database.Password}"
export FLYWAY_LOCATIONS="filesystem:#{Octopus.Action.Package[migrations].ExtractedPath}/#{Project.Flyway.MigrationsFolder}"

REPORT="$PWD/flyway-info.txt"
flyway info | tee "$REPORT"
new_octopusartifact "$REPORT" "flyway-info.txt"

PENDING=$(grep -c '| *Pending *|' "$REPORT" || true)
set_octopusvariable "PendingMigrations" "$PENDING"
write_highlight "$PENDING pending migrations for #{Project.Database.Name} in #{Octopus.Environment.Name} (see the flyway-info.txt artifact)"

flyway validate -ignoreMigrationPatterns='*:pending'
