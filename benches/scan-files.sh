#!/usr/bin/env bash
# benches/scan-files.sh [TREE]
#
# File-scan speed of `tokhyg scan TREE` against the grep floor and the fastest peer:
#   - rg: ripgrep searching the same tree, hidden files included (tokhyg scans them too), for
#     the case-insensitive alternation of every rule keyword (`tokhyg rules list --json`);
#   - kingfisher (../shared/peers/install.sh puts it in $PEERS/bin, default $HOME/peers/bin),
#     network validation off.
# Targets (issue 3): tokhyg <= 3x rg, and >= 5x faster than kingfisher.
#
# Without TREE, the tree is the HEAD of a corpus built by ../shared/bench/make-history-corpus.sh
# (crate sources from cargo's cache: `cargo fetch` is run first) in $BENCH_DIR (default
# /tmp/tokhyg-bench; benches/history.sh reuses the same corpus), capped at $MAX_MB (default 300)
# of crate sources. Its HEAD is exported with `git archive` (no .git directory in the tree).
#
# Then a memory check: a 2 GiB sparse file whose first bytes are text (so it is not skipped as
# binary) is scanned; its peak RSS must stay far below the file size (windows of 8 MiB).
#
# Prints hyperfine's table, the median ratios, and peak RSS from /usr/bin/time -v.
# Needs hyperfine and ripgrep (Debian: apt-get install -y hyperfine ripgrep), python3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-/tmp/tokhyg-bench}
peers=${PEERS:-$HOME/peers}/bin
runs=${RUNS:-10}
mkdir -p "$bench"

for tool in hyperfine rg python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y hyperfine ripgrep time)" >&2; exit 2; }
done

tree=${1:-}
if [ -z "$tree" ]; then
  repo=$bench/corpus
  if [ ! -d "$repo" ]; then
    (cd "$here" && cargo fetch -q)
    bash "$here/../shared/bench/make-history-corpus.sh" "$repo" "${MAX_MB:-300}"
  fi
  tree=$bench/head-tree
  rev=$(git -C "$repo" rev-parse HEAD)
  if [ "$(cat "$tree.rev" 2>/dev/null || true)" != "$rev" ]; then
    rm -rf "$tree" && mkdir -p "$tree"
    git -C "$repo" archive HEAD | tar -x -C "$tree"
    echo "$rev" >"$tree.rev"
  fi
fi

(cd "$here" && cargo build --release -q)
tokhyg=$here/target/release/tokhyg
echo "tree: $tree: $(du -sh "$tree" | cut -f1), $(find "$tree" -type f | wc -l) files"

# Every keyword of every rule, for rg.
mapfile -t keywords < <("$tokhyg" rules list --json |
  python3 -c 'import json,sys; print("\n".join(sorted({k for r in json.load(sys.stdin) for k in r.get("keywords") or []})))')
[ "${#keywords[@]}" -gt 0 ] || { echo "no rule keywords from 'tokhyg rules list --json'" >&2; exit 2; }
echo "rules keywords: ${#keywords[@]}"
rg_args=()
for k in "${keywords[@]}"; do rg_args+=(-e "$k"); done
printf '%s\n' "${rg_args[@]}" >"$bench/rg-args.txt"
q() { printf '%q ' "$@"; }

# The same walk with every rule disabled, against rg looking for one literal: what the walk,
# the reads and the pipeline cost without the matcher.
"$tokhyg" rules list --json |
  python3 -c 'import json,sys; print("disable: [" + ", ".join(r["id"] for r in json.load(sys.stdin)) + "]")' \
  >"$bench/no-rules.yaml"

declare -A cmd
cmd[rg-1-literal]="rg -F -c --hidden --no-messages -e tokhyg-no-such-text $(q "$tree") >/dev/null; test \$? -le 1"
cmd[tokhyg-no-rules]="$(q "$tokhyg") scan --config $(q "$bench/no-rules.yaml") $(q "$tree")"
cmd[tokhyg]="$(q "$tokhyg") scan --format json --output $(q "$bench/files-tokhyg.json") $(q "$tree"); test \$? -le 1"
cmd[rg]="rg -F -i -c --hidden --no-messages $(q "${rg_args[@]}") $(q "$tree") >/dev/null; test \$? -le 1"
if [ -x "$peers/kingfisher" ]; then
  cmd[kingfisher]="$(q "$peers/kingfisher") scan $(q "$tree") --git-history none --no-validate --no-update-check -q -f json -o $(q "$bench/files-kingfisher.json"); s=\$?; test \$s -eq 0 -o \$s -eq 200"
else
  echo "kingfisher not found in $peers: run ../shared/peers/install.sh for the peer comparison" >&2
fi

order=(rg-1-literal tokhyg-no-rules rg tokhyg kingfisher)
args=()
for name in "${order[@]}"; do
  [ -n "${cmd[$name]:-}" ] && args+=(-n "$name" "${cmd[$name]}")
done
hyperfine -w 2 -r "$runs" --export-json "$bench/scan-files.json" "${args[@]}"

python3 - "$bench/scan-files.json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
median = {name: r["median"] for name, r in results.items()}
print()
for name, m in median.items():
    print(f"  median {name:<16} {m * 1000:8.1f} ms")
t = median["tokhyg"]
print(f"  tokhyg / rg          {t / median['rg']:.2f}x   (target <= 3x)")
print(f"  tokhyg-no-rules / rg-1-literal  {median['tokhyg-no-rules'] / median['rg-1-literal']:.2f}x"
      "   (walk, reads and pipeline without the matcher)")
if "kingfisher" in median:
    print(f"  kingfisher / tokhyg  {median['kingfisher'] / t:.2f}x   (target >= 5x)")
EOF
echo "findings: tokhyg $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$bench/files-tokhyg.json")"

rss() { /usr/bin/time -v bash -c "$1" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p' | tail -1; }
echo
echo "peak RSS on the tree (/usr/bin/time -v, one run each):"
for name in "${order[@]}"; do
  [ -n "${cmd[$name]:-}" ] || continue
  printf '  %-16s %6d MB\n' "$name" $(($(rss "${cmd[$name]}") / 1024))
done

# Bounded memory on a huge file: text first, then 2 GiB of (sparse) zeros.
sparse=$bench/sparse
rm -rf "$sparse" && mkdir -p "$sparse"
head -c 65536 /dev/urandom | base64 >"$sparse/huge.log"
truncate -s 2G "$sparse/huge.log"
start=$(date +%s.%N)
kb=$(rss "$(q "$tokhyg") scan $(q "$sparse/huge.log") >/dev/null; test \$? -le 1")
end=$(date +%s.%N)
echo "2 GiB sparse text file: peak RSS $((kb / 1024)) MB, $(python3 -c "print(f'{$end - $start:.2f}')") s"
rm -rf "$sparse"
