//! Which column of the file holds what, recognised from the header row by English or
//! Japanese names, with the admin's own mapping for headers it does not know.

use crate::identifier::nfkc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    ContractNumber,
    Domain,
    Email,
    Phone,
    Categories,
}

impl Column {
    pub const ALL: [Column; 5] = [
        Column::ContractNumber,
        Column::Domain,
        Column::Email,
        Column::Phone,
        Column::Categories,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Column::ContractNumber => "contract_number",
            Column::Domain => "domain",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::Categories => "categories",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key.trim())
    }

    /// The column a header names, if it is one of the known names.
    pub fn recognise(header: &str) -> Option<Self> {
        let name: String = nfkc(header)
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '・'))
            .flat_map(char::to_lowercase)
            .collect();
        let known: &[(&str, Column)] = &[
            ("contractnumber", Column::ContractNumber),
            ("contractno", Column::ContractNumber),
            ("contract", Column::ContractNumber),
            ("契約番号", Column::ContractNumber),
            ("契約no", Column::ContractNumber),
            ("domain", Column::Domain),
            ("domainname", Column::Domain),
            ("ドメイン", Column::Domain),
            ("ドメイン名", Column::Domain),
            ("email", Column::Email),
            ("emailaddress", Column::Email),
            ("mail", Column::Email),
            ("mailaddress", Column::Email),
            ("メールアドレス", Column::Email),
            ("メール", Column::Email),
            ("eメール", Column::Email),
            ("phone", Column::Phone),
            ("phonenumber", Column::Phone),
            ("tel", Column::Phone),
            ("telephone", Column::Phone),
            ("電話番号", Column::Phone),
            ("電話", Column::Phone),
            ("登録電話番号", Column::Phone),
            ("categories", Column::Categories),
            ("category", Column::Categories),
            ("exposeddata", Column::Categories),
            ("漏えい項目", Column::Categories),
            ("漏洩項目", Column::Categories),
            ("漏えいした項目", Column::Categories),
        ];
        known
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, column)| *column)
    }
}

/// Whether a header or a category name looks like a customer's data rather than a label:
/// it holds a digit (contract and phone numbers), an `@` (email) or a dot (domain). Such
/// text is never echoed back or stored, because it may be an identifier in the wrong place
/// (a file without its header row, a column mapped to the wrong meaning).
pub fn looks_like_data(text: &str) -> bool {
    nfkc(text)
        .chars()
        .any(|c| c.is_ascii_digit() || c == '@' || c == '.')
}

/// What the admin said about headers: a column for each header they mapped, `None` for
/// a header they want ignored.
pub type Mapping = BTreeMap<String, Option<Column>>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMap {
    /// (position in the row, what it holds)
    pub used: Vec<(usize, Column)>,
    /// Headers that were neither recognised nor mapped: their cells are not read. A header
    /// that looks like data (a file without its header row) is named by its position,
    /// `#3`, never by what it says.
    pub ignored: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum HeaderProblem {
    #[error("the first row must be a header row")]
    NoHeader,
    #[error("no column holds a contract number, a domain or an email address")]
    NoIdentifierColumn { headers: Vec<String> },
    #[error("two columns hold the same thing ({})", .0.key())]
    Duplicate(Column),
}

impl ColumnMap {
    pub fn new(headers: &[String], mapping: &Mapping) -> Result<Self, HeaderProblem> {
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(HeaderProblem::NoHeader);
        }
        let mut used: Vec<(usize, Column)> = Vec::new();
        let mut ignored = Vec::new();
        for (position, header) in headers.iter().enumerate() {
            let header = header.trim().trim_start_matches('\u{FEFF}');
            let column = match mapping.get(header) {
                Some(choice) => *choice,
                None => Column::recognise(header),
            };
            match column {
                Some(column) if used.iter().any(|(_, c)| *c == column) => {
                    return Err(HeaderProblem::Duplicate(column));
                }
                Some(column) => used.push((position, column)),
                None if header.is_empty() => {}
                None if looks_like_data(header) => ignored.push(format!("#{}", position + 1)),
                None => ignored.push(header.to_owned()),
            }
        }
        let has_identifier = used
            .iter()
            .any(|(_, c)| matches!(c, Column::ContractNumber | Column::Domain | Column::Email));
        if !has_identifier {
            return Err(HeaderProblem::NoIdentifierColumn {
                headers: headers.iter().map(|h| h.trim().to_owned()).collect(),
            });
        }
        Ok(Self { used, ignored })
    }

    pub fn position(&self, column: Column) -> Option<usize> {
        self.used
            .iter()
            .find(|(_, c)| *c == column)
            .map(|(position, _)| *position)
    }

    /// Whether the phone column is there: the dataset then carries the verification factor.
    pub fn has_phone(&self) -> bool {
        self.position(Column::Phone).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_digits_at_signs_or_dots_looks_like_data() {
        for data in [
            "AB123456",
            "ＡＢ１２３",
            "taro@example",
            "example.co.jp",
            "03-1234",
        ] {
            assert!(looks_like_data(data), "{data}");
        }
        for label in ["契約番号", "Kundennummer", "ご利用金額", "phone number", ""] {
            assert!(!looks_like_data(label), "{label}");
        }
    }

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_english_and_japanese_headers() {
        let map = ColumnMap::new(
            &headers(&["契約番号", "会社名", "電話番号", "漏えい項目", "E-mail"]),
            &Mapping::new(),
        )
        .unwrap();
        assert_eq!(
            map.used,
            vec![
                (0, Column::ContractNumber),
                (2, Column::Phone),
                (3, Column::Categories),
                (4, Column::Email)
            ]
        );
        assert_eq!(map.ignored, vec!["会社名".to_owned()]);
        let with_data = ColumnMap::new(
            &headers(&["契約番号", "taro@example.com", "山田"]),
            &Mapping::new(),
        )
        .unwrap();
        assert_eq!(with_data.ignored, vec!["#2".to_owned(), "山田".to_owned()]);
        assert!(map.has_phone());
        assert_eq!(
            Column::recognise("Contract Number"),
            Some(Column::ContractNumber)
        );
        assert_eq!(Column::recognise("ｄｏｍａｉｎ"), Some(Column::Domain));
    }

    #[test]
    fn the_admin_maps_unknown_headers() {
        let names = headers(&["お客様番号", "連絡先"]);
        assert!(matches!(
            ColumnMap::new(&names, &Mapping::new()),
            Err(HeaderProblem::NoIdentifierColumn { .. })
        ));
        let mapping = Mapping::from([
            ("お客様番号".to_owned(), Some(Column::ContractNumber)),
            ("連絡先".to_owned(), Some(Column::Phone)),
        ]);
        let map = ColumnMap::new(&names, &mapping).unwrap();
        assert_eq!(map.position(Column::ContractNumber), Some(0));
        assert_eq!(map.position(Column::Phone), Some(1));
        let twice = headers(&["契約番号", "contract_number"]);
        assert_eq!(
            ColumnMap::new(&twice, &Mapping::new()),
            Err(HeaderProblem::Duplicate(Column::ContractNumber))
        );
    }
}
