//! `runbook new "Title" --owner NAME`: a runbook that starts out with the
//! fields and sections the linter asks for, so writing it is filling in.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::document::slug::slugify;

pub fn create(dir: &Path, title: &str, owner: &str, today: Date) -> Result<PathBuf, String> {
    let stem = slugify(title);
    if stem.is_empty() {
        return Err(format!(
            "`{title}` gives no file name; use letters or digits"
        ));
    }
    let path = dir.join(format!("{stem}.md"));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = template(title, owner, today);
    // `create_new` refuses to overwrite, even if the file appears meanwhile.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The text of a new runbook: front matter and the sections the linter asks for.
pub fn template(title: &str, owner: &str, today: Date) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        r#"---
title: {title_yaml}
owner: {owner_yaml}
last_reviewed: {today}
status: draft
tags: []
---

# {title}

## Overview

What this procedure does, when to use it, and what it touches.

## Prerequisites

- Access you need before starting.

## Procedure

1. First step.

   ```bash
   echo "replace with the first command"
   ```

## Verification

How to tell that it worked.

## Rollback

How to undo every step above.
"#,
        title_yaml = quoted(title),
        owner_yaml = quoted(owner),
    )
}
