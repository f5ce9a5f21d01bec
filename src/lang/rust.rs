use super::ExtractOptions;
use crate::facts::FileFacts;

pub fn extract(_source: &str, _options: &ExtractOptions) -> FileFacts {
    FileFacts::default()
}
