# Restart the service on this server (start it if it is stopped) and wait until it is running.
$name = "#{Project.WindowsService.Name}"
$service = Get-Service -Name $name -ErrorAction SilentlyContinue
if (-not $service) {
    Write-Error "There is no service $name on $($env:COMPUTERNAME)."
    exit 1
}
Restart-Service -Name $name -Force
(Get-Service -Name $name).WaitForStatus("Running", [TimeSpan]::FromSeconds(60))
Write-Highlight "Restarted $name on $($env:COMPUTERNAME)"
