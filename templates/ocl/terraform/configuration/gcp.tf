# Starter configuration: replace the output with your resources. Octopus passes the backend
# settings (-backend-config), the Google Cloud credentials, project and region.
terraform {
  backend "gcs" {}

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
}

provider "google" {}

variable "environment" {
  type = string
}

output "environment" {
  value = var.environment
}
