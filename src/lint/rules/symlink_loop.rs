//! Symlink that loops back into its own ancestors (`symlink-loop`)
//!
//! ## What it checks
//! Symlinks are followed, except one that points at a folder above itself.
//!
//! ## Why it matters
//! Following it would walk forever; not mentioning it would hide that part
//! of the tree from the gate.
//!
//! ## Example
//! ```text
//! content/db/again -> ..
//! ```
//!
//! ## Fix
//! Remove the link, or point it outside its own ancestors.

crate::rule!("symlink-loop", Warning, None);
