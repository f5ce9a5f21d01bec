//! One lifecycle vocabulary for the words registries use for a flag's stage (`unstable`,
//! `stable`, `removed`): `active` (in use, expected to be checked), `retained` (its feature is
//! on for good; the definition stays so that old configuration still parses) and `retired` (its
//! feature is gone; the definition stays to explain that).

/// The lifecycle state of a registry's stage word, if the word is known.
pub fn state_of(word: &str) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    Some(match word.as_str() {
        "unstable" | "experimental" | "nightly" | "preview" | "beta" | "alpha" | "incomplete"
        | "active" | "deprecated" => "active",
        "stable" | "stabilized" | "accepted" | "ga" | "released" | "retained" => "retained",
        "removed" | "retired" | "obsolete" | "withdrawn" => "retired",
        _ => return None,
    })
}

/// Whether a definition in this state is kept on purpose (never reported unused).
pub fn is_kept(state: &str) -> bool {
    matches!(state, "retained" | "retired")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_words_map_to_one_vocabulary() {
        assert_eq!(state_of("unstable"), Some("active"));
        assert_eq!(state_of("Stable"), Some("retained"));
        assert_eq!(state_of("removed"), Some("retired"));
        assert_eq!(state_of("edition"), None);
        assert!(is_kept("retired") && is_kept("retained") && !is_kept("active"));
    }
}
