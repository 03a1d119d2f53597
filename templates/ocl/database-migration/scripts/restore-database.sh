# Restore the environment's database from a backup made by the Back Up Database runbook. The file is
# the one given when the runbook is run, or the latest backup of this database. Replaces the database.
set -euo pipefail

ENGINE="#{Project.Database.Engine}"
HOST="#{Project.Database.Server}"
PORT="#{Project.Database.Port}"
NAME="#{Project.Database.Name}"
LOGIN="#{Project.Database.User}"
FOLDER="#{Project.Database.Backup.Folder}"
FILE="#{Project.Database.Restore.BackupFile}"

latest_local() {
    ls -1t "$FOLDER/$NAME-"*"$1" 2>/dev/null | head -n 1 || true
}

case "$ENGINE" in
    postgresql)
        [ "$FILE" = "latest" ] && FILE=$(latest_local ".dump")
        [ -n "$FILE" ] || { echo "No backup of $NAME found in $FOLDER" >&2; exit 1; }
        PGPASSWORD="#{Project.Database.Password}" pg_restore --host "$HOST" --port "$PORT" --username "$LOGIN" \
            --dbname "$NAME" --clean --if-exists --no-owner --exit-on-error "$FILE"
        ;;
    mysql)
        [ "$FILE" = "latest" ] && FILE=$(latest_local ".sql")
        [ -n "$FILE" ] || { echo "No backup of $NAME found in $FOLDER" >&2; exit 1; }
        MYSQL_PWD="#{Project.Database.Password}" mysql --host "$HOST" --port "$PORT" --user "$LOGIN" "$NAME" < "$FILE"
        ;;
    sql-server)
        export SQLCMDPASSWORD="#{Project.Database.Password}"
        if [ "$FILE" = "latest" ]; then
            # The backup history in msdb knows where the last full backup of the database was written.
            FILE=$(sqlcmd -S "$HOST,$PORT" -U "$LOGIN" -d msdb -b -h -1 -W -Q "SET NOCOUNT ON;
                SELECT TOP 1 m.physical_device_name FROM dbo.backupset b
                JOIN dbo.backupmediafamily m ON b.media_set_id = m.media_set_id
                WHERE b.database_name = N'$NAME' AND b.type = 'D' ORDER BY b.backup_finish_date DESC" | head -n 1)
        fi
        [ -n "$FILE" ] || { echo "No backup of $NAME found in the backup history" >&2; exit 1; }
        sqlcmd -S "$HOST,$PORT" -U "$LOGIN" -d master -b -Q "ALTER DATABASE [$NAME] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
            RESTORE DATABASE [$NAME] FROM DISK = N'$FILE' WITH REPLACE;
            ALTER DATABASE [$NAME] SET MULTI_USER;"
        ;;
    *)
        echo "Unknown database engine '$ENGINE' in Project.Database.Engine" >&2
        exit 1
        ;;
esac

write_highlight "Restored $NAME in #{Octopus.Environment.Name} from $FILE"
