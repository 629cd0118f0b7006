//! Reference codes: what a customer quotes when they call the helpdesk about an answer.
//!
//! A code is a keyed MAC over the number asked, the day the answer was given (in Japan)
//! and the lists it covered. It reveals none of them, and nothing about the customer is
//! stored when it is given. Told the number, the helpdesk finds which day and which lists
//! a quoted code names by recomputing the codes of every day of the last
//! [`SEARCH_DAYS`] with every set of lists the publication history says was published
//! on it: a few thousand MACs at most, no argon2.

use crate::clock::{japan_day_number, japan_day_number_start};
use crate::dataset::DatasetId;
use crate::identifier::nfkc;
use crate::pepper::Pepper;
use crate::storage::{Database, StorageError};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sqlx::Row;

pub use super::REFERENCE_SEARCH_DAYS as SEARCH_DAYS;

/// Ten characters of Crockford base32 (no I, L, O, U: nothing to misread on the phone),
/// grouped as `XXXXX-XXXXX`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceCode(String);

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl ReferenceCode {
    fn from_mac(bytes: &[u8]) -> Self {
        let mut bits = u64::from_be_bytes(bytes[..8].try_into().expect("a MAC has 32 bytes"));
        let mut code = String::with_capacity(11);
        for i in 0..10 {
            if i == 5 {
                code.push('-');
            }
            code.push(char::from(ALPHABET[(bits >> 59) as usize]));
            bits <<= 5;
        }
        Self(code)
    }

    /// A code as a caller reads it out or a customer types it: any case, full-width or not,
    /// with or without the hyphen and spaces; the letters Crockford's alphabet leaves out read as the digits
    /// they look like (I and L as 1, O as 0). `None` for anything that is not ten of them.
    pub fn parse(text: &str) -> Option<Self> {
        let mut symbols = String::with_capacity(10);
        for c in nfkc(text).chars().filter(|c| !matches!(c, '-' | ' ')) {
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            symbols.push(c);
        }
        if symbols.len() != 10 {
            return None;
        }
        Some(Self(format!("{}-{}", &symbols[..5], &symbols[5..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ReferenceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key reference codes are made with, derived from the pepper.
#[derive(Clone)]
pub struct ReferenceKey([u8; 32]);

impl std::fmt::Debug for ReferenceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReferenceKey(..)")
    }
}

impl ReferenceKey {
    pub fn new(pepper: &Pepper) -> Self {
        Self(pepper.derive("lookup-reference"))
    }

    /// The code of an answer about `asked` given on Japanese day `day` (see
    /// [`japan_day_number`]) covering `lists`, in any order.
    pub fn code(&self, asked: &[u8], day: i64, lists: &[DatasetId]) -> ReferenceCode {
        let mut lists = lists.to_vec();
        lists.sort();
        lists.dedup();
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(&(asked.len() as u64).to_be_bytes());
        mac.update(asked);
        mac.update(&day.to_be_bytes());
        for list in lists {
            mac.update(&list.0.to_be_bytes());
        }
        ReferenceCode::from_mac(&mac.finalize().into_bytes())
    }

    /// The day and lists of the answer about `asked` whose code is `code`, among those
    /// the publication history allows in the [`SEARCH_DAYS`] up to `now`.
    pub fn find(
        &self,
        asked: &[u8],
        code: &ReferenceCode,
        history: &[Publication],
        now: i64,
    ) -> Option<EarlierAnswer> {
        candidates(history, now)
            .into_iter()
            .find(|(day, lists)| self.code(asked, *day, lists) == *code)
            .map(|(day, lists)| EarlierAnswer {
                day_start: japan_day_number_start(day),
                lists,
            })
    }
}

/// What a quoted code names: the day the answer was given and the lists it covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarlierAnswer {
    /// When that day began in Japan (Unix milliseconds).
    pub day_start: i64,
    /// Ascending; empty when nothing was published.
    pub lists: Vec<DatasetId>,
}

/// A period during which a list was published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publication {
    pub dataset: DatasetId,
    pub published_at: i64,
    /// `None` while it is published.
    pub withdrawn_at: Option<i64>,
}

impl Publication {
    fn covers(&self, moment: i64) -> bool {
        self.published_at <= moment && self.withdrawn_at.is_none_or(|end| moment < end)
    }
}

/// Every period a list was published that ended within [`SEARCH_DAYS`] of `now` or has
/// not ended.
pub async fn history(db: &Database, now: i64) -> Result<Vec<Publication>, StorageError> {
    let since = japan_day_number_start(japan_day_number(now) - SEARCH_DAYS);
    let rows = sqlx::query(
        "SELECT dataset_id, published_at, withdrawn_at FROM dataset_publications \
         WHERE withdrawn_at IS NULL OR withdrawn_at >= $1",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Publication {
                dataset: DatasetId(row.try_get(0)?),
                published_at: row.try_get(1)?,
                withdrawn_at: row.try_get(2)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Each day of the search, newest first, with every set of lists published at some moment
/// of it (the set at its start, and after each change during it).
fn candidates(history: &[Publication], now: i64) -> Vec<(i64, Vec<DatasetId>)> {
    let today = japan_day_number(now);
    let mut out = Vec::new();
    for day in (today - SEARCH_DAYS..=today).rev() {
        let start = japan_day_number_start(day);
        let end = japan_day_number_start(day + 1);
        let mut moments = vec![start];
        for publication in history {
            for change in [Some(publication.published_at), publication.withdrawn_at]
                .into_iter()
                .flatten()
            {
                if start < change && change < end {
                    moments.push(change);
                }
            }
        }
        let mut sets: Vec<Vec<DatasetId>> = Vec::new();
        for moment in moments {
            let mut set: Vec<DatasetId> = history
                .iter()
                .filter(|publication| publication.covers(moment))
                .map(|publication| publication.dataset)
                .collect();
            set.sort();
            set.dedup();
            if !sets.contains(&set) {
                sets.push(set);
            }
        }
        out.extend(sets.into_iter().map(|set| (day, set)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::japan_day_start;

    fn key() -> ReferenceKey {
        ReferenceKey([9; 32])
    }

    #[test]
    fn codes_are_grouped_and_unambiguous() {
        assert_eq!(ReferenceCode::from_mac(&[0xff; 32]).as_str(), "ZZZZZ-ZZZZZ");
        let code = key().code(b"A1234567", 20_000, &[DatasetId(1)]);
        assert_eq!(code.as_str().len(), 11);
        assert!(
            code.as_str()
                .chars()
                .all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"ILOU".contains(c)))
        );
    }

    #[test]
    fn a_code_reads_back_however_it_was_typed() {
        let code = ReferenceCode::parse("ABCDE-12345").unwrap();
        for typed in [
            "abcde12345",
            " ABCDE 12345 ",
            "abcde-i2345",
            "ＡＢＣＤＥ－１２３４５",
        ] {
            assert_eq!(ReferenceCode::parse(typed).as_ref(), Some(&code), "{typed}");
        }
        assert_eq!(
            ReferenceCode::parse("0O0O0-LlIi1").unwrap().as_str(),
            "00000-11111"
        );
        for bad in [
            "",
            "ABCDE-1234",
            "ABCDE-123456",
            "ABCDU-12345",
            "ABCDÉ-12345",
            "<b>",
        ] {
            assert_eq!(ReferenceCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_code_names_the_number_the_day_and_the_lists() {
        let base = key().code(b"A1", 100, &[DatasetId(1), DatasetId(2)]);
        assert_eq!(base, key().code(b"A1", 100, &[DatasetId(2), DatasetId(1)]));
        assert_ne!(base, key().code(b"A2", 100, &[DatasetId(1), DatasetId(2)]));
        assert_ne!(base, key().code(b"A1", 101, &[DatasetId(1), DatasetId(2)]));
        assert_ne!(base, key().code(b"A1", 100, &[DatasetId(1)]));
        assert_ne!(
            base,
            ReferenceKey([8; 32]).code(b"A1", 100, &[DatasetId(1), DatasetId(2)])
        );
    }

    fn at(day: &str, hours: i64) -> i64 {
        japan_day_start(day).unwrap() + hours * 3_600_000
    }

    fn published(id: i64, from: i64, until: Option<i64>) -> Publication {
        Publication {
            dataset: DatasetId(id),
            published_at: from,
            withdrawn_at: until,
        }
    }

    #[test]
    fn every_set_published_during_a_day_is_a_candidate() {
        // List 1 from the 3rd at noon; on the 5th at 10:00 list 2 replaces it, at 15:00
        // list 3 joins (another incident).
        let history = [
            published(1, at("2026-03-03", 12), Some(at("2026-03-05", 10))),
            published(2, at("2026-03-05", 10), None),
            published(3, at("2026-03-05", 15), None),
        ];
        let now = at("2026-03-06", 1);
        let all = candidates(&history, now);
        let on = |day: &str| {
            let day = japan_day_number(japan_day_start(day).unwrap());
            all.iter()
                .filter(|(d, _)| *d == day)
                .map(|(_, set)| set.iter().map(|id| id.0).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        };
        assert_eq!(on("2026-03-02"), vec![Vec::<i64>::new()]);
        assert_eq!(on("2026-03-03"), vec![vec![], vec![1]]);
        assert_eq!(on("2026-03-04"), vec![vec![1]]);
        assert_eq!(on("2026-03-05"), vec![vec![1], vec![2], vec![2, 3]]);
        assert_eq!(on("2026-03-06"), vec![vec![2, 3]]);
        assert_eq!(
            on("2026-03-07"),
            Vec::<Vec<i64>>::new(),
            "nothing after today"
        );
        assert_eq!(all.len() as i64, SEARCH_DAYS + 1 + 1 + 2);
    }

    #[test]
    fn a_quoted_code_is_found_with_its_day_and_lists() {
        let history = [
            published(1, at("2026-03-03", 12), Some(at("2026-03-05", 10))),
            published(2, at("2026-03-05", 10), None),
        ];
        let now = at("2026-04-01", 9);
        let day = japan_day_number(at("2026-03-05", 8));
        let given = key().code(b"A77", day, &[DatasetId(1)]);
        assert_eq!(
            key().find(b"A77", &given, &history, now),
            Some(EarlierAnswer {
                day_start: at("2026-03-05", 0),
                lists: vec![DatasetId(1)],
            })
        );
        assert_eq!(
            key().find(b"A78", &given, &history, now),
            None,
            "another number"
        );
        // A set of lists never published on that day is no candidate.
        let never = key().code(b"A77", day, &[DatasetId(1), DatasetId(2)]);
        assert_eq!(key().find(b"A77", &never, &history, now), None);
        // Beyond the search, a code is not found.
        let old = key().code(b"A77", japan_day_number(now) - SEARCH_DAYS - 1, &[]);
        assert_eq!(key().find(b"A77", &old, &history, now), None);
    }
}
