//! `/staff/incidents/:slug/notice`: an admin writes the incident's notice in both
//! languages, sees it as the public will, saves revisions, publishes and unpublishes.
//! Every change is a form post (post/redirect/get); the form and its preview are an island,
//! and once hydrated the preview follows the typing.

use super::outcome::{PostOutcome, incident_title};
use crate::components::{NoticeArticle, Refused, TableHead};
use crate::components::{PageTitle, TextArea};
use crate::i18n::{Locale, Strings};
use crate::i18n::{dates, fill};
use crate::notice_api::{NoticeEditor, NoticeView, load_notice_editor};
use crate::outcome::{CONFIRMED_FIELD, Confirm, Done};
use crate::site::SiteInfo;
use crate::{head_text, provide_locale, use_locale, use_strings};
use breachcheck::notice::{Action, FaqEntry, Missing, NoticeContent, TimelineEvent};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Empty rows offered after the written ones; saving adds more.
const BLANK_ROWS: usize = 2;

pub fn missing_text(s: &'static Strings, missing: Missing) -> &'static str {
    match missing {
        Missing::TitleJa => s.notice.missing_title_ja,
        Missing::TitleEn => s.notice.missing_title_en,
        Missing::BodyJa => s.notice.missing_body_ja,
        Missing::BodyEn => s.notice.missing_body_en,
    }
}

fn done_text(s: &'static Strings, done: Done) -> &'static str {
    match done {
        Done::Published => s.notice.published_done,
        Done::Unpublished => s.notice.unpublished_done,
        Done::Restored => s.notice.restored,
        Done::Saved | Done::Made | Done::Totp => s.notice.saved,
    }
}

/// A labelled single-line field.
#[component]
fn Field(
    id: String,
    name: String,
    label: fn(&'static Strings) -> &'static str,
    value: String,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let s = use_strings();
    view! {
        <label for=id.clone()>{move || label(s())}</label>
        <input
            id=id
            name=name
            value=value
            maxlength=maxlength
            type=kind.unwrap_or("text")
            placeholder=placeholder
        />
    }
}

/// A labelled Markdown area.
#[component]
fn Area(
    id: String,
    name: String,
    label: fn(&'static Strings) -> &'static str,
    value: String,
    rows: u32,
) -> impl IntoView {
    let s = use_strings();
    view! {
        <label for=id.clone()>{move || label(s())}</label>
        <TextArea id name value rows describedby="notice-markdown-hint"/>
    }
}

#[component]
fn LanguageFields(lang: &'static str, text: breachcheck::notice::NoticeText) -> impl IntoView {
    let s = use_strings();
    let legend = move || {
        if lang == "ja" {
            s().notice.japanese
        } else {
            s().notice.english
        }
    };
    let id = move |field: &str| format!("notice-{field}-{lang}");
    let name = move |field: &str| format!("{field}_{lang}");
    view! {
        <fieldset class="notice-language">
            <legend>{legend}</legend>
            <Field
                id=id("title")
                name=name("title")
                label=|s| s.notice.title_field
                value=text.title
                maxlength=200
            />
            <Field
                id=id("summary")
                name=name("summary")
                label=|s| s.notice.summary_field
                value=text.summary
                maxlength=300
            />
            <Area id=id("body") name=name("body") label=|s| s.notice.body_field value=text.body rows=12/>
            <Area
                id=id("contact")
                name=name("contact")
                label=|s| s.notice.contact_field
                value=text.contact
                rows=4
            />
        </fieldset>
    }
}

fn padded<T: Default + Clone>(rows: &[T]) -> Vec<(usize, T)> {
    rows.iter()
        .cloned()
        .chain(std::iter::repeat_n(T::default(), BLANK_ROWS))
        .enumerate()
        .collect()
}

#[component]
fn Rows(content: NoticeContent) -> impl IntoView {
    let s = use_strings();
    let timeline = padded(&content.timeline)
        .into_iter()
        .map(|(i, event): (usize, TimelineEvent)| {
            view! {
                <div class="notice-row">
                    <Field
                        id=format!("timeline-date-{i}")
                        name="timeline_date".into()
                        label=|s| s.notice.date_field
                        value=event.date
                        maxlength=10
                        placeholder="2025-02-05"
                    />
                    <Field
                        id=format!("timeline-ja-{i}")
                        name="timeline_ja".into()
                        label=|s| s.notice.event_ja
                        value=event.text.ja
                    />
                    <Field
                        id=format!("timeline-en-{i}")
                        name="timeline_en".into()
                        label=|s| s.notice.event_en
                        value=event.text.en
                    />
                </div>
            }
        })
        .collect_view();
    let actions = padded(&content.actions)
        .into_iter()
        .map(|(i, action): (usize, Action)| {
            view! {
                <div class="notice-row">
                    <Field
                        id=format!("action-ja-{i}")
                        name="action_ja".into()
                        label=|s| s.notice.action_ja
                        value=action.ja
                    />
                    <Field
                        id=format!("action-en-{i}")
                        name="action_en".into()
                        label=|s| s.notice.action_en
                        value=action.en
                    />
                </div>
            }
        })
        .collect_view();
    let faq = padded(&content.faq)
        .into_iter()
        .map(|(i, entry): (usize, FaqEntry)| {
            view! {
                <div class="notice-row">
                    <Field
                        id=format!("faq-question-ja-{i}")
                        name="faq_question_ja".into()
                        label=|s| s.notice.question_ja
                        value=entry.question.ja
                    />
                    <Area
                        id=format!("faq-answer-ja-{i}")
                        name="faq_answer_ja".into()
                        label=|s| s.notice.answer_ja
                        value=entry.answer.ja
                        rows=3
                    />
                    <Field
                        id=format!("faq-question-en-{i}")
                        name="faq_question_en".into()
                        label=|s| s.notice.question_en
                        value=entry.question.en
                    />
                    <Area
                        id=format!("faq-answer-en-{i}")
                        name="faq_answer_en".into()
                        label=|s| s.notice.answer_en
                        value=entry.answer.en
                        rows=3
                    />
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{move || s().notice.timeline}</legend>
            <p class="hint">{move || s().notice.timeline_hint}</p>
            {timeline}
        </fieldset>
        <fieldset>
            <legend>{move || s().notice.actions}</legend>
            {actions}
        </fieldset>
        <fieldset>
            <legend>{move || s().notice.faq}</legend>
            {faq}
        </fieldset>
        <p class="hint">{move || s().notice.rows_hint}</p>
    }
}

#[component]
fn Status(editor: NoticeEditor) -> impl IntoView {
    let s = use_strings();
    let latest = editor.revisions.first().map(|r| r.number);
    let published = editor.published_revision;
    let status = move || match published {
        None => s().notice.status_draft.to_owned(),
        Some(number) => fill(
            s().notice.status_published_revision,
            &[("revision", &number.to_string())],
        ),
    };
    let changed = (published.is_some() && latest != published)
        .then(|| view! { <p class="hint">{move || s().notice.status_changed}</p> });
    let missing = editor.missing.clone();
    let missing = (!missing.is_empty()).then(|| {
        let items = missing
            .into_iter()
            .map(|m| view! { <li>{move || missing_text(s(), m)}</li> })
            .collect_view();
        view! {
            <div class="notice notice--info" id="notice-missing">
                <p>{move || s().notice.missing_intro}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    view! {
        <p class="notice-status">
            <strong>{move || s().notice.status} ": "</strong>
            <span>{status}</span>
        </p>
        {changed}
        {missing}
    }
}

/// Publishing and unpublishing ask once more: the first post comes back here with
/// `?confirm=`, and this says what the step will change and makes the second post.
#[component]
fn ConfirmNotice(
    base: String,
    step: Confirm,
    revision: Option<i64>,
    published: Option<i64>,
    /// Earlier publications: an update says what it changes.
    publications: i64,
) -> impl IntoView {
    let s = use_strings();
    // A note refused comes back in the query, so that nothing typed is lost.
    let query = leptos_router::hooks::use_query_map();
    let typed = |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let note = (step == Confirm::Publish && publications > 0).then(|| {
        view! {
            <fieldset>
                <legend>{move || s().notice.note_heading}</legend>
                <p class="hint" id="note-hint">{move || s().notice.note_hint()}</p>
                <label for="note-ja">{move || s().notice.note_ja}</label>
                <input
                    id="note-ja"
                    name="note_ja"
                    required
                    maxlength="200"
                    value=typed("note_ja")
                    aria-describedby="note-hint"
                />
                <label for="note-en">{move || s().notice.note_en}</label>
                <input
                    id="note-en"
                    name="note_en"
                    required
                    maxlength="200"
                    value=typed("note_en")
                    aria-describedby="note-hint"
                />
            </fieldset>
        }
    });
    let path = base
        .strip_prefix("/staff")
        .and_then(|rest| rest.strip_suffix("/notice"))
        .unwrap_or_default()
        .to_owned();
    let text = move || {
        let n = |number: Option<i64>| number.map(|n| n.to_string()).unwrap_or_default();
        let (revision, shown) = (n(revision), n(published));
        let fields = [
            ("revision", revision.as_str()),
            ("published", shown.as_str()),
            ("path", path.as_str()),
        ];
        let template = match (step, published) {
            (Confirm::Unpublish, _) => s().notice.confirm_unpublish,
            (_, Some(_)) => s().notice.confirm_publish_replace,
            (_, None) => s().notice.confirm_publish_first,
        };
        let used: Vec<(&str, &str)> = fields
            .into_iter()
            .filter(|(name, _)| template.contains(&format!("{{{name}}}")))
            .collect();
        fill(template, &used)
    };
    let (action, label): (&str, fn(&'static crate::i18n::Strings) -> &'static str) = match step {
        Confirm::Unpublish => ("unpublish", |s| s.notice.unpublish),
        _ => ("publish", |s| s.notice.publish),
    };
    let heading = move || fill(s().data.confirm_heading, &[("action", label(s()))]);
    view! {
        <section class="confirm" id="confirm" aria-labelledby="confirm-heading">
            <h2 id="confirm-heading">{heading}</h2>
            <p>{text}</p>
            <form class="form" method="post" action=format!("{base}/{action}")>
                <input type="hidden" name=CONFIRMED_FIELD value="yes"/>
                {revision.map(|n| view! { <input type="hidden" name="revision" value=n/> })}
                {note}
                <button type="submit">{move || s().data.confirm_yes}</button>
                <a href=base.clone()>{move || s().data.confirm_cancel}</a>
            </form>
        </section>
    }
}

#[component]
fn PublishControls(editor: NoticeEditor) -> impl IntoView {
    let s = use_strings();
    let base = format!("/staff/incidents/{}/notice", editor.incident.slug);
    let latest = editor.revisions.first().map(|r| r.number);
    let query = leptos_router::hooks::use_query_map();
    let asked = query
        .read_untracked()
        .get("confirm")
        .and_then(|code| Confirm::parse(&code));
    let revision = query
        .read_untracked()
        .get("revision")
        .and_then(|n| n.parse::<i64>().ok());
    let published = editor.published_revision;
    // Asked about what this page shows: the latest revision, or a published notice.
    let step = match asked {
        Some(Confirm::Publish) if revision.is_some() && revision == latest => asked,
        Some(Confirm::Unpublish) if published.is_some() => asked,
        _ => None,
    };
    if let Some(step) = step {
        let publications = editor.publications;
        return view! { <ConfirmNotice base step revision published publications/> }.into_any();
    }
    let publish = latest.map(|number| {
        view! {
            <form class="form form--inline" method="post" action=format!("{base}/publish")>
                <input type="hidden" name="revision" value=number/>
                <button type="submit">{move || s().notice.publish}</button>
            </form>
        }
    });
    let unpublish = editor.published_revision.map(|_| {
        view! {
            <form class="form form--inline" method="post" action=format!("{base}/unpublish")>
                <button type="submit" class="button--secondary">
                    {move || s().notice.unpublish}
                </button>
            </form>
        }
    });
    view! { <div class="actions">{publish} {unpublish}</div> }.into_any()
}

#[component]
fn Revisions(editor: NoticeEditor) -> impl IntoView {
    let s = use_strings();
    if editor.revisions.is_empty() {
        return view! { <p>{move || s().notice.revisions_none}</p> }.into_any();
    }
    let slug = editor.incident.slug.clone();
    let locale = use_locale();
    let published = editor.published_revision;
    let rows = editor
        .revisions
        .into_iter()
        .map(|row| {
            let base = format!("/staff/incidents/{slug}/notice/revisions/{}", row.number);
            let marker = (Some(row.number) == published).then(
                || view! { " " <span class="badge">{move || s().notice.status_published}</span> },
            );
            view! {
                <tr>
                    <td>{row.number} {marker}</td>
                    <td>{move || dates::moment(locale.get(), &row.saved_at)}</td>
                    <td>{row.saved_by}</td>
                    <td>
                        <a href=base.clone()>{move || s().notice.revision_view}</a>
                        <form class="inline-form" method="post" action=format!("{base}/restore")>
                            <button type="submit" class="button--secondary">
                                {move || s().notice.revision_restore}
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="staff-table">
                <TableHead columns=vec![
                    |s| s.notice.revision,
                    |s| s.notice.revision_saved_at,
                    |s| s.notice.revision_saved_by,
                    |s| s.users_actions,
                ]/>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Editor(editor: NoticeEditor) -> impl IntoView {
    let s = use_strings();
    let title = incident_title(editor.incident.title.clone());
    let action = format!("/staff/incidents/{}/notice", editor.incident.slug);
    let site = expect_context::<SiteInfo>();
    let base = NoticeView {
        slug: editor.incident.slug.clone(),
        notice: Default::default(),
        categories: editor.incident.categories.clone(),
        published_on: None,
        updated_on: None,
        history: Vec::new(),
    };
    view! {
        <p class="lead">{title}</p>
        <Status editor=editor.clone()/>
        <PublishControls editor=editor.clone()/>
        <NoticeForm
            locale=use_locale().get_untracked()
            site
            action
            content=editor.content.clone()
            saved=editor.preview.clone()
            base
        />
        <section aria-labelledby="notice-revisions-heading">
            <h2 id="notice-revisions-heading">{move || s().notice.revisions}</h2>
            <Revisions editor/>
        </section>
    }
}

/// The form and its preview: an island, so that the preview can follow the typing. `saved`
/// is the newest revision's rendering; `base` what every preview shares (the incident's
/// slug and categories); `site` the helpdesk a notice without its own contact shows.
#[island]
fn NoticeForm(
    locale: Locale,
    site: SiteInfo,
    action: String,
    content: NoticeContent,
    saved: Option<NoticeView>,
    base: NoticeView,
) -> impl IntoView {
    provide_locale(locale);
    provide_context(site);
    let s = use_strings();
    // What the form says now, rendered by the server; `None` until the admin types.
    let live = RwSignal::new(None::<NoticeView>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_input = move |_| {
        #[cfg(feature = "hydrate")]
        live_preview::schedule(form_ref, base.clone(), live);
        #[cfg(not(feature = "hydrate"))]
        let _ = (&base, form_ref, live);
    };
    let preview = move || match live.get().or_else(|| saved.clone()) {
        Some(notice) => view! { <NoticeArticle notice in_preview=true/> }.into_any(),
        None => view! { <p>{move || s().notice.preview_empty}</p> }.into_any(),
    };
    view! {
        <div class="notice-editor">
            <form
                class="form notice-form"
                method="post"
                action=action
                node_ref=form_ref
                on:input=on_input
            >
                <p class="hint" id="notice-markdown-hint">{move || s().notice.markdown_hint}</p>
                <LanguageFields lang="ja" text=content.text.ja.clone()/>
                <LanguageFields lang="en" text=content.text.en.clone()/>
                <Rows content=content.clone()/>
                <p class="hint">{move || s().notice.categories_hint}</p>
                <button type="submit">{move || s().notice.save}</button>
            </form>
            <section class="notice-preview" aria-labelledby="notice-preview-heading">
                <h2 id="notice-preview-heading">{move || s().notice.preview}</h2>
                <p class="hint">{move || s().notice.preview_hint}</p>
                <div class="preview-frame" aria-live="polite">{preview}</div>
            </section>
        </div>
    }
}

#[component]
pub fn StaffNoticePage() -> impl IntoView {
    let s = use_strings();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let editor = Resource::new_blocking(slug, load_notice_editor);
    let page = move || {
        Suspend::new(async move {
            match editor.await {
                Ok(editor) => view! { <Editor editor/> }.into_any(),
                Err(_) => view! { <Refused/> }.into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.notice.editor_title.to_owned())/>
        <h1>{move || s().notice.editor_title}</h1>
        <p>
            <a href="/staff/incidents">{move || s().data.incidents_title}</a>
        </p>
        <PostOutcome done=done_text/>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{page}</Suspense>
    }
}

/// The preview that follows the typing: the form's fields, a moment after the last
/// keystroke, rendered by the server exactly as a save would render them.
#[cfg(feature = "hydrate")]
mod live_preview {
    use crate::notice_api::{NoticeView, preview_notice};
    use breachcheck::notice::NoticeContent;
    use leptos::prelude::*;
    use std::cell::Cell;

    thread_local! {
        static GENERATION: Cell<u64> = const { Cell::new(0) };
    }

    const QUIET_MS: u64 = 400;

    fn fields(form: &leptos::web_sys::HtmlFormElement) -> Option<Vec<(String, String)>> {
        let data = leptos::web_sys::FormData::new_with_form(form).ok()?;
        let params =
            leptos::web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
        let encoded: String = params.to_string().into();
        Some(
            url::form_urlencoded::parse(encoded.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn schedule(
        form: NodeRef<leptos::html::Form>,
        base: NoticeView,
        live: RwSignal<Option<NoticeView>>,
    ) {
        let generation = GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        set_timeout(
            move || {
                // A later keystroke has its own timer.
                if GENERATION.with(Cell::get) != generation {
                    return;
                }
                let Some(fields) = form.get_untracked().and_then(|form| fields(&form)) else {
                    return;
                };
                let content = NoticeContent::from_form(&fields);
                leptos::task::spawn_local(async move {
                    if let Ok(rendered) = preview_notice(content).await
                        && GENERATION.with(Cell::get) == generation
                    {
                        live.set(Some(NoticeView {
                            notice: rendered,
                            ..base
                        }));
                    }
                });
            },
            std::time::Duration::from_millis(QUIET_MS),
        );
    }
}
