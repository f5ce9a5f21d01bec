//! The files diagnostics point into, read back once each as the scan read them.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::facts::line_starts;

/// A file's text as reports read it back (lossily decoded, as the scan read it), with its lines.
pub struct SourceText {
    text: String,
    line_starts: Vec<u32>,
}

impl SourceText {
    pub fn new(text: String) -> Self {
        let line_starts = line_starts(&text);
        SourceText { text, line_starts }
    }

    fn read(path: &Path) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        Some(SourceText::new(
            String::from_utf8_lossy(&bytes).into_owned(),
        ))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 0-based line holding a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1)
    }

    /// The byte range of a 0-based line, without its `\n` (empty past the end).
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len()..self.text.len();
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        start as usize..end
    }

    /// The text of a 1-based line, without its `\n`.
    pub fn line(&self, line: u32) -> &str {
        &self.text[self.line_range((line as usize).saturating_sub(1))]
    }
}

/// The files diagnostics point into, each read once, by path relative to the scanned root.
pub struct Sources<'a> {
    root: &'a Path,
    files: HashMap<&'a str, Option<SourceText>>,
}

impl<'a> Sources<'a> {
    pub fn new(root: &'a Path) -> Self {
        Sources {
            root,
            files: HashMap::new(),
        }
    }

    /// The text of a file (`None` when it cannot be read any more).
    pub fn get(&mut self, path: &'a str) -> Option<&SourceText> {
        let root = self.root;
        self.files
            .entry(path)
            .or_insert_with(|| SourceText::read(&root.join(path)))
            .as_ref()
    }
}
