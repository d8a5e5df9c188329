#!/usr/bin/env bash
# Regenerates the registry-derived lockfiles of the precision corpus (tests/corpus/) from the
# manifests committed beside them: package-lock.json (npm), yarn.lock (yarn 1), requirements.txt
# (pip-compile --generate-hashes) and poetry.lock (poetry). Needs node/npm and python3, and the
# npm and PyPI registries. Run it only when a manifest changes; the tests never run it.
# Poetry resolves through PyPI's JSON API; where only the simple index is reachable, add a
# temporary [[tool.poetry.source]] for it and drop the [package.source] blocks from the lock.
set -euo pipefail
corpus="$(cd "$(dirname "$0")/.." && pwd)/tests/corpus"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "npm: harbor-shop/package-lock.json"
cp "$corpus/harbor-shop/package.json" "$work/"
(cd "$work" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >/dev/null)
cp "$work/package-lock.json" "$corpus/harbor-shop/"

echo "yarn: admin-console/yarn.lock"
mkdir -p "$work/yarn" "$work/admin"
npm install --silent --no-audit --no-fund --prefix "$work/yarn" yarn@1.22.22 >/dev/null
cp "$corpus/admin-console/package.json" "$work/admin/"
(cd "$work/admin" && "$work/yarn/node_modules/.bin/yarn" install --ignore-scripts \
  --registry https://registry.npmjs.org --non-interactive --no-progress >/dev/null)
cp "$work/admin/yarn.lock" "$corpus/admin-console/"

echo "python tools (venv)"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check pip-tools poetry

echo "pip-compile: billing-py/requirements.txt"
cp "$corpus/billing-py/requirements.in" "$work/"
(cd "$work" && venv/bin/pip-compile -q --generate-hashes --strip-extras \
  -o requirements.txt requirements.in)
# pip-compile copies local pip configuration (find-links) into the file; it is not ours.
sed -i '/^--find-links/d' "$work/requirements.txt"
cp "$work/requirements.txt" "$corpus/billing-py/"

echo "poetry: fulfilment-worker/poetry.lock"
mkdir -p "$work/poetry"
cp "$corpus/fulfilment-worker/pyproject.toml" "$work/poetry/"
(cd "$work/poetry" && "$work/venv/bin/poetry" lock >/dev/null)
cp "$work/poetry/poetry.lock" "$corpus/fulfilment-worker/"
echo "done; review with git diff tests/corpus"
