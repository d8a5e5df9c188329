//! The regions of a blob a rule's regex runs on: around each of its keyword hits, as far as a
//! match containing the hit can reach, merged when they overlap.

use super::compile::MAX_REACH;
use std::ops::Range;

/// Merged windows around `hits` (sorted by start), `reach` bytes either way; with `line_wide`
/// also widened to whole lines (up to [`MAX_REACH`] further), so a value on the keyword's line is
/// never cut.
pub(crate) fn windows(
    hay: &[u8],
    hits: &[(usize, usize)],
    reach: usize,
    line_wide: bool,
) -> Vec<Range<usize>> {
    let mut merged: Vec<Range<usize>> = hits
        .iter()
        .map(|&(start, end)| start.saturating_sub(reach)..end.saturating_add(reach).min(hay.len()))
        .collect();
    merge_in_place(&mut merged);
    if line_wide {
        for window in &mut merged {
            *window = widen_to_lines(hay, window.clone());
        }
        merge_in_place(&mut merged);
    }
    merged
}

/// Merged windows for a rule whose matches contain a keyword hit and lie on one line (see
/// [`super::shape`]): each hit's line, with the line feeds around it (a match may begin or end
/// on one), cut to `reach` bytes either side of the hit.
pub(crate) fn line_windows(hay: &[u8], hits: &[(usize, usize)], reach: usize) -> Vec<Range<usize>> {
    let mut merged: Vec<Range<usize>> = hits
        .iter()
        .map(|&(start, end)| {
            let floor = start.saturating_sub(reach);
            let from = memchr::memrchr(b'\n', &hay[floor..start]).map_or(floor, |i| floor + i);
            let ceiling = end.saturating_add(reach).min(hay.len());
            let to = memchr::memchr(b'\n', &hay[end..ceiling]).map_or(ceiling, |i| end + i + 1);
            from..to
        })
        .collect();
    merge_in_place(&mut merged);
    merged
}

/// Moves the start back to its line's start and the end forward past its line's end, each by
/// at most [`MAX_REACH`] bytes.
fn widen_to_lines(hay: &[u8], window: Range<usize>) -> Range<usize> {
    let floor = window.start.saturating_sub(MAX_REACH);
    let start = hay[floor..window.start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(floor, |i| floor + i + 1);
    let ceiling = window.end.saturating_add(MAX_REACH).min(hay.len());
    let end = hay[window.end..ceiling]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(ceiling, |i| window.end + i + 1);
    start..end
}

fn merge_in_place(windows: &mut Vec<Range<usize>>) {
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for window in windows.drain(..) {
        match merged.last_mut() {
            Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
            _ => merged.push(window),
        }
    }
    *windows = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_reach_both_ways_and_merge() {
        let hay = [b'a'; 100];
        assert_eq!(windows(&hay, &[(10, 12)], 5, false), vec![5..17]);
        assert_eq!(windows(&hay, &[(2, 4), (15, 17)], 5, false), [0..9, 10..22]);
        assert_eq!(windows(&hay, &[(2, 4), (12, 14)], 5, false), vec![0..19]);
        assert_eq!(windows(&hay, &[(95, 98)], 5, false), vec![90..100]);
    }

    #[test]
    fn line_windows_hold_the_hit_lines_and_their_line_feeds() {
        let hay = b"first line\nthe key = value here\nlast line\n";
        let key = hay.windows(3).position(|w| w == b"key").unwrap();
        let window = line_windows(hay, &[(key, key + 3)], 100);
        assert_eq!(&hay[window[0].clone()], b"\nthe key = value here\n");
        let cut = line_windows(hay, &[(key, key + 3)], 2);
        assert_eq!(&hay[cut[0].clone()], b"e key =");
        assert_eq!(line_windows(b"key", &[(0, 3)], 100), vec![0..3]);
        let two = line_windows(hay, &[(0, 5), (key, key + 3)], 100);
        assert_eq!(two, vec![0..hay.len() - 10]);
    }

    #[test]
    fn line_wide_windows_cover_whole_lines() {
        let hay = b"first line\nthe key = value here\nlast line\n";
        let key = hay.windows(3).position(|w| w == b"key").unwrap();
        let window = windows(hay, &[(key, key + 3)], 2, true);
        assert_eq!(&hay[window[0].clone()], b"the key = value here\n");
    }
}
