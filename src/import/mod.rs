//! Turning an operator's spreadsheet of affected customers into a dataset of digests.
//!
//! The report and its reasons compile to wasm too, so the staff pages translate them in
//! the browser's chosen language; reading and hashing files is server-only.

pub mod columns;
#[cfg(feature = "server")]
pub mod job;
pub mod report;
#[cfg(feature = "server")]
pub mod row;
#[cfg(feature = "server")]
pub mod source;
#[cfg(feature = "server")]
mod staging;

crate::codes! {
    /// Where an import job stands, spelt as `import_jobs.status` holds it.
    JobStatus {
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
}

/// The text encoding an uploaded list was found to be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    /// WHATWG's Shift_JIS, which is Microsoft's CP932 (what Excel writes in Japan).
    ShiftJis,
}
