#!/usr/bin/env bash
# benches/history-large-blobs.sh
#
# Peak memory and time of a full-history scan of a repository holding very large blobs: a
# 600 MiB text file (whole in its pack: above git's core.bigFileThreshold), and two versions
# of a 300 MiB text file, one stored as a delta of the other. Each holds one planted GitHub
# token. tokhyg streams blobs of 32 MiB and more (src/source/history/stream), so its peak RSS
# should stay far below the largest blob; `git cat-file --batch-all-objects --batch`, which
# holds each object whole, is printed for scale.
#
# The repository is built once into $BENCH_DIR/large-blobs (default /tmp/tokhyg-bench); it
# takes a few minutes (generating 1.2 GiB of text, and git's delta search on the 300 MiB pair).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-/tmp/tokhyg-bench}
repo=$bench/large-blobs
mkdir -p "$bench"
(cd "$here" && cargo build --release -q)
tokhyg=$here/target/release/tokhyg

# `mib` MiB of numbered text lines, with `$secret` on a line near the end; `edit` changes
# every 5000th line, so two versions differ a little (good delta material).
text() {
  local mib=$1 edit=$2 secret=$3
  awk -v bytes=$((mib * 1024 * 1024)) -v edit="$edit" -v secret="$secret" 'BEGIN {
    n = 0; i = 0
    while (n < bytes) {
      line = sprintf("%09d some ordinary generated text, configuration and prose %s", i, (i % 5000 == 0) ? edit : "")
      print line; n += length(line) + 1; i++
      if (i == 1000000) print "github_token = " secret
    }
  }'
}

if [ ! -f "$repo/.done" ]; then
  rm -rf "$repo"
  mkdir -p "$repo"
  git -C "$repo" init -q -b main
  git -C "$repo" config user.name bench
  git -C "$repo" config user.email bench@example.com
  token() { "$tokhyg" generate --prefix ghp_ --length 30 --checksum 2>/dev/null; }
  text 600 "" "$(token)" > "$repo/huge.txt"
  text 300 "first" "$(token)" > "$repo/large.txt"
  git -C "$repo" add -A && git -C "$repo" commit -q -m "huge and large"
  text 300 "second" "$(token)" > "$repo/large.txt"
  git -C "$repo" add -A && git -C "$repo" commit -q -m "large, edited"
  rm -f "$repo/huge.txt" "$repo/large.txt"
  git -C "$repo" commit -q -a -m "remove them"
  git -C "$repo" repack -adf -q --window=10 --depth=50
  git -C "$repo" prune-packed
  touch "$repo/.done"
fi
git -C "$repo" count-objects -vH | sed -n 's/^size-pack: /packed: /p'
pack=$(ls "$repo"/.git/objects/pack/*.pack)
echo "blobs (verify-pack: id type size size-in-pack offset [depth base]):"
git verify-pack -v "$pack" | awk '$2 == "blob"' | sed 's/^/  /'

# Peak RSS and wall time of one run of a command.
measure() {
  local name=$1; shift
  /usr/bin/time -f '%M %e' -o "$bench/$name.time" bash -c "$*" >"$bench/$name.log" 2>&1 || {
    echo "  $name failed (see $bench/$name.log)"; return
  }
  read -r rss secs < "$bench/$name.time"
  printf '  %-14s %7d MB peak RSS %8.2f s\n' "$name" $((rss / 1024)) "$secs"
}
echo "runs (one each):"
for _ in 1 2; do
  measure git-cat-file "git -C $repo cat-file --batch-all-objects --batch >/dev/null"
  measure tokhyg "cd $repo && $tokhyg scan --history --format json --output $bench/large-blobs.json; test \$? -le 1"
done
echo "findings: $(grep -o '"rule": *"[^"]*"' "$bench/large-blobs.json" | sort | uniq -c | tr -s ' ')"
