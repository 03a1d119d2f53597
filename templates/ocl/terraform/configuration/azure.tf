# Starter configuration: replace the output with your resources. Octopus passes the backend
# settings (-backend-config) and the Azure credentials.
terraform {
  backend "azurerm" {}

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "environment" {
  type = string
}

variable "location" {
  type = string
}

output "environment" {
  value = var.environment
}
