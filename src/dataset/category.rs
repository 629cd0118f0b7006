//! Data categories: what kinds of a customer's data an incident exposed. Seven standard
//! ones that every notice and result page knows how to name, plus free ones an incident
//! adds with its own labels. A dataset row's categories are a bitmask over its incident's
//! list, so at most 63 per incident.

use crate::locale::{Locale, Localized};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standard {
    ContractName,
    RepresentativeName,
    ContractNumber,
    Phone,
    Email,
    Address,
    ServiceUsage,
}

impl Standard {
    pub const ALL: [Standard; 7] = [
        Standard::ContractName,
        Standard::RepresentativeName,
        Standard::ContractNumber,
        Standard::Phone,
        Standard::Email,
        Standard::Address,
        Standard::ServiceUsage,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Standard::ContractName => "contract_name",
            Standard::RepresentativeName => "representative_name",
            Standard::ContractNumber => "contract_number",
            Standard::Phone => "phone",
            Standard::Email => "email",
            Standard::Address => "address",
            Standard::ServiceUsage => "service_usage",
        }
    }

    /// The category's name in both languages.
    pub fn labels(self) -> Localized<&'static str> {
        let (ja, en) = match self {
            Standard::ContractName => ("契約名義", "Contract name"),
            Standard::RepresentativeName => ("代表者名", "Representative's name"),
            Standard::ContractNumber => ("契約番号", "Contract number"),
            Standard::Phone => ("電話番号", "Phone number"),
            Standard::Email => ("メールアドレス", "Email address"),
            Standard::Address => ("住所", "Postal address"),
            Standard::ServiceUsage => ("サービス利用状況", "Service usage"),
        };
        Localized::new(ja, en)
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// One category of an incident. Standard ones are stored by key alone; free ones carry
/// their labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub key: String,
    /// A free category's names (stored beside the key, as `ja` and `en`).
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Localized<String>>,
}

impl Category {
    pub fn standard(standard: Standard) -> Self {
        Self {
            key: standard.key().to_owned(),
            names: None,
        }
    }

    /// A free category, named the same in both languages unless given two names as
    /// `日本語 / English`.
    pub fn free(index: usize, label: &str) -> Self {
        let (ja, en) = match label.split_once(" / ") {
            Some((ja, en)) => (ja.trim(), en.trim()),
            None => (label.trim(), label.trim()),
        };
        Self {
            key: format!("free_{index}"),
            names: Some(Localized::new(ja, en).map(str::to_owned)),
        }
    }

    /// The category's name in both languages (a free category without names shows its
    /// key).
    pub fn labels(&self) -> Localized<String> {
        Localized::from_fn(|locale| self.label(locale))
    }

    pub fn label(&self, locale: Locale) -> String {
        match (Standard::from_key(&self.key), &self.names) {
            (Some(standard), _) => (*standard.labels().get(locale)).to_owned(),
            (None, Some(names)) => names.get(locale).clone(),
            (None, None) => self.key.clone(),
        }
    }

    /// Whether a spreadsheet cell names this category: its key or either label, ignoring
    /// case and surrounding space.
    fn is_named(&self, text: &str) -> bool {
        let text = text.trim().to_lowercase();
        let Localized { ja, en } = self.labels();
        [&self.key, &ja, &en]
            .into_iter()
            .any(|name| name.to_lowercase() == text)
    }
}

pub const MAX_CATEGORIES: usize = 63;

/// A categories cell named something that is not one of the incident's categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownLabel;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Categories(Vec<Category>);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CategoriesRejection {
    #[error("an incident involves at least one data category")]
    Empty,
    #[error("an incident has at most {MAX_CATEGORIES} data categories")]
    TooMany,
    #[error("a data category is listed twice")]
    Duplicate,
    #[error("a data category's name has at most {MAX_LABEL_CHARS} characters")]
    LabelTooLong,
    /// An edit may rename a free category and add categories, but not remove or reorder
    /// one: each list records a customer's categories by their places.
    #[error("a data category already registered cannot be removed or moved")]
    Removed,
}

/// The longest name of a free category, per language: a label, not a paragraph (every
/// affected answer lists them, and answers are padded to the largest).
pub const MAX_LABEL_CHARS: usize = 100;

impl Categories {
    /// Whether `self` keeps every category of `before` in its place (a free one may be
    /// renamed), adding any only after them.
    pub fn extends(&self, before: &Categories) -> bool {
        self.0.len() >= before.0.len()
            && before
                .0
                .iter()
                .zip(&self.0)
                .all(|(old, new)| old.key == new.key)
    }

    pub fn new(list: Vec<Category>) -> Result<Self, CategoriesRejection> {
        if list.is_empty() {
            return Err(CategoriesRejection::Empty);
        }
        if list.len() > MAX_CATEGORIES {
            return Err(CategoriesRejection::TooMany);
        }
        for (i, category) in list.iter().enumerate() {
            if list[..i].iter().any(|c| c.key == category.key) {
                return Err(CategoriesRejection::Duplicate);
            }
            let too_long = |names: &Localized<String>| {
                [&names.ja, &names.en]
                    .into_iter()
                    .any(|name| name.chars().count() > MAX_LABEL_CHARS)
            };
            if category.names.as_ref().is_some_and(too_long) {
                return Err(CategoriesRejection::LabelTooLong);
            }
        }
        Ok(Self(list))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Category> {
        self.0.iter()
    }

    /// Every category of the incident, as a bitmask.
    pub fn all_bits(&self) -> i64 {
        ((1u64 << self.0.len()) - 1) as i64
    }

    /// The bitmask for a cell such as `電話番号、メールアドレス`, `phone; email` or one label
    /// per line (a cell typed with Alt+Enter in a spreadsheet). A name that is not one of
    /// this incident's categories refuses the cell; what it said is not returned, because
    /// a cell in the wrong column may hold a person's name or number.
    pub fn bits_of_cell(&self, cell: &str) -> Result<i64, UnknownLabel> {
        let mut bits = 0i64;
        for name in cell
            .split([';', ',', '、', '，', '|', '/', '\n', '\r'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let index = self
                .0
                .iter()
                .position(|c| c.is_named(name))
                .ok_or(UnknownLabel)?;
            bits |= 1 << index;
        }
        Ok(bits)
    }

    /// The categories a bitmask names, in the incident's order.
    pub fn of_bits(&self, bits: i64) -> Vec<&Category> {
        self.0
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, c)| c)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_stored_as_a_key_and_a_free_ones_names() {
        let stored = r#"[{"key":"phone"},{"key":"free_0","ja":"口座番号","en":"Account number"}]"#;
        let categories: Categories = serde_json::from_str(stored).unwrap();
        let list: Vec<&Category> = categories.iter().collect();
        assert_eq!(list[0], &Category::standard(Standard::Phone));
        assert_eq!(list[1], &Category::free(0, "口座番号 / Account number"));
        assert_eq!(list[1].label(Locale::En), "Account number");
        assert_eq!(serde_json::to_string(&categories).unwrap(), stored);
    }

    fn incident() -> Categories {
        Categories::new(vec![
            Category::standard(Standard::ContractName),
            Category::standard(Standard::Phone),
            Category::standard(Standard::Email),
            Category::free(0, "請求金額 / Billed amount"),
        ])
        .unwrap()
    }

    #[test]
    fn cells_name_categories_in_either_language() {
        let c = incident();
        assert_eq!(c.bits_of_cell("電話番号、メールアドレス"), Ok(0b0110));
        assert_eq!(c.bits_of_cell("phone; Email"), Ok(0b0110));
        assert_eq!(c.bits_of_cell("contract_name,billed amount"), Ok(0b1001));
        assert_eq!(c.bits_of_cell(""), Ok(0));
        assert_eq!(
            c.bits_of_cell("住所"),
            Err(UnknownLabel),
            "not this incident's"
        );
        assert_eq!(
            c.bits_of_cell("電話番号\r\nメールアドレス\n契約名義"),
            Ok(0b0111),
            "one label per line"
        );
        assert_eq!(c.all_bits(), 0b1111);
        let named: Vec<_> = c
            .of_bits(0b1010)
            .iter()
            .map(|c| c.label(Locale::En))
            .collect();
        assert_eq!(named, ["Phone number", "Billed amount"]);
    }

    #[test]
    fn lists_are_checked() {
        assert_eq!(Categories::new(vec![]), Err(CategoriesRejection::Empty));
        let twice = vec![
            Category::standard(Standard::Phone),
            Category::standard(Standard::Phone),
        ];
        assert_eq!(Categories::new(twice), Err(CategoriesRejection::Duplicate));
        let long = "長".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(
            Categories::new(vec![Category::free(1, &long)]),
            Err(CategoriesRejection::LabelTooLong)
        );
        let longest = "長".repeat(MAX_LABEL_CHARS);
        assert!(Categories::new(vec![Category::free(1, &longest)]).is_ok());
    }
}
