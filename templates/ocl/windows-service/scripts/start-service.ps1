# Start the service on this server and wait until it is running.
$name = "#{Project.WindowsService.Name}"
$service = Get-Service -Name $name -ErrorAction SilentlyContinue
if (-not $service) {
    Write-Error "There is no service $name on $($env:COMPUTERNAME)."
    exit 1
}
Start-Service -Name $name
(Get-Service -Name $name).WaitForStatus("Running", [TimeSpan]::FromSeconds(60))
Write-Highlight "Started $name on $($env:COMPUTERNAME)"
