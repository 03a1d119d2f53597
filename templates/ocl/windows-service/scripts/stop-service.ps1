# Stop the service on this server and wait until it has stopped.
$name = "#{Project.WindowsService.Name}"
$service = Get-Service -Name $name -ErrorAction SilentlyContinue
if (-not $service) {
    Write-Error "There is no service $name on $($env:COMPUTERNAME)."
    exit 1
}
Stop-Service -Name $name -Force
(Get-Service -Name $name).WaitForStatus("Stopped", [TimeSpan]::FromSeconds(60))
Write-Highlight "Stopped $name on $($env:COMPUTERNAME)"
