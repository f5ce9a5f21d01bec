//! `parse-error`: a file the parser could not fully understand.

use super::{RuleContext, RuleDoc};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a file could not be fully parsed",
    what_it_does: "Reports a source file that holds a syntax error. The parser recovers where it can \
and the facts it recovered are still used; flags in the broken region may be missed. A file nested \
too deeply to parse safely, or whose parse takes more than its budget (CPU time proportional to \
its size, far above what valid code needs), is not read at all and reported here.",
    why_is_this_bad: "Checks and definitions inside the unparsed region are invisible to flaglint, \
so undefined and unused flags there can go unreported.",
    example: "def view(request):\n    if get_flag_for_user(request.user, FLAG)  # missing colon: parse-error",
    how_to_fix: "Fix the syntax error. If the file uses syntax newer than flaglint's grammars, or is \
generated, exclude it with `exclude = [...]` in the configuration.",
};

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
