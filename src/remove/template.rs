//! Django and Jinja templates: `{% flag "x" %}A{% else %}B{% endflag %}` (and `switch`, `sample`)
//! and `{% if <check> %}A{% else %}B{% endif %}` collapse to the branch kept.

use std::ops::Range;

use super::syntax::{line_end, line_start, Edit, Edits};

/// One `{% ... %}` tag: its range and its words.
struct Tag<'s> {
    range: Range<usize>,
    body: &'s str,
}

impl Tag<'_> {
    fn name(&self) -> &str {
        self.body.split_whitespace().next().unwrap_or("")
    }
}

/// The tag at or after `from`.
fn next_tag(source: &str, from: usize) -> Option<Tag<'_>> {
    let start = source[from..].find("{%").map(|i| from + i)?;
    let end = source[start..].find("%}").map(|i| start + i + 2)?;
    Some(Tag {
        range: start..end,
        body: source[start + 2..end - 2].trim().trim_matches('-').trim(),
    })
}

/// The tag around a byte offset.
fn tag_around(source: &str, at: usize) -> Option<Tag<'_>> {
    let start = source[..at].rfind("{%")?;
    let tag = next_tag(source, start)?;
    (tag.range.end > at).then_some(tag)
}

/// The edits that collapse each check's block; the offsets they could not handle, with why.
pub fn rewrite(source: &str, checks: &[Range<usize>], keep: bool) -> (Edits, Vec<(usize, String)>) {
    let mut edits = Edits::default();
    let mut manual = Vec::new();
    for check in checks {
        match collapse(source, check, keep) {
            Ok(edit) => {
                if !edits.push(edit) {
                    manual.push((check.start, "collapse this block by hand".to_string()));
                }
            }
            Err(why) => manual.push((check.start, why.to_string())),
        }
    }
    (edits, manual)
}

fn collapse(source: &str, check: &Range<usize>, keep: bool) -> Result<Edit, &'static str> {
    const BY_HAND: &str = "the check is not a whole block condition: replace it by hand";
    let open = tag_around(source, check.start).ok_or(BY_HAND)?;
    let name = open.name();
    let (end_name, negated) = match name {
        "flag" | "switch" | "sample" if !open.body.contains(" as ") => {
            (format!("end{name}"), false)
        }
        "if" => {
            // Only a condition that is the check itself, possibly negated.
            let condition = open.body["if".len()..].trim();
            let spelled = source[check.clone()].trim();
            let negated = match condition.strip_prefix("not ") {
                Some(rest) if rest.trim() == spelled => true,
                _ if condition == spelled => false,
                _ => return Err(BY_HAND),
            };
            ("endif".to_string(), negated)
        }
        _ => return Err(BY_HAND),
    };
    // The matching end tag and the `else` at the same depth.
    let mut depth = 0;
    let mut else_tag: Option<Range<usize>> = None;
    let mut at = open.range.end;
    let close = loop {
        let tag = next_tag(source, at).ok_or("no end tag for this block")?;
        at = tag.range.end;
        let tag_name = tag.name();
        if tag_name == name {
            depth += 1;
        } else if tag_name == end_name {
            if depth == 0 {
                break tag.range;
            }
            depth -= 1;
        } else if depth == 0 && tag_name == "else" {
            else_tag = Some(tag.range);
        } else if depth == 0 && tag_name == "elif" {
            return Err("an `elif` follows: collapse this block by hand");
        }
    };
    let on = keep != negated;
    let kept = match (on, &else_tag) {
        (true, Some(e)) => open.range.end..e.start,
        (true, None) => open.range.end..close.start,
        (false, Some(e)) => e.end..close.start,
        (false, None) => close.start..close.start,
    };
    // Tags alone on their lines: their lines go; the kept lines stay as they are (markup
    // indentation is not syntax, and a smaller diff is easier to review).
    let alone = |r: &Range<usize>| {
        source[line_start(source, r.start)..r.start]
            .trim()
            .is_empty()
            && source[r.end..line_end(source, r.end)].trim().is_empty()
    };
    let tags_alone = alone(&open.range) && alone(&close) && else_tag.as_ref().is_none_or(alone);
    if tags_alone && !kept.is_empty() {
        let body_start = line_end(source, kept.start);
        let body_end = line_start(source, kept.end);
        let body = if body_start < body_end {
            &source[body_start..body_end]
        } else {
            ""
        };
        return Ok(Edit::new(
            line_start(source, open.range.start)..line_end(source, close.end),
            body,
        ));
    }
    if tags_alone && kept.is_empty() {
        return Ok(Edit::delete(
            line_start(source, open.range.start)..line_end(source, close.end),
        ));
    }
    Ok(Edit::new(open.range.start..close.end, &source[kept]))
}

/// `{% load waffle_tags %}` once no waffle tag is left: the line goes.
pub fn drop_unused_loads(source: &str) -> String {
    const TAGS: [&str; 3] = ["flag", "switch", "sample"];
    let mut at = 0;
    let mut load = None;
    while let Some(tag) = next_tag(source, at) {
        at = tag.range.end;
        let mut words = tag.body.split_whitespace();
        match words.next() {
            Some("load") if tag.body.split_whitespace().skip(1).eq(["waffle_tags"]) => {
                load = Some(tag.range);
            }
            Some(name) if TAGS.contains(&name) => return source.to_string(),
            _ => {}
        }
    }
    let Some(range) = load else {
        return source.to_string();
    };
    let start = line_start(source, range.start);
    let end = line_end(source, range.end);
    let whole =
        source[start..range.start].trim().is_empty() && source[range.end..end].trim().is_empty();
    let range = if whole { start..end } else { range };
    format!("{}{}", &source[..range.start], &source[range.end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str, key: &str, keep: bool) -> String {
        let start = source.find(key).expect("the key is in the template");
        let (edits, manual) = rewrite(
            source,
            std::slice::from_ref(&(start..start + key.len())),
            keep,
        );
        assert!(manual.is_empty(), "{manual:?}");
        edits.apply(source)
    }

    #[test]
    fn flag_blocks_collapse_to_the_kept_branch() {
        let source = "<p>{% flag \"new_nav\" %}<New/>{% else %}<Old/>{% endflag %}</p>";
        assert_eq!(run(source, "\"new_nav\"", true), "<p><New/></p>");
        assert_eq!(run(source, "\"new_nav\"", false), "<p><Old/></p>");
        let nested = "{% flag 'a' %}{% flag 'b' %}x{% endflag %}{% else %}y{% endflag %}";
        assert_eq!(run(nested, "'a'", true), "{% flag 'b' %}x{% endflag %}");
    }

    #[test]
    fn blocks_on_their_own_lines_leave_their_lines() {
        let source = "<main>\n  {% flag 'x' %}\n    <New/>\n  {% else %}\n    <Old/>\n  {% endflag %}\n</main>\n";
        assert_eq!(run(source, "'x'", true), "<main>\n    <New/>\n</main>\n");
        assert_eq!(run(source, "'x'", false), "<main>\n    <Old/>\n</main>\n");
        let only = "a\n{% switch 'x' %}\n  b\n{% endswitch %}\nc\n";
        assert_eq!(run(only, "'x'", false), "a\nc\n");
    }

    #[test]
    fn the_waffle_load_goes_with_the_last_tag() {
        assert_eq!(
            drop_unused_loads("{% load waffle_tags %}\n<p>x</p>\n"),
            "<p>x</p>\n"
        );
        let used = "{% load waffle_tags %}\n{% switch 'y' %}z{% endswitch %}\n";
        assert_eq!(drop_unused_loads(used), used);
    }

    #[test]
    fn if_blocks_on_the_check_alone_collapse() {
        let source = "{% if not FEATURE_FLAGS.new_nav %}old{% else %}new{% endif %}";
        assert_eq!(run(source, "FEATURE_FLAGS.new_nav", true), "new");
        let compound = "{% if user.is_staff and FEATURE_FLAGS.x %}a{% endif %}";
        let start = compound.find("FEATURE").expect("present");
        let (_, manual) = rewrite(compound, std::slice::from_ref(&(start..start + 15)), true);
        assert_eq!(manual.len(), 1);
    }
}
