//! Matcher speed: MB/s of `Matcher::scan` with every built-in rule over a large realistic
//! buffer (the crate sources under ~/.cargo/registry/src, concatenated, capped at 100 MB), next
//! to the keyword pass alone; what each keyword costs (hits per MB); and the pre-commit case,
//! loading the rules, building the matcher and scanning three small files.
//!
//! Times are CPU time of the benchmark's thread (the machine is shared), best of 3.
//!
//! Run: `cargo bench --bench matcher` (optionally `-- DIR` for another source tree,
//! `TOKHYG_BENCH_RULES=extra.yaml` to add a rules file, `TOKHYG_BENCH_WITHOUT=id,id` to also
//! time the set without these rules in the same run, and `-- --per-rule` for what each rule
//! costs on its own: its scan time alone minus that of the cheapest rule, the prefilter floor).
//! `-- --scan-only` runs nothing but whole-corpus scans (for a profiler); `-- --list-matches`
//! lists what the full set finds in the corpus;
//! `-- --write-triples src/detect/common_triples.bin` regenerates the keyword filter's table of
//! common triples from the corpus instead.

use aho_corasick::{AhoCorasick, MatchKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokhyg::detect::Matcher;
use tokhyg::rules::RuleSet;

const CAP: usize = 100 * 1024 * 1024;
const TEXT_EXTENSIONS: &[&str] = &[
    "rs", "toml", "md", "txt", "json", "yaml", "yml", "c", "h", "py", "js", "ts", "html", "sh",
    "lock",
];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = args
        .iter()
        .enumerate()
        .find(|(i, arg)| !arg.starts_with('-') && (*i == 0 || args[i - 1] != "--write-triples"))
        .map(|(_, arg)| arg)
        .map(PathBuf::from)
        .or_else(default_root)
        .ok_or_else(|| anyhow::anyhow!("no ~/.cargo/registry/src; pass a source directory"))?;
    let rules = load_rules()?;
    println!("rules: {} (from rules/*.yaml{})", rules.len(), extra_note());

    let (corpus, files) = read_corpus(&root)?;
    let mb = corpus.len() as f64 / 1e6;
    println!(
        "corpus: {files} text files, {mb:.1} MB from {}",
        root.display()
    );
    if let Some(path) = arg_after("--write-triples") {
        // The keyword filter's table of common triples (src/detect/common_triples.bin).
        std::fs::write(&path, tokhyg::detect::common_triples_table(&corpus, 4096))?;
        println!("wrote the 4096 most common triples of the corpus to {path}");
        return Ok(());
    }

    // For comparison: one Aho-Corasick DFA pass over all keywords (the matcher uses a faster
    // byte-pair filter when every keyword has two bytes or more).
    let keywords = distinct_keywords(&rules);
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&keywords)?;
    let (keyword_time, hits) = best_of(3, || automaton.find_overlapping_iter(&corpus[..]).count());
    println!(
        "Aho-Corasick keyword pass alone ({} keywords): {:.0} MB/s, {hits} hits ({:.1} per MB)",
        keywords.len(),
        mb / keyword_time.as_secs_f64(),
        hits as f64 / mb
    );

    let matcher = Matcher::new(rules.clone());
    if std::env::args().any(|arg| arg == "--list-matches") {
        // Which rule matched where (secrets shown as their first 4 characters).
        for m in matcher.scan(&corpus) {
            let secret = String::from_utf8_lossy(&corpus[m.start..m.end]);
            let shown: String = secret.chars().take(4).collect();
            println!(
                "{}  at {}  {shown}...",
                matcher.rules().rules()[m.rule].id,
                m.start
            );
        }
        return Ok(());
    }
    if std::env::args().any(|arg| arg == "--scan-only") {
        // For a profiler: nothing but whole-corpus scans.
        let (time, found) = best_of(5, || matcher.scan(&corpus).len());
        println!(
            "Matcher::scan: {:.0} MB/s ({found} matches)",
            mb / time.as_secs_f64()
        );
        return Ok(());
    }
    let (prefilter_time, hits) = best_of(3, || matcher.keyword_hits(&corpus));
    println!(
        "the matcher's keyword pass alone: {:.0} MB/s, {hits} hits ({:.1} per MB)",
        mb / prefilter_time.as_secs_f64(),
        hits as f64 / mb
    );
    let (scan_time, found) = best_of(3, || matcher.scan(&corpus).len());
    println!(
        "Matcher::scan, whole corpus as one buffer: {:.0} MB/s ({found} matches)",
        mb / scan_time.as_secs_f64()
    );
    for id in without_ids() {
        let mut fewer = rules.clone();
        fewer.disable(std::slice::from_ref(&id))?;
        let fewer = Matcher::new(fewer);
        let (time, found) = best_of(3, || fewer.scan(&corpus).len());
        println!(
            "  without `{id}`: {:.0} MB/s ({found} matches); the full set takes {:.2}x this time",
            mb / time.as_secs_f64(),
            scan_time.as_secs_f64() / time.as_secs_f64()
        );
    }

    // As a file scan calls it: one buffer per file.
    let chunks = split_files(&root)?;
    let (per_file_time, found) = best_of(3, || {
        chunks
            .iter()
            .map(|chunk| matcher.scan(chunk).len())
            .sum::<usize>()
    });
    println!(
        "Matcher::scan, file by file: {:.0} MB/s ({found} matches)",
        mb / per_file_time.as_secs_f64()
    );

    keyword_costs(&rules, &corpus, mb);
    if std::env::args().any(|arg| arg == "--per-rule") {
        rule_costs(&rules, &corpus, mb)?;
    }

    // Pre-commit: three small files, everything from scratch each time.
    let small: Vec<Vec<u8>> = ["src/lib.rs", "src/main.rs", "Cargo.toml"]
        .iter()
        .map(|p| std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)))
        .collect::<Result<_, _>>()?;
    let mut times: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Clock::now();
            let rules = load_rules().expect("rules load");
            let matcher = Matcher::new(rules);
            let found: usize = small.iter().map(|f| matcher.scan(f).len()).sum();
            std::hint::black_box(found);
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "pre-commit case (load rules + Matcher::new + scan 3 small files): median {:.2} ms, max {:.2} ms",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    let start = Clock::now();
    let matcher = Matcher::new(load_rules()?);
    let build = start.elapsed();
    println!(
        "  of which load rules + Matcher::new: {:.2} ms",
        build.as_secs_f64() * 1e3
    );
    std::hint::black_box(matcher);
    Ok(())
}

/// The argument after `flag`, if given.
fn arg_after(flag: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|arg| arg == flag)?;
    args.get(at + 1).cloned()
}

/// Rule ids from `TOKHYG_BENCH_WITHOUT` (comma-separated).
fn without_ids() -> Vec<String> {
    std::env::var("TOKHYG_BENCH_WITHOUT")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Each rule alone over the corpus; the cheapest one's time is the floor (the keyword pass
/// with next to no hits), so time above it is what the rule's hits cost.
fn rule_costs(rules: &RuleSet, corpus: &[u8], mb: f64) -> anyhow::Result<()> {
    let mut times: Vec<(Duration, &str, usize)> = Vec::new();
    for rule in rules.rules() {
        if rule.keywords.is_empty() && rule.kind_name() == "path" {
            continue;
        }
        let alone = Matcher::new(RuleSet::from_rules(vec![rule.clone()])?);
        let hits = alone.keyword_hits(corpus);
        let (time, _) = best_of(2, || alone.scan(corpus).len());
        times.push((time, rule.id.as_str(), hits));
    }
    let floor = times.iter().map(|t| t.0).min().unwrap_or_default();
    times.sort_unstable_by_key(|t| std::cmp::Reverse(t.0));
    println!(
        "costliest rules alone (ms over the corpus above the floor of {:.0} ms, keyword hits per MB):",
        floor.as_secs_f64() * 1e3
    );
    for (time, id, hits) in times.iter().take(25) {
        println!(
            "  {:>8.1} ms  {:>9.1}  {id}",
            (*time - floor).as_secs_f64() * 1e3,
            *hits as f64 / mb
        );
    }
    Ok(())
}

fn default_root() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry/src");
    src.is_dir().then_some(src)
}

fn extra_note() -> String {
    std::env::var("TOKHYG_BENCH_RULES").map_or(String::new(), |p| format!(" + {p}"))
}

fn load_rules() -> anyhow::Result<RuleSet> {
    let mut rules = RuleSet::builtin()?;
    if let Ok(extra) = std::env::var("TOKHYG_BENCH_RULES") {
        rules.extend(tokhyg::rules::load_rules_file(Path::new(&extra))?)?;
    }
    Ok(rules)
}

fn text_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| TEXT_EXTENSIONS.contains(&e))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn split_files(root: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut total = 0;
    let mut chunks = Vec::new();
    for path in text_files(root) {
        let bytes = std::fs::read(&path)?;
        if bytes.iter().take(8000).any(|&b| b == 0) {
            continue;
        }
        total += bytes.len();
        chunks.push(bytes);
        if total >= CAP {
            break;
        }
    }
    Ok(chunks)
}

fn read_corpus(root: &Path) -> anyhow::Result<(Vec<u8>, usize)> {
    let chunks = split_files(root)?;
    let files = chunks.len();
    Ok((chunks.concat(), files))
}

/// The fastest of `runs` calls of `f`. Timed in this thread's CPU time where Linux tells it
/// (`/proc/thread-self/schedstat`), so that other processes on a shared machine do not count;
/// wall-clock time elsewhere.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..runs {
        let start = Clock::now();
        let value = f();
        best = best.min(start.elapsed());
        result = Some(value);
    }
    (best, result.expect("at least one run"))
}

/// A start time: CPU time of the thread when available, else wall-clock time.
enum Clock {
    Cpu(u64),
    Wall(Instant),
}

impl Clock {
    fn now() -> Clock {
        thread_cpu_ns().map_or_else(|| Clock::Wall(Instant::now()), Clock::Cpu)
    }

    fn elapsed(&self) -> Duration {
        match self {
            Clock::Cpu(start) => {
                Duration::from_nanos(thread_cpu_ns().unwrap_or(*start).saturating_sub(*start))
            }
            Clock::Wall(start) => start.elapsed(),
        }
    }
}

/// Nanoseconds this thread has run on a CPU.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Every keyword of every rule, sorted, each once.
fn distinct_keywords(rules: &RuleSet) -> Vec<&str> {
    let mut keywords: Vec<&str> = rules
        .rules()
        .iter()
        .flat_map(|r| r.keywords.iter().map(String::as_str))
        .collect();
    keywords.sort_unstable();
    keywords.dedup();
    keywords
}

/// Hits per MB of each keyword, most frequent first: a keyword hit runs its rules' regexes.
fn keyword_costs(rules: &RuleSet, corpus: &[u8], mb: f64) {
    let keywords = distinct_keywords(rules);
    if keywords.is_empty() {
        return;
    }
    let Ok(automaton) = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&keywords)
    else {
        return;
    };
    let mut counts = vec![0usize; keywords.len()];
    for hit in automaton.find_overlapping_iter(corpus) {
        counts[hit.pattern().as_usize()] += 1;
    }
    let mut ranked: Vec<(usize, &str)> = counts.into_iter().zip(keywords).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    println!("most frequent keywords (hits per MB):");
    for (count, keyword) in ranked.iter().take(15) {
        println!("  {:>9.1}  {keyword}", *count as f64 / mb);
    }
}
