resource "random_password" "shop_app" {
  length  = 40
  special = false
}

module "shop_db" {
  source          = "./modules/rds"
  name            = "harbor-shop-${var.environment}"
  instance_class  = var.environment == "production" ? "db.r6g.large" : "db.t4g.medium"
  master_password = var.db_master_password
  app_password    = random_password.shop_app.result
  allowed_cidrs   = var.allowed_cidrs
}

resource "aws_secretsmanager_secret" "shop_db_url" {
  name       = "harbor/${var.environment}/shop/database-url"
  kms_key_id = "arn:aws:kms:eu-central-1:418272790211:key/5f3c9a1e-7d42-4b8e-9c61-2e0d8b7a4f13"
}

resource "aws_secretsmanager_secret_version" "shop_db_url" {
  secret_id     = aws_secretsmanager_secret.shop_db_url.id
  secret_string = "postgres://shop:${random_password.shop_app.result}@${module.shop_db.endpoint}/shop"
}

resource "aws_iam_role" "github_deploy" {
  name = "github-deploy-harbor-shop"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::418272790211:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:harbor-logistics/harbor-shop:*" }
      }
    }]
  })
}

resource "aws_key_pair" "bastion" {
  key_name   = "bastion-${var.environment}"
  public_key = file("${path.module}/../ansible/roles/bastion/files/authorized_keys")
}
