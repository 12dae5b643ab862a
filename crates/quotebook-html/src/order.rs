//! One stable sort for the whole module.
//!
//! Every `sort`, `sort_by` or `sort_by_key` with an element type or a comparator of its own
//! is a copy of the standard library's stable sort in the wasm module (3–4 KB each, a dozen
//! of them; BENCHMARKS.md "WASM size"). [`sort_by`] orders indices instead, with a merge
//! sort compiled once (it is not generic: the comparison is a `dyn` call), and then moves
//! the items into place with swaps: only that last loop is instantiated per type.
//!
//! Stable (equal items keep their order), O(n log n) comparisons, n + n indices of memory.

use std::cmp::Ordering;

/// Sorts `items` by `cmp`, stable, as `slice::sort_by` does.
pub fn sort_by<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let items = &*items;
        indices(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    permute(order, &mut |a, b| items.swap(a, b));
}

/// Sorts `items` by the key `key` gives, stable, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by their order, stable, as `slice::sort` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The indices `0..n` in the stable order `cmp` (which compares items by index) gives,
/// for callers that need to know where each item was: a bottom-up merge sort, runs of 1,
/// 2, 4… merged from `from` into `to` and swapped.
pub fn indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to: Vec<usize> = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                // Take from the right only when it is strictly smaller: ties keep the
                // left run's item first, which is what makes the sort stable.
                let right = j < end && (i >= mid || cmp(from[j], from[i]) == Ordering::Less);
                if right {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// Puts the item at `order[k]` at position `k`, for every `k`, with `swap`: each cycle of
/// the permutation followed once (`order` marks the positions done).
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let source = order[at];
            order[at] = DONE;
            if source == start {
                break;
            }
            swap(at, source);
            at = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency): xorshift.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed.max(1);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % modulo
            })
            .collect()
    }

    #[test]
    fn same_as_the_standard_stable_sort() {
        for n in [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 100, 1000, 4097] {
            for modulo in [1, 2, 3, 10, 1 << 40] {
                // Pairs (key, original position): equal keys must keep their order.
                let keys = numbers(n as u64 * 31 + modulo, n, modulo);
                let items: Vec<(u64, usize)> = keys.into_iter().zip(0..).collect();
                let mut ours = items.clone();
                sort_by_key(&mut ours, |&(k, _)| k);
                let mut std = items.clone();
                std.sort_by_key(|&(k, _)| k);
                assert_eq!(ours, std, "n = {n}, keys modulo {modulo}");
            }
        }
    }

    #[test]
    fn sorted_reversed_and_owned_items() {
        let mut up: Vec<String> = (0..50).map(|i| format!("{i:03}")).collect();
        let expected = up.clone();
        sort(&mut up);
        assert_eq!(up, expected);
        up.reverse();
        sort(&mut up);
        assert_eq!(up, expected);
        let mut down = expected.clone();
        sort_by(&mut down, |a, b| b.cmp(a));
        assert_eq!(down, expected.iter().rev().cloned().collect::<Vec<_>>());
    }

    #[test]
    fn a_comparator_that_is_not_an_order_neither_panics_nor_loses_items() {
        let mut items: Vec<u32> = (0..200).collect();
        let mut flip = false;
        sort_by(&mut items, |_, _| {
            flip = !flip;
            if flip {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        });
        let mut seen = items.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }
}
