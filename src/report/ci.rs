//! Placeholder until the CI formats land.
use crate::Scan;

pub fn sarif(_scan: &Scan, _fingerprints: &[String]) -> String {
    String::new()
}
pub fn github(_scan: &Scan) -> String {
    String::new()
}
pub fn gitlab(_scan: &Scan, _fingerprints: &[String]) -> String {
    String::new()
}
pub fn junit(_scan: &Scan) -> String {
    String::new()
}
