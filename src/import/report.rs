//! The import report: what was read, what was accepted, what was merged and every row that
//! was refused, with its line number and reason. It holds no identifier, so it is stored
//! with the dataset and shown to admins as it is.

use super::TextEncoding;
use super::columns::Column;
use crate::identifier::{ContractRejection, DomainRejection, PhoneRejection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a row was refused. Never carries the identifier itself, so a report can be shown
/// and stored; only a category name from the file is echoed (it is not personal data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum RowReason {
    Contract {
        problem: ContractRejection,
    },
    Domain {
        problem: DomainRejection,
    },
    Email {
        problem: DomainRejection,
    },
    Phone {
        problem: PhoneRejection,
    },
    /// The file has a phone column, so every contract number needs its phone.
    PhoneMissing,
    /// A phone verifies a contract number; on its own it identifies nothing.
    PhoneWithoutContract,
    NoIdentifier,
    /// `name` is withheld when it looks like personal data (see `looks_like_data`).
    UnknownCategory {
        name: Option<String>,
    },
}

impl RowReason {
    /// The column the problem is in.
    pub fn column(&self) -> Option<Column> {
        match self {
            RowReason::Contract { .. } => Some(Column::ContractNumber),
            RowReason::Domain { .. } => Some(Column::Domain),
            RowReason::Email { .. } => Some(Column::Email),
            RowReason::Phone { .. } | RowReason::PhoneMissing => Some(Column::Phone),
            RowReason::PhoneWithoutContract => Some(Column::ContractNumber),
            RowReason::NoIdentifier => None,
            RowReason::UnknownCategory { .. } => Some(Column::Categories),
        }
    }
}

/// Rejected rows listed one by one; beyond this only the count grows.
pub const MAX_LISTED: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    pub reasons: Vec<RowReason>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub encoding: Option<TextEncoding>,
    pub tab_separated: bool,
    /// Data rows, blank ones included (not the header).
    pub rows_read: u64,
    pub blank_rows: u64,
    pub accepted_rows: u64,
    pub rejected_rows: u64,
    pub rejected: Vec<RejectedRow>,
    pub columns: Vec<Column>,
    pub ignored_columns: Vec<String>,
    pub has_phone: bool,
    /// Distinct identifiers per kind (`contract`, `domain`, `contract+phone`) once
    /// duplicates are merged.
    pub identifiers: BTreeMap<String, u64>,
    /// Identifiers that appeared more than once, merged into one (their categories too).
    pub duplicates_merged: u64,
}

impl ImportReport {
    pub fn reject(&mut self, line: u64, reasons: Vec<RowReason>) {
        self.rejected_rows += 1;
        if self.rejected.len() < MAX_LISTED {
            self.rejected.push(RejectedRow { line, reasons });
        }
    }

    /// The rejected rows as CSV: line, column, reason (in the words `column` and
    /// `describe` give). Cells a spreadsheet would run as a formula are defused.
    pub fn rejected_csv(
        &self,
        header: [&str; 3],
        column: impl Fn(Column) -> String,
        describe: impl Fn(&RowReason) -> String,
    ) -> String {
        let mut out = String::new();
        let mut push_row = |cells: [&str; 3]| {
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        };
        push_row(header);
        for row in &self.rejected {
            for reason in &row.reasons {
                let column = reason.column().map(&column).unwrap_or_default();
                push_row([&row.line.to_string(), &column, &describe(reason)]);
            }
        }
        out
    }
}

/// One CSV cell, quoted, with a leading `'` where a spreadsheet would otherwise start a
/// formula (`=`, `+`, `-`, `@`, tab, carriage return).
pub fn csv_cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for start in ["+1", "-1", "@SUM", "\tx", "\rx"] {
            assert!(csv_cell(start).starts_with("\"'"), "{start:?}");
        }
        assert_eq!(csv_cell("plain"), "\"plain\"");
    }

    #[test]
    fn the_csv_lists_each_reason_with_its_line() {
        let mut report = ImportReport::default();
        report.reject(3, vec![RowReason::NoIdentifier]);
        report.reject(
            7,
            vec![RowReason::UnknownCategory {
                name: Some("=cmd".to_owned()),
            }],
        );
        let key = |c: Column| c.key().to_owned();
        let csv = report.rejected_csv(["line", "column", "reason"], key, |r| match r {
            RowReason::UnknownCategory { name } => {
                format!("unknown category {}", name.as_deref().unwrap_or("?"))
            }
            _ => "no identifier".to_owned(),
        });
        assert_eq!(
            csv,
            "\"line\",\"column\",\"reason\"\r\n\"3\",\"\",\"no identifier\"\r\n\
             \"7\",\"categories\",\"unknown category =cmd\"\r\n"
        );
        let mut defused = ImportReport::default();
        defused.reject(2, vec![RowReason::NoIdentifier]);
        let csv = defused.rejected_csv(["l", "c", "r"], key, |_| "=1+1".to_owned());
        assert!(csv.contains("\"'=1+1\""), "{csv}");
    }
}
