//! Turning an operator's spreadsheet of affected customers into a dataset of digests.

pub mod columns;
pub mod job;
pub mod report;
pub mod row;
pub mod source;
