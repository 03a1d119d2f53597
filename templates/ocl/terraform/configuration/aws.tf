# Starter configuration: replace the output with your resources. Octopus passes the backend
# settings (-backend-config) and the AWS credentials and region.
terraform {
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  default_tags {
    tags = {
      Environment = var.environment
    }
  }
}

variable "environment" {
  type = string
}

output "environment" {
  value = var.environment
}
