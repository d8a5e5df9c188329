variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "environment" {
  type        = string
  description = "Deployment stage: staging or production"
}

variable "db_master_password" {
  type        = string
  description = "Master password of the shop database. Set TF_VAR_db_master_password; never commit it."
  sensitive   = true
}

variable "datadog_api_key" {
  type      = string
  sensitive = true
  default   = null
}

variable "allowed_cidrs" {
  type    = list(string)
  default = ["10.20.0.0/16"]
}
