//! Results of past checks, so a CI run within the TTL asks nothing of the
//! network. One JSON file, keyed by URL (without fragment), replaced
//! atomically so an interrupted or parallel run never leaves half a file.
//! Only outcomes are stored: never a request header.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::check::Outcome;

const FILE: &str = "external-links.json";
/// Bumped when the record layout changes; older files are ignored.
const VERSION: u32 = 2;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// When the URL was checked, in seconds since the Unix epoch.
    pub checked: u64,
    pub outcome: Outcome,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    version: u32,
    entries: BTreeMap<String, Entry>,
}

pub struct Cache {
    path: PathBuf,
    entries: BTreeMap<String, Entry>,
}

impl Cache {
    /// Reads the cache in `dir`; a missing, unreadable or foreign file is an
    /// empty cache, since the only cost is checking again.
    pub fn load(dir: &Path) -> Cache {
        let path = dir.join(FILE);
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<File>(&bytes).ok())
            .filter(|f| f.version == VERSION)
            .map(|f| f.entries)
            .unwrap_or_default();
        Cache { path, entries }
    }

    /// The stored outcome, if it is younger than its TTL.
    pub fn get(&self, url: &str, ttl: impl Fn(&Outcome) -> Duration) -> Option<&Outcome> {
        let entry = self.entries.get(url)?;
        let age = now().saturating_sub(entry.checked);
        (age < ttl(&entry.outcome).as_secs()).then_some(&entry.outcome)
    }

    pub fn insert(&mut self, url: String, outcome: Outcome) {
        let checked = now();
        self.entries.insert(url, Entry { checked, outcome });
    }

    /// Writes the cache, dropping entries past `max_age`.
    pub fn save(mut self, max_age: Duration) -> std::io::Result<()> {
        let now = now();
        self.entries
            .retain(|_, e| now.saturating_sub(e.checked) < max_age.as_secs());
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let file = File {
            version: VERSION,
            entries: self.entries,
        };
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer(&mut temp, &file)?;
        temp.flush()?;
        temp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::external::check::{self, Status};

    fn ok() -> Outcome {
        Outcome {
            status: Status::Alive { code: 200 },
            redirects: Vec::new(),
            page: check::Page::Unread,
            with_headers: false,
        }
    }

    #[test]
    fn round_trip_and_ttl() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::load(dir.path());
        cache.insert("https://a.example/".into(), ok());
        cache.save(Duration::from_secs(60)).unwrap();
        let cache = Cache::load(dir.path());
        assert!(
            cache
                .get("https://a.example/", |_| Duration::from_secs(60))
                .is_some()
        );
        assert!(
            cache
                .get("https://a.example/", |_| Duration::ZERO)
                .is_none()
        );
        assert!(cache.get("https://b.example/", |_| Duration::MAX).is_none());
    }

    #[test]
    fn garbage_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        let cache = Cache::load(dir.path());
        assert!(cache.get("https://a.example/", |_| Duration::MAX).is_none());
    }
}
