//! A folder held in memory, for tests of the planner and of backends.

use std::collections::{BTreeMap, BTreeSet};

use super::name::is_safe_relative;
use super::{Entry, Expect, Folder, Write, hash};

/// Files by relative path, plus paths that are symbolic links (to a file or a folder).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryFolder {
    pub files: BTreeMap<String, Vec<u8>>,
    pub links: BTreeSet<String>,
}

impl MemoryFolder {
    /// Carries out writes as a careful backend does: refusing paths that are not safe
    /// relative paths or go through a link, and leaving alone a file that changed since
    /// the plan was made. Returns the paths left alone.
    pub fn apply(&mut self, writes: &[Write]) -> Result<Vec<String>, String> {
        let mut left = Vec::new();
        for write in writes {
            if !is_safe_relative(&write.path) {
                return Err(format!(
                    "refused to write outside the folder: {:?}",
                    write.path
                ));
            }
            if self.through_link(&write.path) {
                return Err(format!("refused to write through a link: {:?}", write.path));
            }
            let ok = match (&write.expect, self.files.get(&write.path)) {
                (Expect::Absent, None) => true,
                (Expect::Hash(h), Some(bytes)) => hash::hash(bytes) == *h,
                _ => false,
            };
            if ok {
                self.files.insert(write.path.clone(), write.bytes.clone());
            } else {
                left.push(write.path.clone());
            }
        }
        Ok(left)
    }

    fn through_link(&self, path: &str) -> bool {
        let mut prefix = String::new();
        for component in path.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(component);
            if self.links.contains(&prefix) {
                return true;
            }
        }
        false
    }

    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.files.keys().any(|k| k.starts_with(&prefix))
    }
}

impl Folder for MemoryFolder {
    fn read(&self, path: &str) -> Entry {
        if self.through_link(path) {
            return Entry::Symlink;
        }
        match self.files.get(path) {
            Some(bytes) => Entry::File(bytes.clone()),
            None if self.is_dir(path) => Entry::NotAFile,
            None => Entry::Missing,
        }
    }

    fn names(&self, dir: &str) -> Vec<String> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names: BTreeSet<String> = BTreeSet::new();
        for path in self.files.keys().chain(self.links.iter()) {
            if let Some(rest) = path.strip_prefix(&prefix) {
                names.insert(rest.split('/').next().unwrap_or(rest).to_owned());
            }
        }
        names.into_iter().collect()
    }
}
