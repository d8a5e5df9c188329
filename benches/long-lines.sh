#!/usr/bin/env bash
# benches/long-lines.sh
#
# Scan time against size for a file that is one long line of secrets (issue 10, item 6): a
# minified bundle or a data dump can hold a hundred thousand matches on one line, and locating
# them (line, column, UTF-16 column, the line's `tokhyg:allow`) must cost one pass over the line,
# not one per match. For each size in SIZES (MB, default "1 8 32 100") it builds, in $BENCH_DIR
# (default /tmp/tokhyg-bench/long-lines), two files of the same bytes: one line of checksummed
# GitHub-style tokens separated by spaces, and the same tokens one per line. It scans each with
# the release binary (`--format jsonl` into a file: the report is part of the cost) and prints
# wall time, seconds per MB, peak RSS (/usr/bin/time -v) and the number of findings reported.
#
# Linear growth shows as a flat s/MB column, and as the one-line rows costing about what the
# short-line rows cost. Before the fix, one line took 0.9 s at 1 MB and 77 s at 8 MB.
#
# The findings count is capped at 1,000 per rule and file (a warning names the file), so it
# stops growing while the scan still reads, matches and locates every byte.
#
# Needs python3 and /usr/bin/time (Debian: apt-get install -y time). Prints figures only; it
# asserts nothing about speed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/tokhyg-bench}/long-lines
sizes=${SIZES:-1 8 32 100}
mkdir -p "$dir"
for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y time python3)" >&2; exit 2; }
done

(cd "$here" && cargo build --release -q)
tokhyg=$here/target/release/tokhyg
token=$("$tokhyg" generate -q --prefix ghp_ --length 30 --checksum)

# make FILE MB SEPARATOR: MB megabytes of "token SEPARATOR" repeated, one final newline.
make() {
  python3 - "$1" "$2" "$3" "$token" <<'EOF'
import sys
path, mb, sep, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
unit = (token + (" " if sep == "space" else "\n")).encode()
block = unit * (1024 * 1024 // len(unit))
with open(path, "wb") as out:
    for _ in range(mb):
        out.write(block)
    out.write(b"\n")
EOF
}

printf '%-11s %6s %9s %8s %10s %9s\n' shape MB seconds s/MB 'peak MB' findings
for mb in $sizes; do
  for shape in one-line short-lines; do
    file=$dir/$shape-$mb.txt
    [ -f "$file" ] || make "$file" "$mb" "$([ "$shape" = one-line ] && echo space || echo newline)"
    report=$dir/report.jsonl
    start=$(date +%s.%N)
    status=0
    /usr/bin/time -v -o "$dir/time.txt" "$tokhyg" scan --format jsonl --output "$report" "$file" \
      2>"$dir/stderr.txt" || status=$?
    end=$(date +%s.%N)
    if [ "$status" -gt 1 ]; then
      echo "tokhyg failed on $file (exit $status):" >&2
      cat "$dir/stderr.txt" >&2
      exit 2
    fi
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
    findings=$(wc -l <"$report")
    python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); mb=int(sys.argv[4]); \
print('%-11s %6d %9.2f %8.3f %10.1f %9s' % (sys.argv[3], mb, s, s/mb, int(sys.argv[5])/1024, sys.argv[6]))" \
      "$start" "$end" "$shape" "$mb" "$rss_kb" "$findings"
  done
done
rm -f "$dir/report.jsonl"
