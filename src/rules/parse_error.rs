//! `parse-error`: a file the parser could not fully understand.

use super::RuleContext;

pub(super) fn check(ctx: &mut RuleContext) {
    let index = ctx.index;
    for file in &index.files {
        let Some(first) = file.facts.syntax_errors.first() else {
            continue;
        };
        let count = file.facts.syntax_errors.len();
        let more = match count {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let message = format!("file could not be fully parsed: {}{more}", first.message);
        let help = if first.whole_file {
                        "nothing in this file was checked; fix it, or exclude it if it is generated"
                    } else {
                        "fix the syntax error; flags in the unparsed region are not seen, the rest of the file was checked"
                    }
                    .to_string();
        ctx.report(file.rel.clone(), first.span, message)
            .help(help)
            .label(first.message.clone());
    }
}
