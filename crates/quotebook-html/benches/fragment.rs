//! Text-fragment generation time per quote, over the same 260 selections the corpus test
//! draws (fixed seed): each selection is generated 7 times and its median kept; prints
//! the median, p95, p99 and the slowest, overall and per script. Run with
//! `cargo bench -p quotebook-html --bench fragment` (needs the corpus, see the tests).

#[path = "../tests/fragment_common.rs"]
mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{PER_SCRIPT, SEED, Script, corpus, draw_selections, load_pages};
use quotebook_html::fragment::text_fragment;

const RUNS: usize = 7;

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn report(label: &str, times: &mut [Duration]) {
    times.sort();
    println!(
        "fragment generation {label}: n={} median {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        percentile(times, 50).as_secs_f64() * 1e3,
        percentile(times, 95).as_secs_f64() * 1e3,
        percentile(times, 99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and expects a
    // quick run: do a single pass then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let Some(dir) = corpus() else { return };
    let pages = load_pages(&dir);
    let selections = draw_selections(&pages, SEED, &PER_SCRIPT);
    let runs = if quick { 1 } else { RUNS };
    let mut all = Vec::new();
    let mut by_script: BTreeMap<Script, Vec<Duration>> = BTreeMap::new();
    for sel in &selections {
        let text = &pages[sel.page].text;
        let s16 = text[..sel.start].encode_utf16().count();
        let e16 = s16 + text[sel.start..sel.end].encode_utf16().count();
        let mut runs_t: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                black_box(text_fragment(black_box(text), s16, e16));
                t.elapsed()
            })
            .collect();
        runs_t.sort();
        let median = runs_t[runs_t.len() / 2];
        all.push(median);
        by_script.entry(sel.script).or_default().push(median);
    }
    report("all", &mut all);
    for (script, times) in &mut by_script {
        report(&format!("{script:?}"), times);
    }
}
