use super::ExtractOptions;
use crate::facts::FileFacts;

pub fn extract(_source: &str, _tsx: bool, _options: &ExtractOptions) -> FileFacts {
    FileFacts::default()
}
