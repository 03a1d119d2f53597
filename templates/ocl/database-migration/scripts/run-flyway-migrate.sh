# Apply the pending migrations; Flyway validates the applied ones first and stops on any mismatch.
set -euo pipefail

export FLYWAY_URL="#{Project.Flyway.Url}"
export FLYWAY_USER="#{Project.Database.User}"
export FLYWAY_PASSWORD="#{Project.Database.Password}"
export FLYWAY_LOCATIONS="filesystem:#{Octopus.Action.Package[migrations].ExtractedPath}/#{Project.Flyway.MigrationsFolder}"

flyway migrate

REPORT="$PWD/flyway-info-after-migrate.txt"
flyway info | tee "$REPORT"
new_octopusartifact "$REPORT" "flyway-info-after-migrate.txt"
