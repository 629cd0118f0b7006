//! One row of the file: canonical identifiers out, or the reasons it was refused.

use super::columns::{Column, ColumnMap};
pub use super::report::RowReason;
use crate::dataset::category::Categories;
use crate::identifier::{
    ContractNumber, ContractPattern, Domain, Kind, Phone, contract_with_phone,
};

/// What one accepted row contributes: (kind, canonical text, category bits).
pub type Entries = Vec<(Kind, String, i64)>;

pub enum RowOutcome {
    Blank,
    Accepted(Accepted),
    Rejected(Vec<RowReason>),
}

pub struct Accepted {
    pub entries: Entries,
    /// A contract number without its phone in a list that has a phone column: stored (the
    /// helpdesk and the domain check find it), but the public check cannot confirm it.
    pub without_phone: bool,
}

pub fn parse_row(
    record: &csv::StringRecord,
    columns: &ColumnMap,
    pattern: &ContractPattern,
    categories: &Categories,
) -> RowOutcome {
    let cell = |column| {
        columns
            .position(column)
            .and_then(|position| record.get(position))
            .map(str::trim)
            .filter(|value| !value.is_empty())
    };
    if record.iter().all(|value| value.trim().is_empty()) {
        return RowOutcome::Blank;
    }
    let mut problems = Vec::new();
    let contract = cell(Column::ContractNumber).and_then(|value| {
        ContractNumber::parse(value, pattern)
            .map_err(|problem| problems.push(RowReason::Contract { problem }))
            .ok()
    });
    let domain = match (cell(Column::Domain), cell(Column::Email)) {
        (Some(value), _) => Domain::parse(value)
            .map_err(|problem| problems.push(RowReason::Domain { problem }))
            .ok(),
        (None, Some(value)) => Domain::parse(value)
            .map_err(|problem| problems.push(RowReason::Email { problem }))
            .ok(),
        (None, None) => None,
    };
    let phone = cell(Column::Phone).and_then(|value| {
        Phone::parse(value)
            .map_err(|problem| problems.push(RowReason::Phone { problem }))
            .ok()
    });
    let bits = match cell(Column::Categories) {
        None => categories.all_bits(),
        Some(value) => match categories.bits_of_cell(value) {
            Ok(0) => categories.all_bits(),
            Ok(bits) => bits,
            Err(_) => {
                problems.push(RowReason::UnknownCategory {});
                0
            }
        },
    };
    let has_contract_cell = cell(Column::ContractNumber).is_some();
    if cell(Column::Phone).is_some() && !has_contract_cell {
        problems.push(RowReason::PhoneWithoutContract);
    }
    if !has_contract_cell && cell(Column::Domain).is_none() && cell(Column::Email).is_none() {
        problems.push(RowReason::NoIdentifier);
    }
    if !problems.is_empty() {
        return RowOutcome::Rejected(problems);
    }
    let without_phone = columns.has_phone() && contract.is_some() && phone.is_none();
    let mut entries = Vec::with_capacity(3);
    if let Some(contract) = contract {
        // The contract alone serves the helpdesk (which reports whether the factor
        // matched); with the phone it serves the public check.
        if let Some(phone) = &phone {
            let both = contract_with_phone(&contract, phone);
            entries.push((Kind::ContractPhone, both, bits));
        }
        entries.push((Kind::Contract, contract.as_str().to_owned(), bits));
    }
    if let Some(domain) = domain {
        entries.push((Kind::Domain, domain.as_str().to_owned(), bits));
    }
    RowOutcome::Accepted(Accepted {
        entries,
        without_phone,
    })
}
