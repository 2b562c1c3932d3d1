//! Rebasing one person's edit of a note onto text that changed meanwhile.
//!
//! The app saves a note as the whole text typed; Automerge's `update_text`
//! turns the difference from the document's text into splices. When a sync
//! merged a co-inspector's words into the note after the screen last read
//! it, that difference would delete their words. Instead the edit that
//! turned `base` (what the screen had) into `edited` is replayed onto
//! `current`: their insertions stay, the characters the inspector deleted
//! go, and the inspector's insertions land where they were typed.

use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};
use std::time::{Duration, Instant};

/// A diff of two 20,000-character notes is bounded in time. Past the
/// deadline the diff is coarser: nothing anyone typed is lost, but an edit
/// inside a long stretch both sides changed lands at that stretch's end.
const DIFF_TIME: Duration = Duration::from_millis(50);

fn diff(old: &[char], new: &[char]) -> Vec<DiffOp> {
    capture_diff_slices_deadline(Algorithm::Myers, old, new, Some(Instant::now() + DIFF_TIME))
}

/// One replacement of `base[start..end]` by `insert`.
struct Hunk {
    start: usize,
    end: usize,
    insert: Vec<char>,
}

fn hunks(base: &[char], edited: &[char]) -> Vec<Hunk> {
    diff(base, edited)
        .into_iter()
        .filter_map(|op| {
            let (old, new) = (op.old_range(), op.new_range());
            match op {
                DiffOp::Equal { .. } => None,
                _ => {
                    Some(Hunk { start: old.start, end: old.end, insert: edited.get(new).unwrap_or_default().to_vec() })
                }
            }
        })
        .collect()
}

/// `current` with the edit `base` → `edited` applied. Equal to `edited`
/// when nothing changed meanwhile, and to `current` when the edit is empty.
pub fn rebase(base: &str, edited: &str, current: &str) -> String {
    let (base, edited, current): (Vec<char>, Vec<char>, Vec<char>) =
        (base.chars().collect(), edited.chars().collect(), current.chars().collect());
    let ours = hunks(&base, &edited);
    // For each character of `current`, the base character it is, if any
    // (characters others inserted have none).
    let mut origin: Vec<Option<usize>> = vec![None; current.len()];
    for op in diff(&base, &current) {
        if let DiffOp::Equal { old_index, new_index, len } = op {
            for k in 0..len {
                if let Some(slot) = origin.get_mut(new_index + k) {
                    *slot = Some(old_index + k);
                }
            }
        }
    }
    let mut out = String::with_capacity(current.len() + edited.len());
    let mut next = ours.iter().peekable();
    // Base indices only grow along `current`, so one cursor finds the hunk
    // that may delete each character.
    let mut deleting = ours.iter().peekable();
    for (c, from) in current.iter().zip(&origin) {
        if let Some(i) = *from {
            // Our insertions before base character `i` go before it (and
            // after anything others inserted in front of it).
            while let Some(h) = next.next_if(|h| h.start <= i) {
                out.extend(&h.insert);
            }
            while deleting.next_if(|h| h.end <= i).is_some() {}
            if deleting.peek().is_some_and(|h| h.start <= i) {
                continue; // deleted by this edit
            }
        }
        out.push(*c);
    }
    for h in next {
        out.extend(&h.insert);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rebase;
    use proptest::prelude::*;

    #[test]
    fn an_edit_keeps_words_merged_in_meanwhile() {
        // The screen had "门头整洁"; the inspector appended "，灯箱损坏" while a
        // co-inspector's "消防通道畅通。" was merged in front.
        assert_eq!(
            rebase("门头整洁", "门头整洁，灯箱损坏", "消防通道畅通。门头整洁"),
            "消防通道畅通。门头整洁，灯箱损坏"
        );
        // A deletion removes only what the inspector saw.
        assert_eq!(rebase("abc def", "abc", "abcXY def"), "abcXY");
        // A replacement in the middle, with an insertion elsewhere.
        assert_eq!(rebase("one two three", "one 2 three", "zero one two three"), "zero one 2 three");
    }

    proptest! {
        #[test]
        fn with_nothing_merged_the_edit_is_the_result(base in "[a-c ]{0,12}", edited in "[a-c ]{0,12}") {
            prop_assert_eq!(rebase(&base, &edited, &base), edited);
        }

        #[test]
        fn an_empty_edit_keeps_what_was_merged(base in "[a-c ]{0,12}", current in "[a-c ]{0,12}") {
            prop_assert_eq!(rebase(&base, &base, &current), current);
        }

        /// Text a co-inspector put in front (in letters the edit never uses)
        /// stays in front, and the edit applies exactly to the rest.
        #[test]
        fn an_edit_applies_exactly_behind_text_put_in_front(
            base in "[a-c ]{0,12}", edited in "[a-c ]{0,12}", theirs in "[x-z]{1,5}"
        ) {
            prop_assert_eq!(rebase(&base, &edited, &format!("{theirs}{base}")), format!("{theirs}{edited}"));
        }
    }
}
