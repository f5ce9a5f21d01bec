//! Containing a panic to the work that raised it.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static CONTAINING_PANICS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work`, turning a panic into an error message instead of unwinding further. The default
/// panic message is not printed for contained panics: they become `internal-error` findings.
pub fn contain_panics<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINING_PANICS.with(Cell::get) {
                previous(info);
            }
        }));
    });
    CONTAINING_PANICS.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    CONTAINING_PANICS.with(|c| c.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_contained_with_their_message() {
        let result: Result<(), String> = contain_panics(|| panic!("boom in file"));
        assert_eq!(result.unwrap_err(), "boom in file");
        assert_eq!(contain_panics(|| 7), Ok(7));
    }
}
