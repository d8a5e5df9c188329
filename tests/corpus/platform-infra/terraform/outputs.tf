output "shop_db_endpoint" {
  value = module.shop_db.endpoint
}

output "shop_db_app_password" {
  value     = random_password.shop_app.result
  sensitive = true
}
