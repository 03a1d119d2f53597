# Request the site on this server until it answers with a 2xx or 3xx status (the application pool
# may still be starting). The request goes to localhost with the binding's host name, if it has one.
$port = "#{Project.IIS.Binding.Port}"
$hostName = "#{Project.IIS.Binding.Host}"
$path = "/" + "#{Project.IIS.HealthCheckPath}".TrimStart("/")
$url = "http://localhost:$port$path"

for ($attempt = 1; $attempt -le 10; $attempt++) {
    $request = [System.Net.HttpWebRequest]::Create($url)
    if (-not [string]::IsNullOrWhiteSpace($hostName)) { $request.Host = $hostName }
    $request.AllowAutoRedirect = $false
    $request.Timeout = 30000
    $status = 0
    try {
        $response = $request.GetResponse()
        $status = [int]$response.StatusCode
        $response.Close()
    } catch [System.Net.WebException] {
        if ($_.Exception.Response) { $status = [int]$_.Exception.Response.StatusCode }
    }
    if ($status -ge 200 -and $status -lt 400) {
        Write-Highlight "#{Project.IIS.Website.Name} on $($env:COMPUTERNAME) answered $status at $url"
        exit 0
    }
    Write-Host "Attempt ${attempt}: $url answered $status; retrying in 6 seconds"
    Start-Sleep -Seconds 6
}
Write-Error "#{Project.IIS.Website.Name} on $($env:COMPUTERNAME) did not answer with a 2xx or 3xx status at $url"
exit 1
