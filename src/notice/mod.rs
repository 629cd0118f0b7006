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

use crate::locale::Localized;
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
    /// Stored beside the date, as `ja` and `en`.
    #[serde(flatten)]
    pub text: Localized<String>,
}

/// A recommended action, in both languages.
pub type Action = Localized<String>;

/// A question and its answer (Markdown), in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "stored::Faq", into = "stored::Faq")]
pub struct FaqEntry {
    pub question: Localized<String>,
    pub answer: Localized<String>,
}

/// Everything an admin writes; one revision holds one of these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeContent {
    /// Stored as `ja` and `en`; a draft may leave a language out.
    #[serde(flatten, deserialize_with = "either_language")]
    pub text: Localized<NoticeText>,
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
#[serde(from = "stored::RenderedFaq", into = "stored::RenderedFaq")]
pub struct RenderedFaq {
    pub question: Localized<String>,
    pub answer_html: Localized<String>,
}

/// A revision ready to show. Plain-text fields (titles, timeline, actions, questions) are
/// escaped by the page that shows them; HTML fields went through the sanitiser.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedNotice {
    /// Stored as `ja` and `en`.
    #[serde(flatten, deserialize_with = "either_language")]
    pub text: Localized<RenderedText>,
    pub timeline: Vec<TimelineEvent>,
    pub actions: Vec<Action>,
    pub faq: Vec<RenderedFaq>,
}

/// Both languages' text, where a language left out reads as empty (as every field of a
/// notice does: a draft is saved as far as it is written).
fn either_language<'de, D, T>(deserializer: D) -> Result<Localized<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    #[derive(Deserialize)]
    struct Lenient<T> {
        #[serde(default)]
        ja: T,
        #[serde(default)]
        en: T,
    }
    let text = Lenient::deserialize(deserializer)?;
    Ok(Localized::new(text.ja, text.en))
}

/// The shapes FAQ entries are stored in (revisions saved before they were [`Localized`]
/// keep reading as they were written).
mod stored {
    use super::Localized;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Default, Serialize, Deserialize)]
    pub struct Faq {
        question_ja: String,
        answer_ja: String,
        question_en: String,
        answer_en: String,
    }

    impl From<Faq> for super::FaqEntry {
        fn from(f: Faq) -> Self {
            Self {
                question: Localized::new(f.question_ja, f.question_en),
                answer: Localized::new(f.answer_ja, f.answer_en),
            }
        }
    }

    impl From<super::FaqEntry> for Faq {
        fn from(f: super::FaqEntry) -> Self {
            Self {
                question_ja: f.question.ja,
                answer_ja: f.answer.ja,
                question_en: f.question.en,
                answer_en: f.answer.en,
            }
        }
    }

    #[derive(Clone, Default, Serialize, Deserialize)]
    pub struct RenderedFaq {
        question_ja: String,
        answer_ja_html: String,
        question_en: String,
        answer_en_html: String,
    }

    impl From<RenderedFaq> for super::RenderedFaq {
        fn from(f: RenderedFaq) -> Self {
            Self {
                question: Localized::new(f.question_ja, f.question_en),
                answer_html: Localized::new(f.answer_ja_html, f.answer_en_html),
            }
        }
    }

    impl From<super::RenderedFaq> for RenderedFaq {
        fn from(f: super::RenderedFaq) -> Self {
            Self {
                question_ja: f.question.ja,
                answer_ja_html: f.answer_html.ja,
                question_en: f.question.en,
                answer_en_html: f.answer_html.en,
            }
        }
    }
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

/// The longest note of what an update of a published notice changed, per language: one
/// line (see `store::UpdateNote`).
pub const MAX_NOTE: usize = 200;

/// The longest title and summary per language, and the longest notice in all, in characters.
pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 300;
pub const MAX_TOTAL: usize = 100_000;

impl NoticeContent {
    /// What a save may not contain. A draft may be incomplete; see [`Self::missing`].
    pub fn check(&self) -> Result<(), ContentRejection> {
        let chars = |s: &str| s.chars().count();
        for text in [&self.text.ja, &self.text.en] {
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
        let texts = [&self.text.ja, &self.text.en]
            .into_iter()
            .flat_map(|t| [&t.title, &t.summary, &t.body, &t.contact]);
        let timeline = self
            .timeline
            .iter()
            .flat_map(|e| [&e.date, &e.text.ja, &e.text.en]);
        let actions = self.actions.iter().flat_map(|a| [&a.ja, &a.en]);
        let faq = self
            .faq
            .iter()
            .flat_map(|f| [&f.question.ja, &f.answer.ja, &f.question.en, &f.answer.en]);
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
                text: Localized::new(row[1].trim(), row[2].trim()).map(str::to_owned),
            })
            .collect();
        let actions = rows(&["action_ja", "action_en"])
            .into_iter()
            .map(|row| Localized::new(row[0].trim(), row[1].trim()).map(str::to_owned))
            .collect();
        let faq = rows(&[
            "faq_question_ja",
            "faq_answer_ja",
            "faq_question_en",
            "faq_answer_en",
        ])
        .into_iter()
        .map(|row| FaqEntry {
            question: Localized::new(row[0].trim(), row[2].trim()).map(str::to_owned),
            answer: Localized::new(row[1].clone(), row[3].clone()),
        })
        .collect();
        Self {
            text: Localized::from_fn(|locale| text(locale.code())),
            timeline,
            actions,
            faq,
        }
    }

    /// What publishing needs and this content lacks: a title and a body in both languages.
    pub fn missing(&self) -> Vec<Missing> {
        let blank = |s: &str| s.trim().is_empty();
        [
            (blank(&self.text.ja.title), Missing::TitleJa),
            (blank(&self.text.en.title), Missing::TitleEn),
            (blank(&self.text.ja.body), Missing::BodyJa),
            (blank(&self.text.en.body), Missing::BodyEn),
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
            text: Localized::new(
                NoticeText {
                    title: "不正アクセスのお知らせ".into(),
                    body: "本文".into(),
                    ..Default::default()
                },
                NoticeText {
                    title: "Notice of unauthorised access".into(),
                    body: "Body".into(),
                    ..Default::default()
                },
            ),
            ..Default::default()
        }
    }

    #[test]
    fn publishing_needs_both_languages() {
        assert!(complete().missing().is_empty());
        let mut content = complete();
        content.text.en.body = "  ".into();
        content.text.ja.title.clear();
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
        assert_eq!(content.text.ja.title, "題");
        assert_eq!(content.text.en.body, "line one\nline two");
        assert_eq!(
            content.timeline,
            vec![TimelineEvent {
                date: "2025-02-05".into(),
                text: Localized::new("発見".into(), "Discovered".into()),
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
        content.text.en.title = "x".repeat(201);
        assert_eq!(content.check(), Err(ContentRejection::TitleTooLong));
        let mut content = complete();
        content.text.ja.body = "長".repeat(100_001);
        assert_eq!(content.check(), Err(ContentRejection::TooLong));
    }

    /// Revisions are stored as JSON; one saved before the text was [`Localized`] reads the
    /// same, and is written back in the same shape.
    #[test]
    fn stored_revisions_keep_their_shape() {
        let stored = r#"{"ja":{"title":"題","summary":"","body":"本文","contact":""},"en":{"title":"Title","summary":"","body":"Body","contact":""},"timeline":[{"date":"2025-02-05","ja":"発見","en":"Discovered"}],"actions":[{"ja":"変更","en":"Change"}],"faq":[{"question_ja":"問","answer_ja":"答","question_en":"Q","answer_en":"A"}]}"#;
        let content: NoticeContent = serde_json::from_str(stored).unwrap();
        assert_eq!(content.text.en.title, "Title");
        assert_eq!(content.timeline[0].text.ja, "発見");
        assert_eq!(content.actions[0].en, "Change");
        assert_eq!(content.faq[0].question.en, "Q");
        assert_eq!(content.faq[0].answer.ja, "答");
        assert_eq!(serde_json::to_string(&content).unwrap(), stored);

        let rendered = r#"{"ja":{"title":"題","summary":"","body_html":"<p>本文</p>","contact_html":""},"en":{"title":"Title","summary":"","body_html":"<p>Body</p>","contact_html":""},"timeline":[],"actions":[],"faq":[{"question_ja":"問","answer_ja_html":"<p>答</p>","question_en":"Q","answer_en_html":"<p>A</p>"}]}"#;
        let notice: RenderedNotice = serde_json::from_str(rendered).unwrap();
        assert_eq!(notice.faq[0].answer_html.en, "<p>A</p>");
        assert_eq!(notice.text.ja.body_html, "<p>本文</p>");
        assert_eq!(serde_json::to_string(&notice).unwrap(), rendered);

        let draft: NoticeContent = serde_json::from_str(r#"{"en":{"title":"T"}}"#).unwrap();
        assert_eq!(draft.text.en.title, "T");
        assert_eq!(draft.text.ja, NoticeText::default());
        assert_eq!(
            serde_json::from_str::<NoticeContent>("{}").unwrap(),
            NoticeContent::default()
        );
    }
}
