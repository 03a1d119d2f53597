# Check the service on this server: one that starts automatically must reach Running within a
# minute of the deployment; a manually started service is only reported.
$name = "#{Project.WindowsService.Name}"
$service = Get-Service -Name $name -ErrorAction SilentlyContinue
if (-not $service) {
    Write-Error "There is no service $name on $($env:COMPUTERNAME)."
    exit 1
}
if ($service.StartType -ne "Automatic") {
    Write-Highlight "$name on $($env:COMPUTERNAME) starts $($service.StartType) and is $($service.Status)"
    exit 0
}
try {
    $service.WaitForStatus("Running", [TimeSpan]::FromSeconds(60))
} catch {
    Write-Error "$name on $($env:COMPUTERNAME) is $((Get-Service -Name $name).Status), not Running, a minute after the deployment. Check the Windows event log of the server."
    exit 1
}
Write-Highlight "$name is running on $($env:COMPUTERNAME)"
