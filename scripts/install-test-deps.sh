#!/usr/bin/env bash
# Installs what the integration tests need beyond cargo, from the package registries, into
# .test-deps/ (git-ignored): a Python venv (python-dotenv, pre-commit, jsonschema, maturin for
# the wheel, check-jsonschema and zizmor for the workflows), npm's dotenv, and tmux (Debian)
# when missing. Idempotent; the tests look for these under .test-deps/.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=.test-deps
mkdir -p "$deps"
if [ ! -x "$deps/venv/bin/python" ]; then
  python3 -m venv "$deps/venv"
fi
"$deps/venv/bin/pip" install -q --disable-pip-version-check \
  "python-dotenv==1.2.1" "pre-commit==4.7.0" "jsonschema==4.25.1" \
  "rfc3986-validator==0.1.1" `# lets jsonschema check uri/uri-reference formats (SARIF)` \
  "maturin==1.9.6" `# builds the wheel (tests/wheel.rs)` \
  "check-jsonschema==0.34.1" "zizmor==1.16.3"  # check the workflows offline (tests/workflows.rs)
# pre-commit builds a placeholder package for a local hook (tests/wheel.rs runs it offline)
"$deps/venv/bin/pip" download -q --disable-pip-version-check -d "$deps/wheels" \
  "setuptools==80.9.0" "wheel==0.45.1"
if [ ! -f "$deps/node/node_modules/dotenv/package.json" ]; then
  mkdir -p "$deps/node"
  npm install --silent --no-audit --no-fund --prefix "$deps/node" "dotenv@17.2.3" >/dev/null
fi
# tmux drives the interactive generator in a real terminal (tests/interactive.rs), from
# Debian's packages when the machine lacks it.
if ! command -v tmux >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -q tmux >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q tmux >/dev/null; }
fi
echo "test dependencies ready in $deps/"
