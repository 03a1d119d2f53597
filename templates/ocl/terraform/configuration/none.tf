# Starter configuration: replace the output with your resources, and declare a backend (e.g. a
# cloud block) so the state outlives the worker that runs Terraform.
variable "environment" {
  type = string
}

output "environment" {
  value = var.environment
}
