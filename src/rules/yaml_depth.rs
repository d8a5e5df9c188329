//! A bound on how deeply a rules or config document nests, checked before the YAML parser runs:
//! the parser's time grows with the square of the nesting (64,000 nested `[` took 8 s), and no
//! tokhyg document nests more than five levels (`rules` > rule > `token` > its fields).

/// Deepest nesting accepted: far above any real document, far below a slow parse.
pub const MAX_DEPTH: usize = 64;

/// Refuses `text` when it nests deeper than [`MAX_DEPTH`], saying where. The depth is estimated
/// without parsing, from above: the indentation levels open at a line, the `- ` items that start
/// it, and the flow brackets (`[`, `{`) open outside quotes and comments.
pub fn check_depth(text: &str) -> anyhow::Result<()> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (index, line) in text.lines().enumerate() {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        if flow == 0 {
            while indents.last().is_some_and(|&open| open >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let items = leading_items(content);
        flow = flow_depth_after(content, flow, |depth| {
            depth + indents.len() + items > MAX_DEPTH
        })
        .ok_or_else(|| too_deep(index + 1))?;
        if indents.len() + items > MAX_DEPTH {
            return Err(too_deep(index + 1));
        }
    }
    Ok(())
}

fn too_deep(line: usize) -> anyhow::Error {
    anyhow::anyhow!(
        "line {line}: the document nests more than {MAX_DEPTH} levels deep; a tokhyg rules or \
         config file needs about five (`rules:`, a rule, `token:`, its fields)"
    )
}

/// Number of `- ` sequence items that open `content` (`- - - x` is three levels).
fn leading_items(content: &str) -> usize {
    let mut rest = content;
    let mut items = 0;
    while let Some(after) = rest.strip_prefix('-') {
        if !(after.is_empty() || after.starts_with([' ', '\t'])) {
            break;
        }
        items += 1;
        rest = after.trim_start_matches([' ', '\t']);
    }
    items
}

/// The flow depth after `content`, starting at `depth`; `None` as soon as `too_deep(depth)`.
/// Brackets inside quotes and after a comment's `#` do not count.
fn flow_depth_after(
    content: &str,
    mut depth: usize,
    too_deep: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in content.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') if previous == ' ' || previous == '\t' => break,
            (None, '[' | '{') => {
                depth += 1;
                if too_deep(depth) {
                    return None;
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    Some(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_documents_pass() {
        let text = "rules:\n  - id: a\n    title: 'A [x] {y}'\n    token: {prefix: ab_, alphabet: hex, length: 8}\n    keywords: [abc, \"d]\"]  # [[[ not counted\n    examples:\n      - |\n        key: {{{ ]]]\n";
        check_depth(text).unwrap();
        check_depth("").unwrap();
    }

    #[test]
    fn deep_flow_block_and_item_nesting_are_refused_with_the_line() {
        let flow = format!("rules: {}{}\n", "[".repeat(65), "]".repeat(65));
        let mut block = "rules:\n".to_owned();
        for level in 1..=70 {
            block.push_str(&format!("{}a{level}:\n", " ".repeat(level)));
        }
        let items = format!("rules:\n  {}x\n", "- ".repeat(70));
        for (text, line) in [(flow, 1), (block, 65), (items, 2)] {
            let error = check_depth(&text).unwrap_err().to_string();
            assert!(error.starts_with(&format!("line {line}: ")), "{error}");
            assert!(error.contains("more than 64 levels"), "{error}");
        }
        let shallow = format!("rules: {}{}\n", "[".repeat(60), "]".repeat(60));
        check_depth(&shallow).unwrap();
    }
}
