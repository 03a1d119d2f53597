# The work of this project: replace this script with your own.
# Read settings from project variables (scoped per environment) rather than writing them in here.
import socket

environment = get_octopusvariable("Octopus.Environment.Name")
message = get_octopusvariable("Project.Script.Message")

print("Running on " + socket.gethostname() + " for " + environment)
print(message)
