//! HTML → Markdown speed: our converter against `htmd` (Rust, html5ever, an `Rc` DOM) on
//! every corpus `article.html`, side by side in one run, and a linearity check
//! (1 MB vs 10 MB of bounded-depth input).
//!
//! `cargo bench -p quotebook-html --bench convert` runs criterion's groups, then prints
//! an interleaved head-to-head summary: aggregate MB/s of both, their ratio, and the
//! median of the per-page ratios, and the pages where the ratio is lowest. With
//! `QUOTEBOOK_BENCH_ONCE=quotebook` (or `htmd`) it converts every article once and stops:
//! run that under `valgrind --tool=callgrind` to count instructions. The corpus is found as
//! the tests find it (`tests/common`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use quotebook_html::html_to_markdown;

const BASE: &str = "http://fakehost/test/page.html";

fn corpus() -> Vec<(String, String)> {
    let Some(dir) = common::corpus("the corpus benchmark") else {
        return Vec::new();
    };
    let mut pages: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .filter_map(Result::ok)
        .filter_map(|e| {
            let html = std::fs::read_to_string(e.path().join("article.html")).ok()?;
            Some((e.file_name().to_string_lossy().into_owned(), html))
        })
        .collect();
    pages.sort();
    pages
}

fn ours(html: &str) -> usize {
    html_to_markdown(html, BASE).map_or(0, |m| m.len())
}

fn theirs(html: &str) -> usize {
    htmd::convert(html).map_or(0, |m| m.len())
}

/// Bounded-depth input of about `bytes` bytes: corpus articles (or a synthetic page)
/// one after another.
fn big_input(pages: &[(String, String)], bytes: usize) -> String {
    let synthetic = "<p>Some <b>bold</b> and <a href=\"/x\">a link</a>, <code>code</code>.</p>\
        <ul><li>one</li><li>two <em>three</em></li></ul><pre>let x = 1;\nlet y = 2;</pre>\
        <table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
        .to_owned();
    let mut out = String::with_capacity(bytes + 500_000);
    let mut i = 0;
    while out.len() < bytes {
        let page = if pages.is_empty() {
            &synthetic
        } else {
            &pages[i % pages.len()].1
        };
        out.push_str("<div>");
        out.push_str(page);
        out.push_str("</div>");
        i += 1;
    }
    out
}

fn time<F: Fn(&str) -> usize>(f: F, html: &str) -> Duration {
    let start = Instant::now();
    black_box(f(black_box(html)));
    start.elapsed()
}

fn criterion_groups(c: &mut Criterion, pages: &[(String, String)]) {
    if !pages.is_empty() {
        let total: usize = pages.iter().map(|(_, h)| h.len()).sum();
        let mut group = c.benchmark_group("corpus");
        group.throughput(Throughput::Bytes(total as u64));
        group.sample_size(10);
        group.bench_function("quotebook", |b| {
            b.iter(|| pages.iter().map(|(_, h)| ours(h)).sum::<usize>())
        });
        group.bench_function("htmd", |b| {
            b.iter(|| pages.iter().map(|(_, h)| theirs(h)).sum::<usize>())
        });
        group.finish();
    }
    let mut group = c.benchmark_group("linearity");
    group.sample_size(10);
    for mb in [1usize, 10] {
        let input = big_input(pages, mb << 20);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(format!("{mb}MB"), |b| b.iter(|| ours(&input)));
    }
    group.finish();
}

/// Interleaved head-to-head: each round converts every page with both converters.
fn head_to_head(pages: &[(String, String)]) {
    if pages.is_empty() {
        return;
    }
    let rounds = 5;
    let mut ours_total = Duration::ZERO;
    let mut theirs_total = Duration::ZERO;
    let mut per_page: Vec<(Duration, Duration)> =
        vec![(Duration::ZERO, Duration::ZERO); pages.len()];
    for round in 0..rounds {
        for (i, (_, html)) in pages.iter().enumerate() {
            // Alternate who goes first.
            let (a, b) = if (round + i) % 2 == 0 {
                let a = time(ours, html);
                (a, time(theirs, html))
            } else {
                let b = time(theirs, html);
                (time(ours, html), b)
            };
            ours_total += a;
            theirs_total += b;
            per_page[i].0 += a;
            per_page[i].1 += b;
        }
    }
    let bytes: usize = pages.iter().map(|(_, h)| h.len()).sum::<usize>() * rounds;
    let mbs = |d: Duration| bytes as f64 / d.as_secs_f64() / 1e6;
    let mut ratios: Vec<f64> = per_page
        .iter()
        .map(|(a, b)| b.as_secs_f64() / a.as_secs_f64().max(1e-12))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    println!(
        "\nhead-to-head on {} corpus articles, {rounds} interleaved rounds:",
        pages.len()
    );
    println!("  quotebook: {:8.1} MB/s", mbs(ours_total));
    println!("  htmd:      {:8.1} MB/s", mbs(theirs_total));
    println!(
        "  aggregate ratio (quotebook / htmd throughput): {:.2}x",
        theirs_total.as_secs_f64() / ours_total.as_secs_f64()
    );
    println!(
        "  median per-page ratio: {median:.2}x (min {:.2}x, max {:.2}x)",
        ratios[0],
        ratios[ratios.len() - 1]
    );
    // The slowest pages relative to htmd, each timed again, best of 15 (one slow
    // round on a busy machine decides the minimum above).
    let mut best: Vec<(f64, &str)> = per_page
        .iter()
        .zip(pages)
        .map(|((a, b), (name, _))| (b.as_secs_f64() / a.as_secs_f64().max(1e-12), name.as_str()))
        .collect();
    best.sort_by(|x, y| x.0.total_cmp(&y.0));
    println!("  lowest per-page ratios, timed again (best of 15 each):");
    for &(_, name) in best.iter().take(5) {
        let Some((_, html)) = pages.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let fastest =
            |f: fn(&str) -> usize| (0..15).map(|_| time(f, html)).min().unwrap_or_default();
        let (a, b) = (fastest(ours), fastest(theirs));
        println!(
            "    {name}: {:.2}x ({} bytes)",
            b.as_secs_f64() / a.as_secs_f64().max(1e-12),
            html.len()
        );
    }
}

/// `QUOTEBOOK_BENCH_ONCE=quotebook|htmd`: convert every article once and stop, for
/// counting instructions (`valgrind --tool=callgrind` on the bench executable).
fn once(pages: &[(String, String)], which: &str) {
    let convert: fn(&str) -> usize = if which == "htmd" { theirs } else { ours };
    let bytes: usize = pages.iter().map(|(_, h)| convert(h)).sum();
    println!(
        "{which}: {} articles converted once, {bytes} bytes of Markdown",
        pages.len()
    );
}

fn linearity(pages: &[(String, String)]) {
    let small = big_input(pages, 1 << 20);
    let large = big_input(pages, 10 << 20);
    let best = |html: &str| (0..3).map(|_| time(ours, html)).min().unwrap_or_default();
    let (ts, tl) = (best(&small), best(&large));
    let ns_per_byte = |t: Duration, n: usize| t.as_nanos() as f64 / n as f64;
    println!("\nlinearity (best of 3):");
    println!(
        "  {:>9} bytes: {:8.1} ms, {:.2} ns/byte",
        small.len(),
        ts.as_secs_f64() * 1e3,
        ns_per_byte(ts, small.len())
    );
    println!(
        "  {:>9} bytes: {:8.1} ms, {:.2} ns/byte",
        large.len(),
        tl.as_secs_f64() * 1e3,
        ns_per_byte(tl, large.len())
    );
    println!(
        "  time ratio {:.2} for a size ratio of {:.2}",
        tl.as_secs_f64() / ts.as_secs_f64(),
        large.len() as f64 / small.len() as f64
    );
}

fn main() {
    let pages = corpus();
    if let Ok(which) = std::env::var("QUOTEBOOK_BENCH_ONCE") {
        once(&pages, &which);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    criterion_groups(&mut c, &pages);
    c.final_summary();
    head_to_head(&pages);
    linearity(&pages);
}
