//! Commands for people who write and own runbooks: mark one reviewed, list
//! what falls due, start a new one.

pub mod due;
pub mod new;
pub mod review;
