# The work of this project: replace this script with your own.
# Read settings from project variables (scoped per environment) rather than writing them in here.
$ErrorActionPreference = "Stop"

$message = $OctopusParameters["Project.Script.Message"]

Write-Host "Running on $([System.Environment]::MachineName) for #{Octopus.Environment.Name}"
Write-Highlight $message
