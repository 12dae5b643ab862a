use super::*;

/// A quote saved from `page` at `[s, e)` (byte offsets of ASCII text = UTF-16 offsets),
/// with the selector the core stores.
fn saved(id: &str, page: &str, s: usize, e: usize) -> AnchorQuery {
    let sel = crate::fragment::quote_selector(page, s, e).expect("valid range");
    AnchorQuery {
        id: id.into(),
        text: sel.exact.clone(),
        selector: Some(AnchorSelector {
            repeated: is_repeated(page, &sel.exact),
            exact: sel.exact,
            prefix: sel.prefix,
            suffix: sel.suffix,
        }),
        position: Some(s),
    }
}

fn at(page: &str, needle: &str) -> (usize, usize) {
    let s = page.find(needle).expect("needle in page");
    (s, s + needle.len())
}

fn one(page: &str, q: &AnchorQuery) -> Anchor {
    anchor_quotes(page, std::slice::from_ref(q)).remove(0)
}

fn text_of<'a>(page: &'a str, a: &Anchor) -> &'a str {
    &page[a.start.unwrap()..a.end.unwrap()]
}

const PAGE: &str = "Intro line.\nThe cat sat on the mat and looked at the door.\nSecond paragraph tells of dogs that bark at night.\nEnd.";

#[test]
fn an_unchanged_page_anchors_exactly() {
    let (s, e) = at(PAGE, "sat on the mat");
    let a = one(PAGE, &saved("q", PAGE, s, e));
    assert_eq!(a.status, AnchorStatus::Exact);
    assert_eq!((a.start, a.end), (Some(s), Some(e)));
}

#[test]
fn a_repeated_passage_gets_the_copy_at_its_position() {
    let line = "A chorus line that repeats word for word here: all is well.\n";
    let page = format!("Start.\n{line}{line}{line}Stop.");
    let second = page.match_indices("all is well").nth(1).unwrap().0;
    let q = saved("q", &page, second, second + "all is well".len());
    let a = one(&page, &q);
    assert_eq!((a.status, a.start), (AnchorStatus::Exact, Some(second)));
    // The page changed before the copies, and the first two have the same context as far
    // as the selector reaches: never guessed.
    let changed = format!("New intro.\n{page}");
    let a = one(&changed, &q);
    assert_eq!((a.status, a.start), (AnchorStatus::Ambiguous, None));
    // Nor the last copy, whose context is its own: when saved, the page held the passage
    // three times, and only the position told them apart.
    let last = page.match_indices("all is well").nth(2).unwrap().0;
    let q = saved("q", &page, last, last + 11);
    assert!(q.selector.as_ref().unwrap().repeated);
    assert_eq!(one(&changed, &q).status, AnchorStatus::Ambiguous);
    // And when a copy goes, the one left is not taken for the quote either.
    let fewer = page.replacen(line, "", 1);
    assert_eq!(one(&fewer, &q).status, AnchorStatus::Ambiguous);
}

#[test]
fn a_passage_the_page_came_to_repeat_is_found_by_its_context() {
    let page = "Alpha says hello world today.\nBeta says goodbye.";
    let s = page.find("hello world").unwrap();
    let q = saved("q", page, s, s + 11);
    assert!(!q.selector.as_ref().unwrap().repeated);
    // The page gained a copy elsewhere, with other context: the quote's is the one whose
    // prefix and suffix are both still beside it.
    let changed = format!("Intro.\nGamma says hello world again.\n{page}");
    let a = one(&changed, &q);
    assert_eq!(a.status, AnchorStatus::Moved);
    assert_eq!(a.start, Some(changed.rfind("hello world").unwrap()));
    // Two copies with the whole context: ambiguous.
    let twice = format!("X.\n{page}\n{page}");
    assert_eq!(one(&twice, &q).status, AnchorStatus::Ambiguous);
}

#[test]
fn repeated_is_counted_on_collapsed_whitespace() {
    assert!(is_repeated("a b c\na  b c", "a b"));
    assert!(is_repeated("aaa", "aa"));
    assert!(!is_repeated("a b c", "a b"));
    assert!(!is_repeated("a b c", "  "));
    // A look-alike within the edit bound counts: once the quote goes, it would pass for it.
    let page =
        "Updated 7 Nov 2017, 7:42pm by the desk.\nFirst published 7 Nov 2017, 7:52pm by the desk.";
    assert!(is_repeated(page, "7 Nov 2017, 7:42pm"));
    assert!(!is_repeated(page, "Updated 7 Nov"));
}

#[test]
fn a_removed_passage_with_a_look_alike_is_not_found_at_the_look_alike() {
    let page = "Byline: by Ann Hervaud, Jeremy Piette.\nSome text.\nByline: by Ann Hervaud et Jeremy Piette.\nEnd.";
    let s = page.find("Ann Hervaud, Jeremy Piette").unwrap();
    let q = saved("q", page, s, s + "Ann Hervaud, Jeremy Piette".len());
    assert!(q.selector.as_ref().unwrap().repeated);
    let removed = page.replacen("Byline: by Ann Hervaud, Jeremy Piette.\n", "", 1);
    assert_ne!(one(&removed, &q).status, AnchorStatus::Approximate);
    assert!(one(&removed, &q).start.is_none());
}

#[test]
fn a_paragraph_inserted_before_moves_the_quote() {
    let (s, e) = at(PAGE, "sat on the mat");
    let q = saved("q", PAGE, s, e);
    let changed = PAGE.replace("Intro line.", "Intro line.\nA whole new paragraph here.");
    let a = one(&changed, &q);
    assert_eq!(a.status, AnchorStatus::Moved);
    assert_eq!(text_of(&changed, &a), "sat on the mat");
}

#[test]
fn whitespace_changes_still_match_exactly() {
    let (s, e) = at(PAGE, "sat on the mat");
    let q = saved("q", PAGE, s, e);
    let changed = PAGE.replace("sat on the mat", "sat  on\n the\tmat");
    let a = one(&changed, &q);
    assert!(a.status.is_found());
    assert_eq!(text_of(&changed, &a), "sat  on\n the\tmat");
    // A quote over a block break, read back where breaks became spaces.
    let (s, e) = at(PAGE, "door.\nSecond paragraph");
    let q = saved("q", PAGE, s, e);
    let flat = PAGE.replace('\n', " ");
    let a = one(&flat, &q);
    assert_eq!(a.status, AnchorStatus::Exact);
    assert_eq!(text_of(&flat, &a), "door. Second paragraph");
}

#[test]
fn an_edited_passage_is_found_approximately() {
    let quote = "Second paragraph tells of dogs that bark at night.";
    let (s, e) = at(PAGE, quote);
    let q = saved("q", PAGE, s, e);
    let changed = PAGE.replace("dogs that bark", "dogs which bark");
    let a = one(&changed, &q);
    assert_eq!(a.status, AnchorStatus::Approximate);
    assert_eq!(
        text_of(&changed, &a),
        "Second paragraph tells of dogs which bark at night."
    );
    // An edit at the quote's end: the match still ends where the saved suffix starts.
    let (s, e) = at(PAGE, "The cat sat on the mat and looked at the door.");
    let q = saved("q", PAGE, s, e);
    let changed = PAGE.replace("the door.", "the doors.");
    let a = one(&changed, &q);
    assert_eq!(a.status, AnchorStatus::Approximate);
    assert_eq!(
        text_of(&changed, &a),
        "The cat sat on the mat and looked at the doors."
    );
}

#[test]
fn a_removed_passage_is_an_orphan() {
    let quote = "Second paragraph tells of dogs that bark at night.";
    let (s, e) = at(PAGE, quote);
    let q = saved("q", PAGE, s, e);
    let changed = PAGE.replace(&format!("{quote}\n"), "");
    assert_eq!(one(&changed, &q).status, AnchorStatus::Orphan);
    // A look-alike elsewhere, without the quote's context, is not taken for it.
    let lookalike = changed.replace("End.", "Some dogs that bark at night tell of a paragraph.");
    assert_eq!(one(&lookalike, &q).status, AnchorStatus::Orphan);
}

#[test]
fn too_many_edits_make_an_orphan() {
    let quote = "Second paragraph tells of dogs that bark at night.";
    let (s, e) = at(PAGE, quote);
    let q = saved("q", PAGE, s, e);
    let changed = PAGE.replace(quote, "Another paragraph speaks of cats that mew at noon.");
    assert_eq!(one(&changed, &q).status, AnchorStatus::Orphan);
}

#[test]
fn two_equally_good_edited_places_are_ambiguous() {
    let page = "Start.\nThe quick brown fox jumps over it.\nMiddle.\nEnd.";
    let (s, e) = at(page, "The quick brown fox jumps over it.");
    let q = saved("q", page, s, e);
    let changed = "Start.\nThe quick brown fox leaps over it.\nMiddle.\nEnd.\nStart.\nThe quick brown fox leaps over it.\nMiddle.\nEnd.";
    assert_eq!(one(changed, &q).status, AnchorStatus::Ambiguous);
}

#[test]
fn offsets_count_utf16_units() {
    let page = "😀 émoji before.\nThe quote after them.";
    let s16 = page[..page.find("The").unwrap()].encode_utf16().count();
    let q = AnchorQuery {
        id: "q".into(),
        selector: Some(AnchorSelector {
            exact: "The quote".into(),
            prefix: "😀 émoji before.\n".into(),
            suffix: " after them.".into(),
            repeated: false,
        }),
        position: Some(s16),
        ..AnchorQuery::default()
    };
    let a = one(page, &q);
    assert_eq!(a.status, AnchorStatus::Exact);
    assert_eq!((a.start, a.end), (Some(s16), Some(s16 + 9)));
    // Moved by an astral character inserted before it.
    let changed = format!("😀{page}");
    let a = one(&changed, &q);
    assert_eq!((a.status, a.start), (AnchorStatus::Moved, Some(s16 + 2)));
}

#[test]
fn quotes_without_selector_or_text_are_handled() {
    let q = AnchorQuery {
        id: "t".into(),
        text: "sat on  the mat".into(),
        ..AnchorQuery::default()
    };
    let a = one(PAGE, &q);
    assert_eq!(a.status, AnchorStatus::Moved);
    assert_eq!(text_of(PAGE, &a), "sat on the mat");
    let empty = AnchorQuery {
        id: "e".into(),
        text: "  ".into(),
        ..AnchorQuery::default()
    };
    assert_eq!(one(PAGE, &empty).status, AnchorStatus::Orphan);
    assert_eq!(one("", &q).status, AnchorStatus::Orphan);
}

#[test]
fn a_position_past_the_end_is_not_a_panic() {
    let (s, e) = at(PAGE, "sat on the mat");
    let mut q = saved("q", PAGE, s, e);
    q.position = Some(10_000);
    assert_eq!(one(PAGE, &q).status, AnchorStatus::Moved);
}
