#!/usr/bin/env bash
# benches/staged.sh
#
# What a commit pays for the pre-commit hook: `tokhyg scan --staged` for a ten-file change
# (5 files edited, 3 added, 1 renamed and edited, 1 deleted) in a repository of ten thousand
# files (FILES, default 10000, ~2 KB of source-like text each). The target is under 50 ms of
# wall time. Compared with `git diff --cached --stat` (reading the same index and trees: the
# floor) and, to show that rules cost nothing until a keyword is hit, with EXTRA_RULES (default
# 1000) more token rules in a config file. hyperfine is installed with apt-get when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
files=${FILES:-10000}
extra_rules=${EXTRA_RULES:-1000}
runs=${RUNS:-100}
if ! command -v hyperfine >/dev/null; then
  apt-get install -y -q hyperfine >/dev/null
fi
(cd "$here" && cargo build --release -q)
tokhyg=$here/target/release/tokhyg
# KEEP_DIR=DIR builds the repository there and keeps it, for profiling.
if [ -n "${KEEP_DIR:-}" ]; then
  work=$KEEP_DIR
  rm -rf "$work" && mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
repo=$work/repo
mkdir -p "$repo"
cd "$repo"
git init -q -b main
git config user.name bench
git config user.email bench@example.com
git config commit.gpgsign false
git config gc.auto 0

# Ten thousand files in 100 directories: a few dozen lines of code-like text each.
python3 - "$files" <<'EOF'
import os, random, sys
random.seed(7)
words = "let value config client request response handler token_count user id name list map " \
        "return if else for while match struct impl fn pub use mod self data item result".split()
for i in range(int(sys.argv[1])):
    d = f"src/mod{i % 100:02d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/file{i:05d}.rs", "w") as f:
        for line in range(40):
            f.write(" ".join(random.choice(words) for _ in range(8)) + ";\n")
EOF
git add -A
git commit -q -m "ten thousand files"
git repack -adq

# The change: 5 edited, 3 new, 1 renamed and edited, 1 deleted.
for i in 00001 00102 00203 00304 00405; do
  f=$(ls src/*/file$i.rs)
  printf 'let added = compute(%s);\nlet more = other();\n' "$i" >> "$f"
done
for i in 1 2 3; do
  python3 -c "print('\n'.join('fn new_$i() { let x = $i; }' for _ in range(50)))" > "src/new$i.rs"
done
git mv "$(ls src/*/file00506.rs)" src/renamed.rs
echo "let after_rename = 1;" >> src/renamed.rs
git rm -q "$(ls src/*/file00607.rs)"
git add -A
echo "staged: $(git diff --cached --name-status | wc -l) changes in a repository of" \
  "$(git ls-files | wc -l) files"

# A config with many more rules (token rules: a prefix keyword each, no regex compiled unless
# a keyword is seen).
config=$work/many-rules.yaml
python3 - "$extra_rules" > "$config" <<'EOF'
import sys
print("rules:")
for i in range(int(sys.argv[1])):
    body = "".join("0123456789abcdef"[(i * 7 + j * 13) % 16] for j in range(32))
    print(f"""  - id: bench-rule-{i}
    title: bench rule {i}
    token:
      prefix: bnch{i:04d}_
      alphabet: hex
      length: 32
    examples: ['k = bnch{i:04d}_{body}']
    negative_examples: ['bnch{i:04d}_short']""")
EOF

"$tokhyg" scan --staged && echo "tokhyg: clean, exit 0"
hyperfine -N -w 5 -r "$runs" \
  -n "git diff --cached --stat" "git diff --cached --stat" \
  -n "tokhyg scan --staged" "$tokhyg scan --staged" \
  -n "tokhyg scan --staged (+$extra_rules rules)" "$tokhyg scan --staged --config $config"
