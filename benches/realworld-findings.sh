#!/usr/bin/env bash
# benches/realworld-findings.sh OUT_DIR
#
# Precision survey on real code nobody tuned for (issue 3, "Precision is the product").
# Assembles three real-world trees from the package registries into OUT_DIR (idempotent: a tree
# is installed once; delete its directory to rebuild it):
#   node   OUT_DIR/node/node_modules   ~55 popular npm packages, ~900 with dependencies, ~620 MB
#                                      (minified bundles, source maps, README examples, SDKs of
#                                      credential providers, packages that ship test fixtures)
#   python OUT_DIR/python/site-packages  ~45 popular PyPI packages in a venv, ~680 MB (cloud SDKs
#                                      and their API examples, web frameworks, crypto libraries,
#                                      packages that ship tests)
#   python2 OUT_DIR/python2/site-packages  ~640 MB of the code generic rules cry wolf on (issue 12):
#                                      the AWS CLI with its .rst examples and botocore's
#                                      examples-1.json, Google and Azure SDKs, a linter with schema
#                                      tables (cfn-lint), typeshed stubs (mypy, types-*, boto3-stubs),
#                                      Ansible (docs in modules)
#   cargo  ~/.cargo/registry/src       crate sources in cargo's cache (CARGO_SRC to override)
# then runs `tokhyg scan --no-ignore --format json` on each and prints, per tree: files, MB,
# wall time, number of findings, findings per rule. The JSON reports (redacted) are left in
# OUT_DIR/findings-TREE.json; with SHOW_SECRETS=1 they hold the secrets whole (for the analyst;
# never commit them).
#
# Last, a qualitative recall check: ripgrep looks for well-known credential shapes (AWS key ids,
# GitHub/Slack/Stripe/OpenAI-style prefixes, Google API keys, PEM private keys, ...) and every
# hit on a line where tokhyg reported nothing is counted per shape, with up to SAMPLES (default 3)
# file:line locations (never the value). A hit is not necessarily a miss (a placeholder, a regex
# in a scanner's source): read the lines.
#
# Needs npm, python3 (venv), ripgrep, bc; the registries (npm, PyPI) for the first run.
# Env: TREES="node python python2 cargo" (subset to run), CARGO_SRC, SHOW_SECRETS=1, SAMPLES=3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: benches/realworld-findings.sh OUT_DIR}
trees=${TREES:-node python python2 cargo}
samples=${SAMPLES:-3}
cargo_src=${CARGO_SRC:-${CARGO_HOME:-$HOME/.cargo}/registry/src}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in npm python3 rg bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y nodejs npm python3-venv ripgrep bc)" >&2; exit 2; }
done

# Popular packages, chosen for breadth: frameworks and build tools (bundles, maps), SDKs of
# the providers the rules know (their docs and tests hold key-shaped strings), crypto and auth
# libraries (keys, test vectors), databases (connection strings). Total under ~600 MB.
# firebase@10: the latest firebase depends on an @firebase/ai version the registry lacks.
# Left out for size (with them node_modules is 1.1 GB): next (300 MB with its native
# binaries), @sentry/node, three, date-fns, bootstrap.
node_pkgs=(
  react react-dom vue @angular/core rxjs jquery lodash moment dayjs axios node-fetch
  express socket.io webpack typescript @babel/core eslint prettier jest
  @aws-sdk/client-s3 firebase@10 stripe twilio @slack/web-api @octokit/rest @sendgrid/mail
  mailgun.js nodemailer openai @anthropic-ai/sdk @google-cloud/storage @azure/storage-blob
  jsonwebtoken jose node-forge crypto-js bcryptjs ssh2 passport pg mysql2 mongodb
  mongoose redis ioredis knex sequelize dotenv uuid graphql d3 tailwindcss
)
py_pkgs=(
  boto3 botocore moto requests httpx urllib3 django flask fastapi werkzeug sqlalchemy celery
  cryptography pyopenssl paramiko ecdsa rsa jwcrypto pyjwt python-jose authlib oauthlib
  requests-oauthlib google-auth google-cloud-storage azure-storage-blob azure-identity stripe
  twilio slack-sdk openai anthropic sentry-sdk redis psycopg2-binary pymongo kubernetes docker
  hvac tornado twisted certifi
)
# Cloud SDKs and their API documentation, linters with schema tables, typeshed stubs.
py2_pkgs=(
  cfn-lint mypy awscli google-api-python-client google-cloud-secret-manager google-cloud-bigquery
  azure-mgmt-storage azure-mgmt-keyvault azure-keyvault-secrets azure-mgmt-compute types-requests
  types-paramiko types-redis types-PyYAML types-psycopg2 types-pyOpenSSL types-oauthlib
  types-requests-oauthlib types-boto3 boto3-stubs mypy-boto3-s3 mypy-boto3-iam
  mypy-boto3-secretsmanager ansible-core
)

# --- assemble -----------------------------------------------------------------------------
install_node() {
  local dir=$out/node
  [ -f "$dir/.installed" ] && return 0
  mkdir -p "$dir"
  (
    cd "$dir"
    [ -f package.json ] || npm init -y >/dev/null
    # --ignore-scripts: no install scripts (native builds, downloads from outside the registry).
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error "${node_pkgs[@]}"
  )
  touch "$dir/.installed"
}

install_python() {
  local tree=$1
  shift
  local dir=$out/$tree
  [ -f "$dir/.installed" ] && return 0
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install -q --disable-pip-version-check "$@"
  local sp
  sp=$("$dir/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  ln -sfn "$sp" "$dir/site-packages"
  touch "$dir/.installed"
}

tree_path() {
  case $1 in
    node) echo "$out/node/node_modules" ;;
    python | python2) readlink -f "$out/$1/site-packages" ;;
    cargo) echo "$cargo_src" ;;
  esac
}

for t in $trees; do
  case $t in
    node) install_node ;;
    python) install_python python "${py_pkgs[@]}" ;;
    python2) install_python python2 "${py2_pkgs[@]}" ;;
    cargo) [ -d "$cargo_src" ] || { echo "no crate sources in $cargo_src (run cargo fetch in a project)" >&2; exit 2; } ;;
    *) echo "unknown tree $t (node, python, python2, cargo)" >&2; exit 2 ;;
  esac
done

(cd "$here" && cargo build --release -q)
tokhyg=$here/target/release/tokhyg

# --- scan -----------------------------------------------------------------------------------
show=()
[ "${SHOW_SECRETS:-0}" = 1 ] && show=(--show-secrets)
printf '%-7s %8s %8s %8s %9s %9s  %s\n' tree files MB seconds findings per10MB path
for t in $trees; do
  p=$(tree_path "$t")
  files=$(find "$p" -type f | wc -l)
  mb=$(du -sm "$p" | cut -f1)
  report=$out/findings-$t.json
  start=$(date +%s.%N)
  status=0
  # Scan the tree from inside it so that paths in the report are relative to the tree.
  (cd "$p" && "$tokhyg" scan --no-ignore --format json --output "$report" "${show[@]}" .) || status=$?
  end=$(date +%s.%N)
  [ "$status" -le 1 ] || { echo "tokhyg scan failed on $p (exit $status)" >&2; exit 2; }
  n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$report")
  printf '%-7s %8s %8s %8.2f %9s %9.2f  %s\n' "$t" "$files" "$mb" "$(echo "$end - $start" | bc)" "$n" "$(echo "$n * 10 / $mb" | bc -l)" "$p"
done

echo
echo "findings per rule (tree: count rule)"
for t in $trees; do
  python3 - "$out/findings-$t.json" "$t" <<'EOF'
import collections, json, sys
findings = json.load(open(sys.argv[1]))
by_rule = collections.Counter(f["rule"] for f in findings)
for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"  {sys.argv[2]:<7} {n:>6} {rule}")
EOF
done

# --- qualitative recall ------------------------------------------------------------------
# Shapes of real credentials (prefix + the provider's length), looked for with ripgrep; a hit on
# a line with no tokhyg finding is counted as a candidate miss (one hit per match start). A
# private key (multi-line mode) counts only with a body (40 base64 characters after the header,
# through newlines, `\n` escapes, string quotes and concatenation, comment markers), not a
# header constant in code.
echo
echo "candidate misses: well-known shapes on lines with no finding (tree shape count [samples])"
shapes=(
  "aws-key-id=\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"
  "github=\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b"
  "github-fine=\bgithub_pat_[A-Za-z0-9_]{82}\b"
  "slack=\bxox[abposr]-[0-9A-Za-z-]{10,}"
  "slack-webhook=hooks\.slack\.com/services/T[0-9A-Z]{8,}/B[0-9A-Z]{8,}/[0-9A-Za-z]{24}"
  "stripe=\b(sk|rk)_(live|test)_[0-9A-Za-z]{24,}"
  "openai=\bsk-(proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}"
  "anthropic=\bsk-ant-(api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,}"
  "google-api-key=\bAIza[0-9A-Za-z_-]{35}\b"
  'private-key=-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----([\s"\x27\x60+,;#*b/!]|\\[rn])+[A-Za-z0-9+/]{40}'
  "npm=\bnpm_[A-Za-z0-9]{36}\b"
  "pypi=\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"
  "gitlab=\bglpat-[0-9A-Za-z_-]{20}\b"
  "sendgrid=\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}\b"
  "twilio-sid=\bAC[0-9a-f]{32}\b"
  "jwt=\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"
  "db-url=\b(postgres(ql)?|mysql|mongodb(\+srv)?|redis|amqp)://[^:@/\s\"']+:[^@/\s\"']{3,}@"
)
# The comparison reads ripgrep's hits on stdin, so the script itself goes in a file.
compare=$out/.compare-misses.py
cat >"$compare" <<'EOF'
import json, sys
findings = json.load(open(sys.argv[1]))
tree, name, samples = sys.argv[2], sys.argv[3], int(sys.argv[4])
norm = lambda p: p[2:] if p.startswith("./") else p
found = {(norm(f["path"]), f["line"]) for f in findings}
hits = set()
for line in sys.stdin.buffer:
    path, lineno, _ = line.decode("utf-8", "replace").split(":", 2)
    hits.add((norm(path), int(lineno)))
missed = sorted(h for h in hits if h not in found)
if hits:
    where = " ".join(f"{p}:{l}" for p, l in missed[:samples])
    print(f"  {tree:<7} {name:<15} hits {len(hits):>5}  no finding {len(missed):>5}  {where}")
EOF
for t in $trees; do
  p=$(tree_path "$t")
  for s in "${shapes[@]}"; do
    name=${s%%=*}
    re=${s#*=}
    # Multi-line mode only where needed: it is several times slower on large trees.
    multiline=()
    [ "$name" = private-key ] && multiline=(-U)
    (cd "$p" && rg "${multiline[@]}" --vimgrep --no-ignore --hidden --no-messages -e "$re" . || true) |
      python3 "$compare" "$out/findings-$t.json" "$t" "$name" "$samples"
  done
done
