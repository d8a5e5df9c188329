variable "name" { type = string }
variable "instance_class" { type = string }
variable "master_password" {
  type      = string
  sensitive = true
}
variable "app_password" {
  type      = string
  sensitive = true
}
variable "allowed_cidrs" { type = list(string) }

resource "aws_db_instance" "this" {
  identifier                  = var.name
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = var.instance_class
  allocated_storage           = 100
  username                    = "harbor_admin"
  password                    = var.master_password
  storage_encrypted           = true
  deletion_protection         = true
  manage_master_user_password = null
  skip_final_snapshot         = false
}

output "endpoint" {
  value = aws_db_instance.this.endpoint
}
