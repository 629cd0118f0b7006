//! A notice as the public reads it: on its page, and in the editor's preview (which must
//! show exactly this).
//!
//! Each text is shown in the page's language; where a translation is missing the other
//! language stands in, marked with its own `lang` and announced once at the top.

use super::HelpdeskDetails;
use crate::i18n::{Locale, Localized};
use crate::i18n::{dates, fill};
use crate::notice_api::NoticeView;
use crate::{use_locale, use_strings};
use breachcheck::notice::RenderedText;
use leptos::prelude::*;

/// The text in `locale`, else the other language's; with the language it is in.
fn choose(locale: Locale, text: Localized<&str>) -> Option<(String, Locale)> {
    [locale, locale.other()]
        .into_iter()
        .map(|language| (*text.get(language), language))
        .find(|(text, _)| !text.trim().is_empty())
        .map(|(text, language)| (text.to_owned(), language))
}

/// Collects whether any text fell back to the other language.
struct Chooser {
    locale: Locale,
    fell_back: bool,
}

impl Chooser {
    fn pick(&mut self, text: Localized<&str>) -> Option<(String, &'static str)> {
        let (text, language) = choose(self.locale, text)?;
        self.fell_back |= language != self.locale;
        Some((text, language.code()))
    }
}

/// A heading one level below the article's own title.
fn heading(in_preview: bool, text: &'static str) -> AnyView {
    if in_preview {
        view! { <h3>{text}</h3> }.into_any()
    } else {
        view! { <h2>{text}</h2> }.into_any()
    }
}

#[component]
pub fn NoticeArticle(
    notice: NoticeView,
    /// Inside the editor: the title is not the page's `<h1>`.
    #[prop(optional)]
    in_preview: bool,
) -> impl IntoView {
    let locale = use_locale();
    let s = use_strings();
    move || {
        let s = s();
        let n = &s.notice;
        let mut chooser = Chooser {
            locale: locale.get(),
            fell_back: false,
        };
        let rendered = &notice.notice;
        let in_both = |field: fn(&RenderedText) -> &String| {
            rendered.text.as_ref().map(|text| field(text).as_str())
        };
        let title = chooser.pick(in_both(|t| &t.title)).map(|(text, lang)| {
            if in_preview {
                view! { <h2 lang=lang>{text}</h2> }.into_any()
            } else {
                view! { <h1 lang=lang>{text}</h1> }.into_any()
            }
        });
        let summary = chooser
            .pick(in_both(|t| &t.summary))
            .map(|(text, lang)| view! { <p class="lead" lang=lang>{text}</p> });
        let body = chooser
            .pick(in_both(|t| &t.body_html))
            .map(|(html, lang)| view! { <div class="prose" lang=lang inner_html=html></div> });
        let dates = notice.published_on.clone().map(|published| {
            let updated = notice.updated_on.clone().map(|updated| {
                view! {
                    " · "
                    {n.updated}
                    ": "
                    <time datetime=updated.clone()>{dates::date(chooser.locale, &updated)}</time>
                }
            });
            view! {
                <p class="notice-dates">
                    {n.published} ": "
                    <time datetime=published.clone()>{dates::date(chooser.locale, &published)}</time>
                    {updated}
                </p>
            }
        });
        // The publications, once there is more than the first: 第2報 and its note.
        let history = (notice.history.len() > 1).then(|| {
            let items = notice
                .history
                .iter()
                .map(|entry| {
                    let date = entry.date.clone();
                    let number = fill(n.history_number, &[("number", &entry.number.to_string())]);
                    let note = chooser
                        .pick(entry.note.as_ref().map(String::as_str))
                        .map(|(text, lang)| view! { ": " <span lang=lang>{text}</span> });
                    view! {
                        <li>
                            <time datetime=date.clone()>{dates::date(chooser.locale, &date)}</time>
                            " "
                            {number}
                            {note}
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <section class="notice-section notice-history">
                    {heading(in_preview, n.history)} <ol>{items}</ol>
                </section>
            }
        });
        let timeline = rendered
            .timeline
            .iter()
            .filter_map(|event| {
                let (text, lang) = chooser.pick(event.text.as_ref().map(String::as_str))?;
                let date = event.date.clone();
                Some(view! {
                    <li>
                        <time datetime=date.clone()>{dates::date(chooser.locale, &date)}</time>
                        " "
                        <span lang=lang>{text}</span>
                    </li>
                })
            })
            .collect::<Vec<_>>();
        let timeline = (!timeline.is_empty()).then(|| {
            view! {
                <section class="notice-section">
                    {heading(in_preview, n.timeline)} <ol class="timeline">{timeline}</ol>
                </section>
            }
        });
        let categories = (!notice.categories.is_empty()).then(|| {
            let items = notice
                .categories
                .iter()
                .map(|label| {
                    view! { <li>{label.get(chooser.locale).clone()}</li> }
                })
                .collect::<Vec<_>>();
            view! {
                <section class="notice-section">
                    {heading(in_preview, n.categories)} <ul class="categories">{items}</ul>
                </section>
            }
        });
        let actions = rendered
            .actions
            .iter()
            .filter_map(|action| {
                let (text, lang) = chooser.pick(action.as_ref().map(String::as_str))?;
                Some(view! { <li lang=lang>{text}</li> })
            })
            .collect::<Vec<_>>();
        let actions = (!actions.is_empty()).then(|| {
            view! {
                <section class="notice-section">
                    {heading(in_preview, n.actions)} <ul>{actions}</ul>
                </section>
            }
        });
        let faq = rendered
            .faq
            .iter()
            .filter_map(|entry| {
                let (question, question_lang) =
                    chooser.pick(entry.question.as_ref().map(String::as_str))?;
                let (answer, answer_lang) =
                    chooser.pick(entry.answer_html.as_ref().map(String::as_str))?;
                Some(view! {
                    <details class="faq">
                        <summary lang=question_lang>{question}</summary>
                        <div class="prose" lang=answer_lang inner_html=answer></div>
                    </details>
                })
            })
            .collect::<Vec<_>>();
        let faq = (!faq.is_empty()).then(|| {
            view! { <section class="notice-section">{heading(in_preview, n.faq)} {faq}</section> }
        });
        let contact = match chooser.pick(in_both(|t| &t.contact_html)) {
            Some((html, lang)) => {
                view! { <div class="prose" lang=lang inner_html=html></div> }.into_any()
            }
            None => view! { <HelpdeskDetails/> }.into_any(),
        };
        let fallback = chooser.fell_back.then(|| {
            let other = chooser.locale.other().native_name();
            view! {
                <p class="notice notice--info" role="note">
                    {fill(n.fallback_note, &[("language", other)])}
                </p>
            }
        });
        view! {
            <article class="notice-article">
                {title} {dates} {fallback} {summary}
                <p>
                    <a class="button check-link" href="/check">
                        {n.check_link}
                    </a>
                </p> {body} {history} {timeline} {categories} {actions} {faq}
                <section class="notice-section">{heading(in_preview, n.contact)} {contact}</section>
            </article>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_translation_falls_back_to_the_other_language() {
        let both = Localized::new;
        assert_eq!(
            choose(Locale::En, both("本文", "Body")),
            Some(("Body".into(), Locale::En))
        );
        assert_eq!(
            choose(Locale::En, both("本文", "  ")),
            Some(("本文".into(), Locale::Ja))
        );
        assert_eq!(
            choose(Locale::Ja, both("", "Body")),
            Some(("Body".into(), Locale::En))
        );
        assert_eq!(choose(Locale::Ja, both("", "")), None);
    }
}
