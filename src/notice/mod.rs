//! Incident notices: what every visitor reads first. An admin writes a notice in Japanese
//! and English; each save is a new revision (rendered to sanitised HTML as it is saved), and
//! publishing shows a revision to the public until the next publish or an unpublish.
//!
//! The content types compile to wasm (the editor shows them); rendering and storage are
//! server-only.

#[cfg(feature = "server")]
pub mod markdown;
#[cfg(feature = "server")]
pub mod snapshot;
#[cfg(feature = "server")]
pub mod store;

use serde::{Deserialize, Serialize};

/// One language's text. `body` is Markdown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeText {
    pub title: String,
    pub summary: String,
    pub body: String,
    /// Who to contact, Markdown.
    pub contact: String,
}

/// A dated event: "2025-02-05 unauthorised access discovered".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub ja: String,
    pub en: String,
}

/// A recommended action, in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub ja: String,
    pub en: String,
}

/// A question and its answer (Markdown), in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqEntry {
    pub question_ja: String,
    pub answer_ja: String,
    pub question_en: String,
    pub answer_en: String,
}

/// Everything an admin writes; one revision holds one of these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeContent {
    pub ja: NoticeText,
    pub en: NoticeText,
    pub timeline: Vec<TimelineEvent>,
    pub actions: Vec<Action>,
    pub faq: Vec<FaqEntry>,
}

/// One language of a notice as the public sees it: HTML already sanitised.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedText {
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub contact_html: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedFaq {
    pub question_ja: String,
    pub answer_ja_html: String,
    pub question_en: String,
    pub answer_en_html: String,
}

/// A revision ready to show. Plain-text fields (titles, timeline, actions, questions) are
/// escaped by the page that shows them; HTML fields went through the sanitiser.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedNotice {
    pub ja: RenderedText,
    pub en: RenderedText,
    pub timeline: Vec<TimelineEvent>,
    pub actions: Vec<Action>,
    pub faq: Vec<RenderedFaq>,
}

/// What keeps a notice from being published; the form lists them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    TitleJa,
    TitleEn,
    BodyJa,
    BodyEn,
}

/// Why a notice cannot be saved as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ContentRejection {
    #[error("a title is at most {MAX_TITLE} characters")]
    TitleTooLong,
    #[error("a summary is at most {MAX_SUMMARY} characters")]
    SummaryTooLong,
    #[error("the notice is longer than {MAX_TOTAL} characters")]
    TooLong,
    #[error("timeline dates are written YYYY-MM-DD")]
    TimelineDate,
}

/// Browsers send textarea line ends as CRLF; the stored text uses LF.
fn normalise(value: &str) -> String {
    value.replace("\r\n", "\n")
}

/// The longest title and summary per language, and the longest notice in all, in characters.
pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 300;
pub const MAX_TOTAL: usize = 100_000;

impl NoticeContent {
    /// What a save may not contain. A draft may be incomplete; see [`Self::missing`].
    pub fn check(&self) -> Result<(), ContentRejection> {
        let chars = |s: &str| s.chars().count();
        for text in [&self.ja, &self.en] {
            if chars(&text.title) > MAX_TITLE {
                return Err(ContentRejection::TitleTooLong);
            }
            if chars(&text.summary) > MAX_SUMMARY {
                return Err(ContentRejection::SummaryTooLong);
            }
        }
        let valid_date = |date: &str| {
            let bytes = date.as_bytes();
            bytes.len() == 10
                && bytes[4] == b'-'
                && bytes[7] == b'-'
                && bytes
                    .iter()
                    .enumerate()
                    .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
        };
        if self.timeline.iter().any(|event| !valid_date(&event.date)) {
            return Err(ContentRejection::TimelineDate);
        }
        if self.len() > MAX_TOTAL {
            return Err(ContentRejection::TooLong);
        }
        Ok(())
    }

    /// Characters written, all fields together.
    fn len(&self) -> usize {
        let texts = [&self.ja, &self.en]
            .into_iter()
            .flat_map(|t| [&t.title, &t.summary, &t.body, &t.contact]);
        let timeline = self.timeline.iter().flat_map(|e| [&e.date, &e.ja, &e.en]);
        let actions = self.actions.iter().flat_map(|a| [&a.ja, &a.en]);
        let faq = self
            .faq
            .iter()
            .flat_map(|f| [&f.question_ja, &f.answer_ja, &f.question_en, &f.answer_en]);
        texts
            .chain(timeline)
            .chain(actions)
            .chain(faq)
            .map(|s| s.chars().count())
            .sum()
    }

    /// The editor form's fields, in the order the form sends them. Rows of the timeline,
    /// the actions and the FAQ are repeated field names, matched by position; a row left
    /// entirely blank is dropped (the form always offers a few empty ones).
    pub fn from_form(fields: &[(String, String)]) -> Self {
        let one = |name: &str| {
            fields
                .iter()
                .find(|(key, _)| key == name)
                .map_or_else(String::new, |(_, value)| normalise(value))
        };
        let all = |name: &str| -> Vec<String> {
            fields
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| normalise(value))
                .collect()
        };
        let text = |lang: &str| NoticeText {
            title: one(&format!("title_{lang}")).trim().to_owned(),
            summary: one(&format!("summary_{lang}")).trim().to_owned(),
            body: one(&format!("body_{lang}")),
            contact: one(&format!("contact_{lang}")),
        };
        let rows = |names: &[&str]| -> Vec<Vec<String>> {
            let columns: Vec<Vec<String>> = names.iter().map(|name| all(name)).collect();
            let count = columns.iter().map(Vec::len).max().unwrap_or(0);
            (0..count)
                .map(|i| {
                    columns
                        .iter()
                        .map(|column| column.get(i).cloned().unwrap_or_default())
                        .collect::<Vec<_>>()
                })
                .filter(|row| row.iter().any(|cell| !cell.trim().is_empty()))
                .collect()
        };
        let timeline = rows(&["timeline_date", "timeline_ja", "timeline_en"])
            .into_iter()
            .map(|row| TimelineEvent {
                date: row[0].trim().to_owned(),
                ja: row[1].trim().to_owned(),
                en: row[2].trim().to_owned(),
            })
            .collect();
        let actions = rows(&["action_ja", "action_en"])
            .into_iter()
            .map(|row| Action {
                ja: row[0].trim().to_owned(),
                en: row[1].trim().to_owned(),
            })
            .collect();
        let faq = rows(&[
            "faq_question_ja",
            "faq_answer_ja",
            "faq_question_en",
            "faq_answer_en",
        ])
        .into_iter()
        .map(|row| FaqEntry {
            question_ja: row[0].trim().to_owned(),
            answer_ja: row[1].clone(),
            question_en: row[2].trim().to_owned(),
            answer_en: row[3].clone(),
        })
        .collect();
        Self {
            ja: text("ja"),
            en: text("en"),
            timeline,
            actions,
            faq,
        }
    }

    /// What publishing needs and this content lacks: a title and a body in both languages.
    pub fn missing(&self) -> Vec<Missing> {
        let blank = |s: &str| s.trim().is_empty();
        [
            (blank(&self.ja.title), Missing::TitleJa),
            (blank(&self.en.title), Missing::TitleEn),
            (blank(&self.ja.body), Missing::BodyJa),
            (blank(&self.en.body), Missing::BodyEn),
        ]
        .into_iter()
        .filter_map(|(is_blank, what)| is_blank.then_some(what))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> NoticeContent {
        NoticeContent {
            ja: NoticeText {
                title: "不正アクセスのお知らせ".into(),
                body: "本文".into(),
                ..Default::default()
            },
            en: NoticeText {
                title: "Notice of unauthorised access".into(),
                body: "Body".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn publishing_needs_both_languages() {
        assert!(complete().missing().is_empty());
        let mut content = complete();
        content.en.body = "  ".into();
        content.ja.title.clear();
        assert_eq!(content.missing(), vec![Missing::TitleJa, Missing::BodyEn]);
    }

    #[test]
    fn the_form_gives_rows_by_position_and_drops_blank_ones() {
        let field = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let fields = vec![
            field("title_ja", " 題 "),
            field("body_en", "line one\r\nline two"),
            field("timeline_date", "2025-02-05"),
            field("timeline_ja", "発見"),
            field("timeline_en", "Discovered"),
            field("timeline_date", ""),
            field("timeline_ja", " "),
            field("timeline_en", ""),
            field("action_ja", "パスワードを変更"),
            field("action_en", ""),
        ];
        let content = NoticeContent::from_form(&fields);
        assert_eq!(content.ja.title, "題");
        assert_eq!(content.en.body, "line one\nline two");
        assert_eq!(
            content.timeline,
            vec![TimelineEvent {
                date: "2025-02-05".into(),
                ja: "発見".into(),
                en: "Discovered".into(),
            }]
        );
        assert_eq!(content.actions.len(), 1);
        assert!(content.faq.is_empty());
    }

    #[test]
    fn saving_checks_lengths_and_dates() {
        assert_eq!(complete().check(), Ok(()));
        let mut content = complete();
        content.timeline.push(TimelineEvent {
            date: "2025-2-5".into(),
            ..Default::default()
        });
        assert_eq!(content.check(), Err(ContentRejection::TimelineDate));
        let mut content = complete();
        content.en.title = "x".repeat(201);
        assert_eq!(content.check(), Err(ContentRejection::TitleTooLong));
        let mut content = complete();
        content.ja.body = "長".repeat(100_001);
        assert_eq!(content.check(), Err(ContentRejection::TooLong));
    }
}
