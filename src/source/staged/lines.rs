//! The lines a staged file adds: every line (a new file, or a change git cannot diff line by
//! line, such as a binary file), or some ranges of lines of the new content.

use std::ops::Range;

/// Which lines of a staged file's new content the commit adds or changes. Line numbers are
/// 1-based, like a finding's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedLines {
    /// Every line: the file is new, or its change cannot be told line by line.
    All,
    /// These half-open ranges of line numbers, sorted and disjoint (empty: no line is added,
    /// as in a pure rename or a mode change).
    Ranges(Vec<Range<usize>>),
}

impl AddedLines {
    /// No added line at all.
    pub fn none() -> AddedLines {
        AddedLines::Ranges(Vec::new())
    }

    /// The lines of diff hunks, each given as (first new line, number of new lines); a hunk
    /// that only deletes has no new lines and adds nothing.
    pub fn from_hunks(hunks: impl IntoIterator<Item = (usize, usize)>) -> AddedLines {
        let mut ranges: Vec<Range<usize>> = hunks
            .into_iter()
            .filter(|&(_, count)| count > 0)
            .map(|(start, count)| start..start + count)
            .collect();
        ranges.sort_by_key(|range| range.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        AddedLines::Ranges(merged)
    }

    /// Whether no line is added.
    pub fn is_empty(&self) -> bool {
        matches!(self, AddedLines::Ranges(ranges) if ranges.is_empty())
    }

    /// Whether any line from `first` to `last` (inclusive) is added: a secret spanning several
    /// lines (a PEM key) counts as added when any of its lines is.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        match self {
            AddedLines::All => true,
            AddedLines::Ranges(ranges) => {
                // The first range ending after `first` is the only candidate.
                let at = ranges.partition_point(|range| range.end <= first);
                ranges.get(at).is_some_and(|range| range.start <= last)
            }
        }
    }

    /// The lines added relative to two parents at once (a merge): only lines that both diffs
    /// call added.
    pub fn intersect(&self, other: &AddedLines) -> AddedLines {
        match (self, other) {
            (AddedLines::All, any) | (any, AddedLines::All) => any.clone(),
            (AddedLines::Ranges(a), AddedLines::Ranges(b)) => {
                let mut out = Vec::new();
                let (mut i, mut j) = (0, 0);
                while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
                    let start = x.start.max(y.start);
                    let end = x.end.min(y.end);
                    if start < end {
                        out.push(start..end);
                    }
                    if x.end <= y.end {
                        i += 1;
                    } else {
                        j += 1;
                    }
                }
                AddedLines::Ranges(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_become_sorted_merged_ranges_without_pure_deletions() {
        let lines = AddedLines::from_hunks([(10, 2), (3, 1), (4, 0), (4, 3), (20, 0)]);
        assert_eq!(lines, AddedLines::Ranges(vec![3..7, 10..12]));
        assert!(AddedLines::from_hunks([(5, 0)]).is_empty());
        assert!(!AddedLines::All.is_empty());
    }

    #[test]
    fn touches_checks_every_line_of_a_span() {
        let lines = AddedLines::from_hunks([(3, 2), (10, 1)]);
        let touched: Vec<usize> = (1..=12).filter(|&l| lines.touches(l, l)).collect();
        assert_eq!(touched, [3, 4, 10]);
        assert!(lines.touches(1, 3), "a span ending on an added line");
        assert!(lines.touches(5, 10), "a span reaching the next range");
        assert!(!lines.touches(5, 9));
        assert!(!AddedLines::none().touches(1, 100));
        assert!(AddedLines::All.touches(7, 7));
    }

    #[test]
    fn intersect_keeps_lines_added_relative_to_both_parents() {
        let a = AddedLines::from_hunks([(1, 5), (10, 5)]);
        let b = AddedLines::from_hunks([(3, 9), (14, 2)]);
        assert_eq!(
            a.intersect(&b),
            AddedLines::Ranges(vec![3..6, 10..12, 14..15])
        );
        assert_eq!(b.intersect(&a), a.intersect(&b));
        assert_eq!(AddedLines::All.intersect(&b), b);
        assert_eq!(a.intersect(&AddedLines::All), a);
        assert!(a.intersect(&AddedLines::none()).is_empty());
    }
}
