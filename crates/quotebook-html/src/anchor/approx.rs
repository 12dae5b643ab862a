//! Approximate search: the places in a text whose edit distance (Levenshtein: insertions,
//! deletions, substitutions of characters) to a pattern is at most `k`.
//!
//! A filter keeps it near linear: split the pattern into `k + 1` pieces; a passage within
//! `k` edits of the pattern holds at least one piece unedited (pigeonhole), at the piece's
//! place in the pattern give or take `k`. Only the windows around exact occurrences of the
//! pieces are searched, by the textbook dynamic programme (the pattern against a window,
//! free to start and end anywhere in it). Tests compare it with the programme run over the
//! whole text.

/// A passage within the bound: characters `[start, end)` of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub distance: usize,
}

/// The passages of `text` within `k` edits of `pattern`: for each group of overlapping
/// ones, the best (fewest edits, then the length nearest the pattern's, then the first), in
/// text order. Empty when `pattern` is empty or `k >= pattern.len()` (every short passage
/// would do).
pub fn search(text: &[char], pattern: &[char], k: usize) -> Vec<Match> {
    let m = pattern.len();
    if m == 0 || k >= m {
        return Vec::new();
    }
    let n = text.len();
    let pieces = k + 1;
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for i in 0..pieces {
        let (a, b) = (i * m / pieces, (i + 1) * m / pieces);
        let piece = &pattern[a..b];
        for p in find_all(text, piece) {
            // The passage starts within k of `p - a` and is at most m + k long.
            let start = (p + k).saturating_sub(a + k + k).min(n);
            let start = start.max(p.saturating_sub(a + k));
            let end = (p.saturating_sub(a) + m + 2 * k).min(n);
            windows.push((start, end));
        }
    }
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in windows {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = Vec::new();
    for (a, b) in merged {
        let found = in_window(&text[a..b], pattern, k);
        out.extend(found.into_iter().map(|mut f| {
            f.start += a;
            f.end += a;
            f
        }));
    }
    out
}

/// Every start of `needle` in `text` (overlapping ones too).
fn find_all(text: &[char], needle: &[char]) -> Vec<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if text.len() < needle.len() {
        return out;
    }
    for i in 0..=text.len() - needle.len() {
        if text[i] == first && text[i + 1..i + needle.len()] == *rest {
            out.push(i);
        }
    }
    out
}

/// The semi-global programme over one window: column by column of the window, for each
/// pattern prefix, the fewest edits and where that alignment starts.
fn in_window(window: &[char], pattern: &[char], k: usize) -> Vec<Match> {
    let m = pattern.len();
    let mut dist: Vec<usize> = (0..=m).collect();
    let mut from: Vec<usize> = vec![0; m + 1];
    let mut next_dist = vec![0; m + 1];
    let mut next_from = vec![0; m + 1];
    let mut ends: Vec<Match> = Vec::new();
    for (j, &t) in window.iter().enumerate() {
        next_dist[0] = 0;
        next_from[0] = j + 1;
        for i in 1..=m {
            let diagonal = dist[i - 1] + usize::from(pattern[i - 1] != t);
            let skip_text = dist[i] + 1;
            let skip_pattern = next_dist[i - 1] + 1;
            // Ties go to the diagonal: a substituted character keeps the passage's length.
            let (d, f) = if diagonal <= skip_text && diagonal <= skip_pattern {
                (diagonal, from[i - 1])
            } else if skip_text <= skip_pattern {
                (skip_text, from[i])
            } else {
                (skip_pattern, next_from[i - 1])
            };
            next_dist[i] = d;
            next_from[i] = f;
        }
        std::mem::swap(&mut dist, &mut next_dist);
        std::mem::swap(&mut from, &mut next_from);
        if dist[m] <= k {
            ends.push(Match {
                start: from[m],
                end: j + 1,
                distance: dist[m],
            });
        }
    }
    best_of_groups(ends, m)
}

/// Of passages in text order (by end), the best of each group of overlapping ones.
fn best_of_groups(found: Vec<Match>, m: usize) -> Vec<Match> {
    let rank = |f: &Match| (f.distance, (f.end - f.start).abs_diff(m), f.start);
    let mut out: Vec<Match> = Vec::new();
    let mut group_end = 0;
    for f in found {
        match out.last_mut() {
            Some(best) if f.start < group_end => {
                group_end = group_end.max(f.end);
                if rank(&f) < rank(best) {
                    *best = f;
                }
            }
            _ => {
                group_end = f.end;
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: the fewest edits that turn `pattern` into some passage of `text`,
    /// by the programme over the whole text, no filter.
    fn naive_best(text: &[char], pattern: &[char]) -> usize {
        let m = pattern.len();
        let mut prev: Vec<usize> = (0..=m).collect();
        let mut best = prev[m];
        for &t in text {
            let mut cur = vec![0; m + 1];
            for i in 1..=m {
                cur[i] = (prev[i - 1] + usize::from(pattern[i - 1] != t))
                    .min(prev[i] + 1)
                    .min(cur[i - 1] + 1);
            }
            best = best.min(cur[m]);
            prev = cur;
        }
        best
    }

    /// Plain Levenshtein distance.
    fn levenshtein(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, &x) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, &y) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(x != y))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn finds_an_edited_passage_and_reports_its_range() {
        let text = chars("one two three four five six seven");
        let found = search(&text, &chars("three fuor five"), 2);
        assert_eq!(found.len(), 1);
        let f = found[0];
        assert_eq!(
            text[f.start..f.end].iter().collect::<String>(),
            "three four five"
        );
        assert_eq!(f.distance, 2);
    }

    #[test]
    fn nothing_beyond_the_bound() {
        let text = chars("the quick brown fox jumps over the lazy dog");
        assert!(search(&text, &chars("a slow red cat sleeps"), 2).is_empty());
        assert!(search(&text, &chars("abc"), 3).is_empty());
        assert!(search(&text, &[], 0).is_empty());
    }

    /// A small deterministic generator (no dependency for a test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn agrees_with_the_whole_text_programme() {
        let mut rng = Lcg(0x5eed);
        for case in 0..3000 {
            // Small alphabets make near misses common, where filters go wrong.
            let alphabet: Vec<char> = "ab c".chars().take(2 + case % 3).collect();
            let n = rng.below(60);
            let text: Vec<char> = (0..n)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let pattern: Vec<char> = if n > 4 && rng.below(2) == 0 {
                // A passage of the text, edited a little.
                let a = rng.below(n - 3);
                let b = a + 3 + rng.below((n - a - 3).min(20) + 1).min(n - a - 3);
                let mut p = text[a..b].to_vec();
                for _ in 0..rng.below(3) {
                    let at = rng.below(p.len());
                    match rng.below(3) {
                        0 => p[at] = alphabet[rng.below(alphabet.len())],
                        1 if p.len() > 1 => {
                            p.remove(at);
                        }
                        _ => p.insert(at, alphabet[rng.below(alphabet.len())]),
                    }
                }
                p
            } else {
                (0..1 + rng.below(12))
                    .map(|_| alphabet[rng.below(alphabet.len())])
                    .collect()
            };
            let k = rng.below(pattern.len().min(5) + 1);
            let found = search(&text, &pattern, k);
            let want = naive_best(&text, &pattern);
            let got = found.iter().map(|f| f.distance).min();
            if k >= pattern.len() {
                assert!(found.is_empty());
                continue;
            }
            assert_eq!(
                got,
                (want <= k).then_some(want),
                "text {text:?} pattern {pattern:?} k {k}"
            );
            for f in &found {
                assert!(f.distance <= k);
                assert_eq!(
                    levenshtein(&text[f.start..f.end], &pattern),
                    f.distance,
                    "text {text:?} pattern {pattern:?} match {f:?}"
                );
            }
            for pair in found.windows(2) {
                assert!(pair[0].end <= pair[1].start, "groups overlap: {found:?}");
            }
        }
    }
}
