//! What is planted where: one fresh token for every built-in `token:` rule, spread over the
//! files where real leaks happen (committed `.env` files, settings modules, CI workflows,
//! Terraform, Kubernetes, scripts, logs, docs), plus the credentials that have no distinctive
//! prefix and are found by context (passwords, connection strings, private keys, JWTs, cloud
//! keys), and near misses next to them.

use super::planting::PlantedCorpus;
use super::regex_sample::sample_secret;
use super::secret_gen::{self as generate, PemKind};
use tokhyg::rules::{Rule, RuleKind, ValueCheck};
use tokhyg::token::format::TokenFormat;

/// How one file holds a `NAME = value` setting.
struct Site {
    path: &'static str,
    /// Lines written before the first setting when the file is new.
    header: &'static [&'static str],
    /// Renders one setting: (names of the setting, value) -> line.
    render: fn(&Names, &str) -> String,
}

/// A setting's name in the spellings different languages use.
struct Names {
    upper: String,
    lower: String,
    camel: String,
    pascal: String,
    kebab: String,
}

impl Names {
    fn new(words: &str) -> Self {
        let parts: Vec<String> = words
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let camel = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p.clone()
                } else {
                    let mut c = p.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                }
            })
            .collect::<String>();
        let pascal = camel
            .chars()
            .next()
            .map(|f| f.to_ascii_uppercase().to_string() + &camel[1..])
            .unwrap_or_default();
        Names {
            upper: parts.join("_").to_ascii_uppercase(),
            lower: parts.join("_"),
            camel,
            pascal,
            kebab: parts.join("-"),
        }
    }
}

/// The places tokens are planted, in rotation. Files that exist in the corpus get the lines
/// appended; new files start with their header.
const SITES: &[Site] = &[
    Site {
        path: "harbor-shop/.env.production",
        header: &[
            "NODE_ENV=production",
            "PORT=8080",
            "PUBLIC_URL=https://shop.harbor-logistics.example",
        ],
        render: |n, v| format!("{}={v}", n.upper),
    },
    Site {
        path: "billing-py/billing/settings_production.py",
        header: &[
            "\"\"\"Production overrides (DJANGO_SETTINGS_MODULE=billing.settings_production).\"\"\"",
            "import os",
            "",
            "from .settings import *  # noqa: F401,F403",
            "",
            "DEBUG = False",
            "ALLOWED_HOSTS = [\"billing.harbor-logistics.example\"]",
        ],
        render: |n, v| format!("{} = \"{v}\"", n.upper),
    },
    Site {
        path: "platform-infra/k8s/shop/configmap-integrations.yaml",
        header: &[
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: shop-integrations",
            "  namespace: shop",
            "data:",
        ],
        render: |n, v| format!("  {}: \"{v}\"", n.upper),
    },
    Site {
        path: "admin-console/src/config/integrations.ts",
        header: &[
            "// Keys of the third-party widgets embedded in the console.",
            "",
        ],
        render: |n, v| format!("export const {} = '{v}';", n.camel),
    },
    Site {
        path: "ledger-go/internal/config/defaults.go",
        header: &[
            "package config",
            "",
            "// Fallbacks used when the environment sets nothing.",
            "",
        ],
        render: |n, v| format!("const {} = \"{v}\"", n.camel),
    },
    Site {
        path: "platform-infra/scripts/deploy-prod.sh",
        header: &[
            "#!/usr/bin/env bash",
            "set -euo pipefail",
            "# Production deploy, run from the release runner.",
            "",
        ],
        render: |n, v| format!("export {}='{v}'", n.upper),
    },
    Site {
        path: "platform-infra/terraform/integrations.tf",
        header: &["# Third-party integrations of the shop.", ""],
        render: |n, v| {
            format!(
                "variable \"{}\" {{\n  type    = string\n  default = \"{v}\"\n}}\n",
                n.lower
            )
        },
    },
    Site {
        path: "billing-py/Dockerfile.worker",
        header: &[
            "FROM python:3.12-slim",
            "WORKDIR /srv",
            "COPY . .",
            "RUN pip install --require-hashes -r requirements.txt",
        ],
        render: |n, v| format!("ENV {}={v}", n.upper),
    },
    Site {
        path: "inventory-service/src/main/resources/application-prod.properties",
        header: &[
            "spring.datasource.url=jdbc:postgresql://inventory-db.internal:5432/inventory",
            "server.port=8080",
        ],
        render: |n, v| format!("inventory.integrations.{}={v}", n.kebab),
    },
    Site {
        path: "fulfilment-worker/config/integrations.toml",
        header: &[
            "# Carrier and notification integrations, production.",
            "[integrations]",
        ],
        render: |n, v| format!("{} = \"{v}\"", n.lower),
    },
    Site {
        path: "tally-rs/examples/upload.rs",
        header: &[
            "//! Uploads a snapshot to the reporting service.",
            "",
            "#![allow(dead_code)]",
            "",
        ],
        render: |n, v| format!("const {}: &str = \"{v}\";", n.upper),
    },
    Site {
        path: "handbook/docs/runbooks/incident-2024-05-17.md",
        header: &[
            "# Incident 2024-05-17: checkout webhooks failing",
            "",
            "Reproduced from a laptop with the production settings:",
            "",
        ],
        render: |n, v| format!("- `{}`: `{v}`", n.upper),
    },
    Site {
        path: "harbor-shop/.github/workflows/nightly.yml",
        header: &[
            "name: nightly",
            "on:",
            "  schedule: [{ cron: '0 3 * * *' }]",
            "jobs:",
            "  e2e:",
            "    runs-on: ubuntu-24.04",
            "    env:",
        ],
        render: |n, v| format!("      {}: {v}", n.upper),
    },
    Site {
        path: "inventory-service/src/test/java/com/harbor/inventory/IntegrationsIT.java",
        header: &[
            "package com.harbor.inventory;",
            "",
            "// Live sandbox credentials for the integration tests.",
        ],
        render: |n, v| {
            format!(
                "final class {}Credentials {{ static final String VALUE = \"{v}\"; }}",
                n.pascal
            )
        },
    },
    Site {
        path: "platform-infra/ansible/group_vars/production/main.yml",
        header: &["---", "shop_domain: shop.harbor-logistics.example"],
        render: |n, v| format!("{}: \"{v}\"", n.lower),
    },
    Site {
        path: "fulfilment-worker/logs/worker-2024-06-10.log",
        header: &["2024-06-10T07:00:00Z INFO worker started version=1.8.0"],
        render: |n, v| {
            format!(
                "2024-06-10T07:12:09Z DEBUG outbound request integration={} headers={{'authorization': 'Bearer {v}'}}",
                n.lower
            )
        },
    },
    Site {
        path: "harbor-shop/public/js/checkout.min.js",
        header: &["/*! checkout widget v3.2.0 | (c) Harbor Logistics */"],
        render: |n, v| {
            format!(
                "!function(){{\"use strict\";var e={{{}:\"{v}\",env:\"production\"}};window.__harbor=Object.assign(window.__harbor||{{}},e)}}();",
                n.camel
            )
        },
    },
    Site {
        path: "carrier-portal-php/config/integrations.php",
        header: &[
            "<?php",
            "",
            "declare(strict_types=1);",
            "",
            "// Keys of the carrier sandboxes and live APIs.",
        ],
        render: |n, v| format!("define('{}', '{v}');", n.upper),
    },
    Site {
        path: "reports-dotnet/Integrations.cs",
        header: &["namespace Harbor.Reports;", ""],
        render: |n, v| {
            format!(
                "internal static class {} {{ internal const string Value = \"{v}\"; }}",
                n.pascal
            )
        },
    },
    Site {
        path: "shipping-rails/config/initializers/integrations.rb",
        header: &[
            "# frozen_string_literal: true",
            "",
            "# Carrier integrations used by the label printer.",
        ],
        render: |n, v| format!("{} = \"{v}\"", n.upper),
    },
];

/// A placeholder of the format's shape: the prefix and a run of one repeated character.
fn placeholder_of(format: &TokenFormat) -> String {
    let fill = ['x', 'X', '0']
        .into_iter()
        .find(|c| format.alphabet.contains(*c))
        .unwrap_or(format.alphabet.chars()[0]);
    let tail = format.checksum.map_or(0, |c| c.tail_len());
    format!(
        "{}{}",
        format.prefix,
        fill.to_string().repeat(format.length + tail)
    )
}

/// The names a planted token goes under: the rule id, with a keyword in front when the rule
/// needs one nearby and the id does not already say it.
fn names_for(rule: &Rule, token: &str) -> Names {
    let id = rule.id.to_ascii_lowercase();
    let token = token.to_ascii_lowercase();
    let has_keyword = rule.keywords.is_empty()
        || rule
            .keywords
            .iter()
            .any(|k| id.contains(k.as_str()) || token.contains(k.as_str()));
    match rule.keywords.first() {
        Some(keyword) if !has_keyword => Names::new(&format!("{keyword} {}", rule.id)),
        _ => Names::new(&rule.id),
    }
}

fn write_site_line(
    corpus: &mut PlantedCorpus,
    site: &Site,
    line: String,
    secret: Option<(&str, &str)>,
) {
    if corpus.is_new(site.path) {
        corpus.context(site.path, &site.header.join("\n"));
    }
    match secret {
        Some((value, what)) => corpus.plant(site.path, &line, &[value.to_string()], what),
        None => corpus.near_miss(site.path, &line, "token with a wrong checksum"),
    }
}

/// Plants one fresh token for every `token:` rule, and for each checksummed one a copy whose
/// checksum is wrong; placeholders of every format go into a docs page.
pub fn plant_token_rules(corpus: &mut PlantedCorpus, rules: &[Rule]) {
    let docs = "handbook/docs/token-formats.md";
    corpus.context(
        docs,
        "# Token formats we use\n\nWhat each kind of key looks like (placeholders, not keys):\n\n| rule | shape |\n| --- | --- |",
    );
    let mut slot = 0;
    for rule in rules {
        let RuleKind::Token(format) = &rule.kind else {
            continue;
        };
        if rule.part {
            continue; // an id is reported only beside its secret (tests/multipart.rs)
        }
        let token = format.generate(&mut rand::rng());
        assert!(
            format.verify(&token),
            "test bug: generated {token} fails {}",
            rule.id
        );
        let names = names_for(rule, &token);
        let what = format!("token of rule {}", rule.id);
        if rule.id.contains("npm") {
            corpus.plant(
                "harbor-shop/.npmrc",
                &format!("//registry.npmjs.org/:_authToken={token}"),
                std::slice::from_ref(&token),
                &what,
            );
        } else {
            let site = &SITES[slot % SITES.len()];
            slot += 1;
            let line = (site.render)(&names, &token);
            write_site_line(corpus, site, line, Some((&token, &what)));
        }
        if format.checksum.is_some() {
            let broken = generate::break_checksum(format, &token);
            let site = &SITES[slot % SITES.len()];
            slot += 1;
            let line = (site.render)(&Names::new(&format!("{} previous", rule.id)), &broken);
            write_site_line(corpus, site, line, None);
        }
        corpus.near_miss(
            docs,
            &format!("| {} | `{}` |", rule.id, placeholder_of(format)),
            "placeholder of a token format",
        );
    }
}

/// Plants a fresh secret for every pattern rule whose secret starts with a distinctive literal
/// (drawn from the rule's own regex, with a valid checksum when the rule has one) and, for
/// checksummed ones, a copy with a wrong checksum. Returns the rules left to the context
/// plantings, with the reason, for the report.
pub fn plant_prefixed_pattern_rules(
    corpus: &mut PlantedCorpus,
    rules: &[Rule],
) -> Vec<(String, String)> {
    let mut not_planted = Vec::new();
    // Start elsewhere in the rotation than the token rules, so each file gets both kinds.
    let mut slot = SITES.len() / 2;
    for rule in rules {
        let RuleKind::Pattern(pattern) = &rule.kind else {
            continue;
        };
        if rule.part {
            continue; // an id is reported only beside its secret (tests/multipart.rs)
        }
        if pattern.required.is_some() {
            // A context rule: its value alone is no finding; its example is planted instead.
            not_planted.push((
                rule.id.clone(),
                "context rule: its example is planted".to_string(),
            ));
            continue;
        }
        if pattern.checks.contains(&ValueCheck::JwtClaims) {
            not_planted.push((
                rule.id.clone(),
                "a sample of its regex is no JWT with claims: context-planted".to_string(),
            ));
            continue;
        }
        let mut secret = match sample_secret(&pattern.pattern, pattern.secret_group) {
            Ok(secret) => secret,
            Err(why) => {
                not_planted.push((rule.id.clone(), why.to_string()));
                continue;
            }
        };
        if let Some(checksum) = pattern.checksum {
            let tail = checksum.tail_len();
            if secret.len() <= tail || !secret.is_ascii() {
                not_planted.push((
                    rule.id.clone(),
                    "sample too short for its checksum".to_string(),
                ));
                continue;
            }
            secret.truncate(secret.len() - tail);
            let computed = checksum.compute(secret.as_bytes());
            secret.push_str(&computed);
        }
        let site = &SITES[slot % SITES.len()];
        slot += 1;
        let line = (site.render)(&names_for(rule, &secret), &secret);
        let what = format!("sample of pattern rule {}", rule.id);
        write_site_line(corpus, site, line, Some((&secret, &what)));
        if let Some(checksum) = pattern.checksum {
            let mut broken: Vec<char> = secret.chars().collect();
            let at = broken.len() - checksum.tail_len() - 1;
            broken[at] = if broken[at] == 'a' { 'b' } else { 'a' };
            let broken: String = broken.into_iter().collect();
            if !checksum.verify(broken.as_bytes()) {
                let site = &SITES[slot % SITES.len()];
                slot += 1;
                let line = (site.render)(&Names::new(&format!("{} previous", rule.id)), &broken);
                write_site_line(corpus, site, line, None);
            }
        }
    }
    not_planted
}

/// Plants the credentials found by context rather than by prefix, and near misses beside them.
pub fn plant_context_secrets(corpus: &mut PlantedCorpus, scratch: &std::path::Path) {
    plant_env_and_settings(corpus);
    plant_structured_config(corpus);
    plant_infra(corpus);
    plant_connection_strings(corpus);
    plant_keys(corpus, scratch);
    plant_tokens_in_code(corpus);
    plant_other_stacks(corpus);
    plant_generic_forms(corpus);
    plant_ignored_file(corpus, &generate::password(24));
}

fn s(value: &str) -> Vec<String> {
    vec![value.to_string()]
}

fn plant_env_and_settings(c: &mut PlantedCorpus) {
    let env = "harbor-shop/.env.production";
    if c.is_new(env) {
        c.context(env, "NODE_ENV=production");
    }
    let session = generate::random("base64url", 43);
    c.plant(
        env,
        &format!("SESSION_SECRET={session}"),
        &s(&session),
        "session secret in .env",
    );
    let jwt_key = generate::random("hex", 64);
    c.plant(
        env,
        &format!("JWT_SIGNING_KEY={jwt_key}"),
        &s(&jwt_key),
        "JWT signing key in .env",
    );
    let db = generate::random("base62", 24);
    c.plant(
        env,
        &format!("DATABASE_URL=postgres://harbor:{db}@harbor-shop-production.cluster-c8x2k.eu-central-1.rds.amazonaws.com:5432/harbor_shop"),
        &s(&db),
        "password in a postgres URL in .env",
    );
    let smtp = generate::password(20);
    c.plant(
        env,
        &format!("SMTP_PASSWORD=\"{smtp}\""),
        &s(&smtp),
        "SMTP password in .env",
    );
    c.near_miss(
        env,
        "REDIS_URL=redis://localhost:6379/0",
        "URL without credentials",
    );
    c.near_miss(
        env,
        "SENTRY_AUTH_TOKEN=${SENTRY_AUTH_TOKEN}",
        "variable reference",
    );
    c.near_miss(env, "API_TOKEN=<TOKEN>", "placeholder");

    let py = "billing-py/billing/settings_production.py";
    if c.is_new(py) {
        c.context(
            py,
            "import os\n\nfrom .settings import *  # noqa: F401,F403",
        );
    }
    let key = generate::django_secret_key();
    c.plant(
        py,
        &format!("SECRET_KEY = \"{key}\""),
        &s(&key),
        "Django SECRET_KEY literal",
    );
    let mail = generate::password(22);
    c.plant(
        py,
        &format!("EMAIL_HOST_PASSWORD = \"{mail}\""),
        &s(&mail),
        "email password in Python settings",
    );
    let redis = generate::random("base62", 32);
    c.plant(
        py,
        &format!("CELERY_BROKER_URL = \"redis://:{redis}@billing-cache.internal:6379/0\""),
        &s(&redis),
        "password in a redis URL",
    );
    c.near_miss(
        py,
        "DATABASES[\"default\"][\"PASSWORD\"] = os.environ[\"DB_PASSWORD\"]",
        "environment lookup",
    );
    c.near_miss(
        py,
        "STRIPE_API_KEY = os.getenv(\"STRIPE_API_KEY\", \"sk_test_...\")",
        "environment lookup with placeholder",
    );
}

fn plant_structured_config(c: &mut PlantedCorpus) {
    let yml = "inventory-service/src/main/resources/application-prod.yml";
    c.context(yml, "spring:\n  datasource:\n    url: jdbc:postgresql://inventory-db.internal:5432/inventory\n    username: inventory");
    let db = generate::password(24);
    c.plant(
        yml,
        &format!("    password: {db}"),
        &s(&db),
        "datasource password in application.yml",
    );
    c.context(yml, "  flyway:");
    c.near_miss(
        yml,
        "    password: ${FLYWAY_PASSWORD}",
        "Spring placeholder",
    );
    c.context(yml, "  security:\n    oauth2:\n      client:\n        registration:\n          harbor-auth:\n            client-id: inventory-service");
    let client = generate::random("base62", 40);
    c.plant(
        yml,
        &format!("            client-secret: {client}"),
        &s(&client),
        "OAuth client secret in YAML",
    );
    c.context(yml, "inventory:\n  webhook:");
    let hook = generate::random("hex", 64);
    c.plant(
        yml,
        &format!("    secret: \"{hook}\""),
        &s(&hook),
        "webhook secret in YAML",
    );
    c.context(yml, "  s3:\n    bucket: harbor-inventory-exports");
    let key_id = generate::aws_access_key_id();
    c.plant(
        yml,
        &format!("    access-key: {key_id}"),
        &s(&key_id),
        "AWS access key id in YAML",
    );
    let secret = generate::random("base64", 40);
    c.plant(
        yml,
        &format!("    secret-key: {secret}"),
        &s(&secret),
        "AWS secret access key in YAML",
    );

    let json = "harbor-shop/config/production.json";
    c.context(json, "{\n  \"port\": 8080,\n  \"stripe\": {");
    c.near_miss(
        json,
        &format!(
            "    \"publishableKey\": \"pk_live_{}\",",
            generate::random("base62", 99)
        ),
        "Stripe publishable key (public by design)",
    );
    c.context(json, "    \"apiVersion\": \"2024-04-10\"\n  },\n  \"auth\": {\n    \"issuer\": \"https://auth.harbor-logistics.example\",\n    \"clientId\": \"harbor-shop\",");
    let client = generate::random("base62", 48);
    c.plant(
        json,
        &format!("    \"clientSecret\": \"{client}\""),
        &s(&client),
        "OAuth client secret in JSON",
    );
    c.context(json, "  },");
    let api = generate::random("hex", 40);
    c.plant(
        json,
        &format!("  \"apiSecret\": \"{api}\","),
        &s(&api),
        "API secret in JSON",
    );
    c.near_miss(
        json,
        "  \"webhookSecret\": \"your-webhook-secret\"",
        "placeholder",
    );
    c.context(json, "}");

    let docker = "platform-infra/.docker/config.json";
    let pat = generate::password(28);
    let auth = generate::base64(format!("harbor-ci:{pat}").as_bytes());
    c.context(docker, "{\n  \"auths\": {\n    \"ghcr.io\": {");
    c.plant(
        docker,
        &format!("      \"auth\": \"{auth}\""),
        &[auth.clone(), format!("harbor-ci:{pat}"), pat.clone()],
        "registry credentials in .docker/config.json",
    );
    c.context(docker, "    }\n  },\n  \"credsStore\": \"\"\n}");
}

fn plant_infra(c: &mut PlantedCorpus) {
    let secret = "platform-infra/k8s/shop/secret-payments.yaml";
    c.context(
        secret,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: payments\n  namespace: shop\ntype: Opaque\ndata:",
    );
    c.near_miss(secret, "  DB_USER: aGFyYm9y", "base64 of a user name");
    let db = generate::password(24);
    let db64 = generate::base64(db.as_bytes());
    c.plant(
        secret,
        &format!("  DB_PASSWORD: {db64}"),
        &[db64.clone(), db.clone()],
        "Kubernetes Secret data (base64 password)",
    );
    let api = generate::random("base62", 40);
    let api64 = generate::base64(api.as_bytes());
    c.plant(
        secret,
        &format!("  PAYMENT_API_SECRET: {api64}"),
        &[api64.clone(), api.clone()],
        "Kubernetes Secret data (base64 API secret)",
    );
    c.near_miss(secret, "  LOG_LEVEL: aW5mbw==", "base64 of `info`");
    c.context(secret, "stringData:");
    let hook = generate::random("base64url", 43);
    c.plant(
        secret,
        &format!("  WEBHOOK_SIGNING_SECRET: {hook}"),
        &s(&hook),
        "Kubernetes Secret stringData",
    );

    let tf = "platform-infra/terraform/legacy.tf";
    let default_pw = generate::password(24);
    c.context(
        tf,
        "variable \"legacy_db_password\" {\n  type      = string\n  sensitive = true",
    );
    c.plant(
        tf,
        &format!("  default   = \"{default_pw}\""),
        &s(&default_pw),
        "Terraform variable default password",
    );
    c.context(tf, "}\n\nresource \"aws_db_instance\" \"legacy\" {\n  identifier     = \"legacy-orders\"\n  engine         = \"mysql\"\n  instance_class = \"db.t3.medium\"\n  username       = \"admin\"");
    let pw = generate::password(20);
    c.plant(
        tf,
        &format!("  password       = \"{pw}\""),
        &s(&pw),
        "Terraform resource password",
    );
    c.near_miss(
        tf,
        "  # password     = var.legacy_db_password",
        "Terraform variable reference",
    );
    c.context(tf, "}");

    let dockerfile = "ledger-go/Dockerfile.debug";
    c.context(dockerfile, "FROM golang:1.22.4-bookworm\nWORKDIR /src");
    c.near_miss(
        dockerfile,
        "ARG GITHUB_TOKEN",
        "build argument without a value",
    );
    c.near_miss(
        dockerfile,
        "ENV GOPRIVATE=github.com/harbor-logistics/* GOFLAGS=-mod=mod NPM_TOKEN=${NPM_TOKEN}",
        "variable reference",
    );
    let hmac = generate::random("hex", 64);
    c.plant(
        dockerfile,
        &format!("ENV LEDGER_HMAC_KEY={hmac}"),
        &s(&hmac),
        "HMAC key in Dockerfile ENV",
    );
    let api = generate::random("base62", 32);
    c.plant(
        dockerfile,
        &format!("ENV PARTNER_API_SECRET=\"{api}\""),
        &s(&api),
        "API secret in Dockerfile ENV",
    );
    c.context(
        dockerfile,
        "COPY . .\nRUN go build -o /ledgerd ./cmd/ledgerd\nCMD [\"/ledgerd\"]",
    );

    let sh = "platform-infra/scripts/restore-db.sh";
    c.context(sh, "#!/usr/bin/env bash\n# Restores last night's dump into the staging database.\nset -euo pipefail");
    let pg = generate::password(24);
    c.plant(
        sh,
        &format!("export PGPASSWORD='{pg}'"),
        &s(&pg),
        "PGPASSWORD export in a shell script",
    );
    c.near_miss(sh, "export DB_PASSWORD=\"$(aws secretsmanager get-secret-value --secret-id harbor/staging/db --query SecretString --output text)\"", "secret read at run time");
    let git = generate::random("base62", 32);
    c.plant(
        sh,
        &format!("git clone https://deploy-bot:{git}@git.harbor.internal/platform/backups.git /tmp/backups"),
        &s(&git),
        "password in a git clone URL",
    );
    c.context(sh, "pg_restore --clean --no-owner -h staging-db.internal -U harbor -d harbor_shop /tmp/backups/latest.dump");

    let alerts = "platform-infra/monitoring/alertmanager.yml";
    c.context(
        alerts,
        "route:\n  receiver: ops-slack\nreceivers:\n  - name: ops-slack\n    slack_configs:",
    );
    let slack_path = format!(
        "T0{}/B0{}/{}",
        generate::random("upper", 8),
        generate::random("upper", 8),
        generate::random("base62", 24)
    );
    let slack = format!("https://hooks.slack.com/services/{slack_path}");
    c.plant(
        alerts,
        &format!("      - api_url: {slack}"),
        &[slack.clone(), slack_path],
        "Slack incoming webhook URL",
    );
    c.context(
        alerts,
        "        channel: '#ops-alerts'\n  - name: ops-discord\n    webhook_configs:",
    );
    let discord_id = format!("1{}", generate::random("digits", 17));
    let discord_token = generate::random("base64url", 68);
    let discord = format!("https://discord.com/api/webhooks/{discord_id}/{discord_token}");
    c.plant(
        alerts,
        &format!("      - url: {discord}"),
        &[discord.clone(), discord_token],
        "Discord webhook URL",
    );

    let azure = "inventory-service/src/main/resources/application-azure.properties";
    let account_key = generate::random_base64_bytes(64);
    c.context(azure, "azure.storage.container=exports");
    c.plant(
        azure,
        &format!("azure.storage.connection-string=DefaultEndpointsProtocol=https;AccountName=harborexports;AccountKey={account_key};EndpointSuffix=core.windows.net"),
        &s(&account_key),
        "Azure storage connection string",
    );
}

fn plant_connection_strings(c: &mut PlantedCorpus) {
    let py = "fulfilment-worker/src/fulfilment/legacy_queue.py";
    c.context(py, "\"\"\"Bridge to the old RabbitMQ and MongoDB setup; removed after the migration.\"\"\"\nimport os\n");
    let amqp = generate::random("base62", 24);
    c.plant(
        py,
        &format!("BROKER_URL = \"amqp://orders:{amqp}@rabbitmq.internal:5672/orders\""),
        &s(&amqp),
        "password in an AMQP URL",
    );
    let mongo = generate::password(20).replace(['%', '+', '^', '='], "x");
    c.plant(
        py,
        &format!("MONGO_URI = \"mongodb+srv://fulfilment:{mongo}@cluster0.ab1cd.mongodb.net/shipments?retryWrites=true&w=majority\""),
        &s(&mongo),
        "password in a MongoDB URL",
    );
    c.near_miss(
        py,
        "LOCAL_MONGO_URI = \"mongodb://localhost:27017/shipments\"",
        "URL without credentials",
    );
    c.near_miss(
        py,
        "FALLBACK_URL = os.environ.get(\"BROKER_URL\", \"amqp://guest:guest@localhost:5672/\")",
        "default local credentials",
    );

    let script = "fulfilment-worker/scripts/backfill.py";
    c.context(
        script,
        "from fulfilment.carriers import Ups\nfrom fulfilment.config import load\n",
    );
    let ups = generate::random("base62", 64);
    c.plant(
        script,
        &format!("ups = Ups(load(), client_id=\"harbor-prod\", client_secret=\"{ups}\")"),
        &s(&ups),
        "client_secret keyword argument in Python",
    );
}

fn plant_keys(c: &mut PlantedCorpus, scratch: &std::path::Path) {
    let rsa = generate::pem_private_key(PemKind::Pkcs8Rsa);
    c.plant_secret_file(
        "platform-infra/certs/api.harbor.internal.key",
        &rsa,
        &s(rsa.trim_end()),
        "PEM private key file (PKCS#8 RSA)",
    );
    let public = generate::pem_public_key(&rsa, scratch);
    c.near_miss(
        "platform-infra/certs/api.harbor.internal.pub.pem",
        public.trim_end(),
        "PEM public key",
    );

    let pkcs1 = generate::pem_private_key(PemKind::Pkcs1Rsa);
    c.plant_secret_file(
        "billing-py/keys/legacy-partner.pem",
        &pkcs1,
        &s(pkcs1.trim_end()),
        "PEM private key file (PKCS#1 RSA)",
    );

    let (openssh, openssh_pub) = generate::openssh_key_pair(scratch, "deploy@harbor-shop");
    c.plant_secret_file(
        "harbor-shop/deploy/id_ed25519",
        &openssh,
        &s(openssh.trim_end()),
        "OpenSSH private key file",
    );
    c.near_miss(
        "harbor-shop/deploy/id_ed25519.pub",
        &openssh_pub,
        "OpenSSH public key",
    );

    let ec = generate::pem_private_key(PemKind::Sec1Ec);
    let go = "ledger-go/internal/ledger/seal_test.go";
    c.context(go, "package ledger\n\n// Key of the staging signer, copied here to reproduce a production bug.\nconst stagingSignerKey = `");
    c.plant(
        go,
        ec.trim_end(),
        &s(ec.trim_end()),
        "PEM EC private key in a Go raw string",
    );
    c.context(go, "`");

    let ed = generate::pem_private_key(PemKind::Pkcs8Ed25519);
    let values = "platform-infra/helm/harbor-shop/values-production.yaml";
    c.context(values, "replicaCount: 4\nreleaseSigning:\n  privateKey: |");
    let indented: String = ed.lines().map(|l| format!("    {l}\n")).collect();
    c.plant(
        values,
        indented.trim_end(),
        &s(ed.trim_end()),
        "PEM Ed25519 private key in a Helm values block",
    );
    c.context(values, "ingress:\n  enabled: true");

    let gcp_pem = generate::pem_private_key(PemKind::Pkcs8Rsa);
    let escaped = gcp_pem.replace('\n', "\\n");
    let key_id = generate::random("hex", 40);
    let sa = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"harbor-billing-prod\",\n  \"private_key_id\": \"{key_id}\",\n  \"private_key\": \"{escaped}\",\n  \"client_email\": \"billing-exporter@harbor-billing-prod.iam.gserviceaccount.com\",\n  \"client_id\": \"10{}\",\n  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n}}",
        generate::random("digits", 19)
    );
    c.plant_secret_file(
        "billing-py/gcp-service-account.json",
        &sa,
        &[escaped.clone(), gcp_pem.trim_end().to_string(), key_id],
        "GCP service account key file",
    );

    let aws = "platform-infra/.aws/credentials";
    let key_id = generate::aws_access_key_id();
    let secret = generate::random("base64", 40);
    c.context(aws, "[harbor-ci]");
    c.plant_secret_file(
        aws,
        &format!("aws_access_key_id = {key_id}"),
        &s(&key_id),
        "AWS access key id in credentials file",
    );
    c.plant_secret_file(
        aws,
        &format!("aws_secret_access_key = {secret}"),
        &s(&secret),
        "AWS secret access key in credentials file",
    );
    c.context(aws, "region = eu-central-1");
}

fn plant_tokens_in_code(c: &mut PlantedCorpus) {
    let http = "harbor-shop/test/requests/orders.http";
    c.context(http, "### List orders as the admin user\nGET https://shop.harbor-logistics.example/api/orders\nAccept: application/json");
    let jwt = generate::signed_jwt("admin-1");
    c.plant(
        http,
        &format!("Authorization: Bearer {jwt}"),
        &s(&jwt),
        "signed JWT in a .http file",
    );

    let mock = "admin-console/src/mocks/session.json";
    let jwt = generate::signed_jwt("ops-7");
    c.context(
        mock,
        "{\n  \"user\": { \"id\": \"ops-7\", \"email\": \"ops@harbor-logistics.example\" },",
    );
    c.plant(
        mock,
        &format!("  \"accessToken\": \"{jwt}\","),
        &s(&jwt),
        "signed JWT in a JSON fixture",
    );
    c.near_miss(
        mock,
        "  \"refreshToken\": \"<refresh-token>\"",
        "placeholder",
    );
    c.context(mock, "}");

    let go = "ledger-go/internal/partners/client.go";
    c.context(go, "package partners\n\nimport \"net/http\"\n");
    let key = generate::random("hex", 32);
    c.plant(
        go,
        &format!("const partnerAPIKey = \"{key}\""),
        &s(&key),
        "API key constant in Go",
    );
    c.context(go, "\n// Do sends a request to the partner API.\nfunc Do(req *http.Request) (*http.Response, error) {\n\treq.Header.Set(\"X-Api-Key\", partnerAPIKey)\n\treturn http.DefaultClient.Do(req)\n}");
}

fn plant_other_stacks(c: &mut PlantedCorpus) {
    let appsettings = "reports-dotnet/appsettings.Production.json";
    let pw = generate::password(24).replace(';', "x");
    c.context(appsettings, "{\n  \"ConnectionStrings\": {");
    c.plant(
        appsettings,
        &format!("    \"Reporting\": \"Host=reporting-db.internal;Port=5432;Database=reporting;Username=reporting;Password={pw}\""),
        &s(&pw),
        "password in an ADO.NET connection string",
    );
    c.context(appsettings, "  }\n}");

    let php = "carrier-portal-php/config/database.php";
    let pw = generate::password(22);
    c.context(php, "<?php\n\nreturn [\n    'driver' => 'pgsql',\n    'host' => 'portal-db.internal',\n    'username' => 'portal',");
    c.plant(
        php,
        &format!("    'password' => '{pw}',"),
        &s(&pw),
        "password in a PHP config array",
    );
    c.context(php, "];");

    let netrc = "platform-infra/.netrc";
    let pw = generate::random("base62", 40);
    c.plant_secret_file(
        netrc,
        &format!("machine artifacts.harbor.internal login deploy password {pw}"),
        &s(&pw),
        "password in a .netrc",
    );
}

/// A `.env` that the project's `.gitignore` excludes: never going to be committed, so not a
/// leak (the issue: "an ignored file is not going to be committed").
fn plant_ignored_file(c: &mut PlantedCorpus, password: &str) {
    let ignored = "harbor-shop/.env";
    c.near_miss(
        ignored,
        &format!("DB_PASSWORD={password}"),
        "secret in a git-ignored .env",
    );
    c.near_miss(
        ignored,
        &format!("SESSION_SECRET={}", generate::random("base64url", 43)),
        "secret in a git-ignored .env",
    );
}

/// The generic layer's forms (issue 12): a `.env` value whatever its name, a bare `_KEY`, typed
/// declarations, calls, a Kubernetes env list, command lines, headers and URLs, each with a near
/// miss of the same shape.
fn plant_generic_forms(c: &mut PlantedCorpus) {
    let env = "admin-console/.env.staging";
    if c.is_new(env) {
        c.context(
            env,
            "VITE_API_URL=https://admin-api.harbor-logistics.example",
        );
    }
    let crm = generate::random("base62", 32);
    c.plant(
        env,
        &format!("CRM_SYNC={crm}"),
        &s(&crm),
        ".env value with no secret word in its name",
    );
    c.near_miss(
        env,
        "VITE_BUILD_TARGET=es2022-modules",
        "words, not a secret",
    );
    c.near_miss(
        env,
        "VITE_GOOGLE_CLIENT_ID=918273645012-k3v9q2lm8np3rs7tv1wx5yz0ab4cd6ef.apps.googleusercontent.com",
        "an id by its name",
    );

    let ts = "admin-console/src/partners.ts";
    if c.is_new(ts) {
        c.context(
            ts,
            "// Partner integrations\nimport { Partner } from './types';",
        );
    }
    let partner = generate::random("base62", 40);
    c.plant(
        ts,
        &format!("export const PARTNER_KEY: string = \"{partner}\";"),
        &s(&partner),
        "typed constant with a bare _KEY name",
    );
    c.near_miss(
        ts,
        "export const SORT_KEY: string = \"createdAtDescendingOrder\";",
        "a sort key",
    );
    c.near_miss(
        ts,
        "export const publicKey = \"BDOU99h67HcA6JeFXHbSNMu7e2yNNu3RzoMj8TMq4Lp2\";",
        "a public key",
    );

    let k8s = "platform-infra/k8s/fulfilment-worker.yaml";
    if c.is_new(k8s) {
        c.context(
            k8s,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fulfilment-worker",
        );
    }
    let carrier = generate::random("base62", 36);
    c.plant(
        k8s,
        &format!("          env:\n            - name: CARRIER_API_KEY\n              value: \"{carrier}\""),
        &s(&carrier),
        "Kubernetes env entry, name and value on two lines",
    );
    c.near_miss(
        k8s,
        "            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: worker-db, key: password}",
        "a secret reference",
    );

    let sh = "platform-infra/scripts/publish-images.sh";
    if c.is_new(sh) {
        c.context(sh, "#!/usr/bin/env bash\nset -euo pipefail");
    }
    let registry = generate::random("base62", 32);
    c.plant(
        sh,
        &format!("docker login -u harbor-ci -p {registry} registry.harbor-logistics.example"),
        &s(&registry),
        "docker login -p on a command line",
    );
    let basic = generate::password(20);
    c.plant(
        sh,
        &format!(
            "curl -fsS -u deploy:{basic} https://artifacts.harbor-logistics.example/api/v1/promote"
        ),
        &s(&basic),
        "curl -u user:password",
    );
    c.near_miss(
        sh,
        "echo \"$REGISTRY_PASSWORD\" | docker login -u harbor-ci --password-stdin registry.harbor-logistics.example",
        "password from stdin",
    );

    let http = "harbor-shop/test/requests/partners.http";
    if c.is_new(http) {
        c.context(
            http,
            "### Partner catalogue\nGET https://api.harbor-logistics.example/v1/partners",
        );
    }
    let api = generate::random("base62", 40);
    c.plant(
        http,
        &format!("X-API-Key: {api}"),
        &s(&api),
        "X-API-Key header in an HTTP file",
    );
    c.near_miss(http, "X-API-Key: {{partnerApiKey}}", "template variable");
}
