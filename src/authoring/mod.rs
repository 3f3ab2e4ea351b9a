//! Commands for people who write and own runbooks: mark one reviewed, list
//! what falls due, start a new one.

pub mod due;
pub mod init;
pub mod new;
pub mod review;
