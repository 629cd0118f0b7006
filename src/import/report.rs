//! The import report: what was read, what was accepted, what was merged and every row that
//! was refused, with its line number and reason. It holds no identifier, so it is stored
//! with the dataset and shown to admins as it is.

use super::TextEncoding;
use super::columns::Column;
use crate::identifier::{ContractRejection, DomainRejection, Kind, PhoneRejection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a row was refused. Never carries anything the row held (a cell in the wrong column
/// may be a person's name or number), only which column and what kind of problem, so a
/// report can be stored and shown as it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// No longer produced: lists once refused a contract number without its phone. Kept
    /// so that reports stored then still read.
    PhoneMissing,
    /// A phone verifies a contract number; on its own it identifies nothing.
    PhoneWithoutContract,
    NoIdentifier,
    /// The categories cell names something that is not one of the incident's categories.
    /// (Reports stored before this held the name; it is dropped when they are read.)
    UnknownCategory {},
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
    /// Accepted rows with a contract number but no phone, in a list that has a phone
    /// column: the helpdesk and the domain check find them, the public check cannot
    /// confirm them (it asks for the phone) and sends them to the helpdesk.
    #[serde(default)]
    pub accepted_without_phone: u64,
    /// How many rejected rows gave each reason, commonest first (a row may give several).
    #[serde(default)]
    pub reasons: Vec<ReasonCount>,
    /// Distinct identifiers per kind once duplicates are merged (stored under each kind's
    /// spelling: `contract`, `domain`, `contract+phone`).
    pub identifiers: BTreeMap<Kind, u64>,
    /// Identifiers that appeared more than once, merged into one (their categories too).
    pub duplicates_merged: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: RowReason,
    pub rows: u64,
}

impl ImportReport {
    pub fn reject(&mut self, line: u64, reasons: Vec<RowReason>) {
        self.rejected_rows += 1;
        for reason in &reasons {
            match self.reasons.iter_mut().find(|c| c.reason == *reason) {
                Some(count) => count.rows += 1,
                None => self.reasons.push(ReasonCount {
                    reason: reason.clone(),
                    rows: 1,
                }),
            }
        }
        // Commonest first; equal counts in a fixed order.
        self.reasons
            .sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.reason.cmp(&b.reason)));
        if self.rejected.len() < MAX_LISTED {
            self.rejected.push(RejectedRow { line, reasons });
        }
    }

    /// The rejected rows' share of the rows read (blank ones aside), in per cent.
    pub fn rejected_percent(&self) -> f64 {
        let rows = self.accepted_rows + self.rejected_rows;
        if rows == 0 {
            0.0
        } else {
            self.rejected_rows as f64 * 100.0 / rows as f64
        }
    }

    /// The customers the list names: every accepted row is one customer (a customer on
    /// two rows is merged by its identifiers, see `duplicates_merged`).
    pub fn customers(&self) -> u64 {
        self.accepted_rows
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
        report.reject(7, vec![RowReason::UnknownCategory {}]);
        let key = |c: Column| c.key().to_owned();
        let csv = report.rejected_csv(["line", "column", "reason"], key, |r| match r {
            RowReason::UnknownCategory {} => "=unknown category".to_owned(),
            _ => "no identifier".to_owned(),
        });
        assert_eq!(
            csv,
            "\"line\",\"column\",\"reason\"\r\n\"3\",\"\",\"no identifier\"\r\n\
             \"7\",\"categories\",\"'=unknown category\"\r\n"
        );
        let mut defused = ImportReport::default();
        defused.reject(2, vec![RowReason::NoIdentifier]);
        let csv = defused.rejected_csv(["l", "c", "r"], key, |_| "=1+1".to_owned());
        assert!(csv.contains("\"'=1+1\""), "{csv}");
    }

    #[test]
    fn reasons_are_counted_commonest_first() {
        let mut report = ImportReport {
            accepted_rows: 6,
            ..ImportReport::default()
        };
        report.reject(2, vec![RowReason::NoIdentifier]);
        report.reject(3, vec![RowReason::UnknownCategory {}]);
        report.reject(
            4,
            vec![RowReason::UnknownCategory {}, RowReason::NoIdentifier],
        );
        report.reject(5, vec![RowReason::UnknownCategory {}]);
        let counts: Vec<_> = report.reasons.iter().map(|c| (&c.reason, c.rows)).collect();
        assert_eq!(
            counts,
            vec![
                (&RowReason::UnknownCategory {}, 3),
                (&RowReason::NoIdentifier, 2)
            ]
        );
        assert_eq!(report.rejected_rows, 4);
        assert!((report.rejected_percent() - 40.0).abs() < 1e-9);
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_report_stored_with_a_category_name_reads_without_it() {
        let stored = r#"{"encoding":"utf8","tab_separated":false,"rows_read":1,"blank_rows":0,
            "accepted_rows":0,"rejected_rows":1,"rejected":[{"line":2,"reasons":[
            {"reason":"unknown_category","name":"Yamada Taro"},{"reason":"phone_missing"}]}],
            "columns":["contract_number"],"ignored_columns":[],"has_phone":true,
            "identifiers":{},"duplicates_merged":0}"#;
        let report: ImportReport = serde_json::from_str(stored).unwrap();
        assert_eq!(
            report.rejected[0].reasons,
            vec![RowReason::UnknownCategory {}, RowReason::PhoneMissing]
        );
        let again = serde_json::to_string(&report).unwrap();
        assert!(!again.contains("Yamada"), "{again}");
    }

    #[cfg(feature = "server")]
    #[test]
    fn identifiers_are_counted_per_kind_under_the_kinds_spelling() {
        let stored = r#"{"encoding":"utf8","tab_separated":false,"rows_read":3,"blank_rows":0,
            "accepted_rows":3,"rejected_rows":0,"rejected":[],"columns":["contract_number"],
            "ignored_columns":[],"has_phone":true,
            "identifiers":{"contract":3,"contract+phone":2,"domain":1},"duplicates_merged":0}"#;
        let report: ImportReport = serde_json::from_str(stored).unwrap();
        assert_eq!(report.identifiers[&Kind::Contract], 3);
        assert_eq!(report.identifiers[&Kind::ContractPhone], 2);
        assert_eq!(report.identifiers[&Kind::Domain], 1);
        let again = serde_json::to_string(&report).unwrap();
        assert!(
            again.contains(r#""identifiers":{"contract":3,"domain":1,"contract+phone":2}"#),
            "{again}"
        );
        let unknown = stored.replace(r#""domain":1"#, r#""email":1"#);
        assert!(serde_json::from_str::<ImportReport>(&unknown).is_err());
    }
}
