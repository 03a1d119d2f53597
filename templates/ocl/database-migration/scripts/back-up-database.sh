# Back up the environment's database with the engine's own tool; the file name carries a UTC timestamp.
set -euo pipefail

ENGINE="#{Project.Database.Engine}"
HOST="#{Project.Database.Server}"
PORT="#{Project.Database.Port}"
NAME="#{Project.Database.Name}"
LOGIN="#{Project.Database.User}"
FOLDER="#{Project.Database.Backup.Folder}"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

case "$ENGINE" in
    postgresql)
        mkdir -p "$FOLDER"
        FILE="$FOLDER/$NAME-$STAMP.dump"
        PGPASSWORD="#{Project.Database.Password}" pg_dump --host "$HOST" --port "$PORT" --username "$LOGIN" \
            --format custom --file "$FILE" "$NAME"
        ;;
    mysql)
        mkdir -p "$FOLDER"
        FILE="$FOLDER/$NAME-$STAMP.sql"
        MYSQL_PWD="#{Project.Database.Password}" mysqldump --host "$HOST" --port "$PORT" --user "$LOGIN" \
            --single-transaction --routines --triggers "$NAME" > "$FILE"
        ;;
    sql-server)
        # BACKUP DATABASE writes on the database server, so the folder is a folder of that server.
        FILE="$FOLDER/$NAME-$STAMP.bak"
        SQLCMDPASSWORD="#{Project.Database.Password}" sqlcmd -S "$HOST,$PORT" -U "$LOGIN" -d master -b \
            -Q "BACKUP DATABASE [$NAME] TO DISK = N'$FILE' WITH COPY_ONLY, INIT, CHECKSUM"
        ;;
    *)
        echo "Unknown database engine '$ENGINE' in Project.Database.Engine" >&2
        exit 1
        ;;
esac

set_octopusvariable "BackupFile" "$FILE"
write_highlight "Backed up $NAME in #{Octopus.Environment.Name} to $FILE"
