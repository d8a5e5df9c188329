#!/usr/bin/env bash
# Creates the state bucket and lock table for a new AWS account. Needs an admin SSO session:
#   aws sso login --profile harbor-admin
set -euo pipefail

export AWS_PROFILE="${AWS_PROFILE:-harbor-admin}"
export AWS_REGION="${AWS_REGION:-eu-central-1}"
: "${TF_VAR_db_master_password:?export TF_VAR_db_master_password first (tokhyg generate --bits 192)}"

aws s3api create-bucket --bucket harbor-terraform-state \
  --create-bucket-configuration LocationConstraint="$AWS_REGION"
aws dynamodb create-table --table-name terraform-locks \
  --attribute-definitions AttributeName=LockID,AttributeType=S \
  --key-schema AttributeName=LockID,KeyType=HASH --billing-mode PAY_PER_REQUEST

DATADOG_API_KEY="$(aws secretsmanager get-secret-value --secret-id harbor/datadog/api-key \
  --query SecretString --output text)"
export DATADOG_API_KEY
terraform -chdir=terraform init
