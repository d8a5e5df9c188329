#!/usr/bin/env bash
# benches/history.sh [REPO]
#
# Full-history scan speed and peak memory of tokhyg against the floor (reading every object
# once: `git cat-file --batch-all-objects --batch`) and the peers that scan history
# (gitleaks, betterleaks, kingfisher; ../shared/peers/install.sh puts them in $HOME/peers/bin).
# Without REPO, builds a corpus with ../shared/bench/make-history-corpus.sh (run `cargo fetch`
# first; more crates fetched = bigger corpus) into $BENCH_DIR (default /tmp/tokhyg-bench).
# Prints hyperfine's table (median ratios are what to quote on a noisy machine) and each
# tool's peak RSS from /usr/bin/time -v. `tokhyg-read` is the same scan with every built-in rule
# disabled: what reading history costs (walk, inflate, delta), without the matcher.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-/tmp/tokhyg-bench}
peers=${PEERS:-$HOME/peers}/bin
runs=${RUNS:-5}
mkdir -p "$bench"
repo=${1:-$bench/corpus}
if [ ! -d "$repo" ]; then
  bash "$here/../shared/bench/make-history-corpus.sh" "$repo" "${CORPUS_MB:-1000}"
fi
(cd "$here" && cargo build --release -q)
tokhyg=$here/target/release/tokhyg
git -C "$repo" count-objects -vH | sed -n 's/^size-pack: /packed: /p'
echo "commits: $(git -C "$repo" rev-list --all | wc -l)"
git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
  awk '{n[$1]++; b[$1]+=$2} END {for (t in n) printf "%s: %d objects, %.0f MB\n", t, n[t], b[t]/1e6}'
{ echo "disable:"; "$tokhyg" rules list | awk '{print "  - " $1}'; } > "$bench/no-rules.yaml"

declare -A cmd
cmd[git-cat-file]="git -C $repo cat-file --batch-all-objects --batch >/dev/null"
cmd[tokhyg]="cd $repo && $tokhyg scan --history --format json --output $bench/tokhyg.json; test \$? -le 1"
cmd[tokhyg-read]="cd $repo && $tokhyg scan --history --config $bench/no-rules.yaml --format json --output $bench/tokhyg-read.json; test \$? -le 1"
[ -x "$peers/gitleaks" ] && cmd[gitleaks]="$peers/gitleaks git $repo --no-banner -l error --exit-code 0 -f json -r $bench/gitleaks.json"
[ -x "$peers/betterleaks" ] && cmd[betterleaks]="$peers/betterleaks git $repo -s -l error --exit-code=0 -o $bench/betterleaks.json"
[ -x "$peers/kingfisher" ] && cmd[kingfisher]="$peers/kingfisher scan $repo --git-history full --no-validate --no-update-check -q -f json -o $bench/kingfisher.json; test \$? -eq 0 -o \$? -eq 200"

order=(git-cat-file tokhyg tokhyg-read gitleaks betterleaks kingfisher)

# One run of each, for its peak RSS; a tool that fails here (betterleaks stops on any git
# warning on stderr, such as a crate's odd .gitattributes) is left out of the timing.
echo "peak RSS (/usr/bin/time -v, one run each):"
args=()
for name in "${order[@]}"; do
  [ -n "${cmd[$name]:-}" ] || continue
  if ! /usr/bin/time -v -o "$bench/$name.time" bash -c "${cmd[$name]}" >"$bench/$name.log" 2>&1; then
    printf '  %-14s failed (see %s), not timed\n' "$name" "$bench/$name.log"
    continue
  fi
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$bench/$name.time")
  printf '  %-14s %6d MB\n' "$name" $((rss / 1024))
  args+=(-n "$name" "${cmd[$name]}")
done
echo
hyperfine -w 1 -r "$runs" --export-markdown "$bench/history.md" "${args[@]}"
