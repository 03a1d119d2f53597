# Restart the site's application pool on this server; start it if it is stopped.
Import-Module WebAdministration
$pool = "#{Project.IIS.AppPool.Name}"

if (-not (Test-Path "IIS:\AppPools\$pool")) {
    Write-Error "There is no application pool $pool on $($env:COMPUTERNAME)."
    exit 1
}
$state = (Get-WebAppPoolState -Name $pool).Value
if ($state -eq "Stopped") {
    Start-WebAppPool -Name $pool
    Write-Highlight "Started the stopped application pool $pool on $($env:COMPUTERNAME)"
} else {
    Restart-WebAppPool -Name $pool
    Write-Highlight "Restarted the application pool $pool on $($env:COMPUTERNAME) (it was $state)"
}
