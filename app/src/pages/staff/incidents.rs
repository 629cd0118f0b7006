//! `/staff/incidents`: admins list incidents and register new ones (a plain form post to
//! the server, answered by a redirect back here).

use super::outcome::{DataOutcome, IncidentFields, incident_title, use_returned};
use crate::components::PageTitle;
use crate::components::{Refused, TableHead, TextArea};
use crate::dataset_api::{IncidentView, incident_form, list_incidents};
use crate::head_text;
use crate::i18n::dates;
use crate::{use_locale, use_strings};
use breachcheck::dataset::category::Standard;
use leptos::prelude::*;

#[component]
fn IncidentRow(incident: IncidentView) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let title = incident_title(incident.title.clone());
    let categories = incident.categories.clone();
    let labels = move || {
        let locale = locale.get();
        categories
            .iter()
            .map(|c| c.get(locale).as_str())
            .collect::<Vec<_>>()
            .join(s().list_separator)
    };
    view! {
        <tr>
            <td>
                <code>{incident.slug.clone()}</code>
            </td>
            <td>
                {title} <br/>
                <a href=format!("/staff/incidents/{}/notice", incident.slug)>
                    {move || s().notice.editor_link}
                </a>
                " · "
                <a href=format!("/staff/incidents/{}/edit", incident.slug)>
                    {move || s().data.incident_edit}
                </a>
            </td>
            <td>
                {move || {
                    dates::period(
                            locale.get(),
                            incident.occurred_from.as_deref(),
                            incident.occurred_to.as_deref(),
                        )
                        .unwrap_or_else(|| "—".to_owned())
                }}
            </td>
            <td>
                {move || {
                    incident
                        .announced_on
                        .as_deref()
                        .map_or_else(|| "—".to_owned(), |on| dates::date(locale.get(), on))
                }}
            </td>
            <td>{labels}</td>
        </tr>
    }
}

#[component]
fn NewIncidentForm() -> impl IntoView {
    // After a refusal the server renders this page with what was sent.
    let typed = use_returned().map(|r| r.fields).unwrap_or_default();
    view! { <IncidentForm typed editing=None/> }
}

/// The incident form: registering one, or (`editing`, its slug) changing one, whose slug
/// stays as it is.
#[component]
pub(super) fn IncidentForm(typed: IncidentFields, editing: Option<String>) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let boxes = Standard::ALL
        .into_iter()
        .map(|standard| {
            let id = format!("category-{}", standard.key());
            let for_id = id.clone();
            let checked = typed.category.iter().any(|key| key == standard.key());
            let label = move || *standard.labels().get(locale.get());
            view! {
                <label class="checkbox" for=for_id>
                    <input
                        id=id
                        type="checkbox"
                        name="category"
                        value=standard.key()
                        checked=checked
                    />
                    {label}
                </label>
            }
        })
        .collect_view();
    let action = editing.as_ref().map_or_else(
        || "/staff/incidents".to_owned(),
        |slug| format!("/staff/incidents/{slug}/edit"),
    );
    let slug_field = match editing.clone() {
        Some(slug) => view! {
            <p>
                <strong>{move || s().data.incident_slug} ": "</strong>
                <code>{slug}</code>
            </p>
        }
        .into_any(),
        None => view! {
            <label for="incident-slug">{move || s().data.incident_slug}</label>
            <input
                id="incident-slug"
                name="slug"
                value=typed.slug.clone()
                required
                pattern="[a-z0-9\\-]{3,64}"
                aria-describedby="incident-slug-hint"
            />
            <p id="incident-slug-hint" class="hint">{move || s().data.incident_slug_hint()}</p>
        }
        .into_any(),
    };
    let editing = editing.is_some();
    view! {
        {(!editing).then(|| view! { <h2>{move || s().data.incidents_add_heading}</h2> })}
        <form class="form" method="post" action=action>
            {slug_field}
            <label for="incident-title-ja">{move || s().data.incident_title_ja}</label>
            <input
                id="incident-title-ja"
                name="title_ja"
                value=typed.title_ja.clone()
                required
                maxlength="200"
            />
            <label for="incident-title-en">{move || s().data.incident_title_en}</label>
            <input
                id="incident-title-en"
                name="title_en"
                value=typed.title_en.clone()
                required
                maxlength="200"
            />
            <label for="incident-from">{move || s().data.incident_occurred_from}</label>
            <input
                id="incident-from"
                name="occurred_from"
                type="date"
                value=typed.occurred_from.clone()
            />
            <label for="incident-to">{move || s().data.incident_occurred_to}</label>
            <input id="incident-to" name="occurred_to" type="date" value=typed.occurred_to.clone()/>
            <label for="incident-announced">{move || s().data.incident_announced_on}</label>
            <input
                id="incident-announced"
                name="announced_on"
                type="date"
                value=typed.announced_on.clone()
            />
            <fieldset>
                <legend>{move || s().data.incident_categories}</legend>
                {boxes}
            </fieldset>
            <label for="incident-free">{move || s().data.incident_free_categories}</label>
            <TextArea
                id="incident-free".to_owned()
                name="free_categories".to_owned()
                value=typed.free_categories.clone()
                rows=3
                describedby="incident-free-hint"
            />
            <p id="incident-free-hint" class="hint">{move || s().data.incident_free_hint}</p>
            <label for="incident-advice-ja">{move || s().data.incident_advice_ja}</label>
            <TextArea
                id="incident-advice-ja".to_owned()
                name="advice_ja".to_owned()
                value=typed.advice_ja.clone()
                rows=4
                maxlength=2000
                describedby="incident-advice-hint"
            />
            <label for="incident-advice-en">{move || s().data.incident_advice_en}</label>
            <TextArea
                id="incident-advice-en".to_owned()
                name="advice_en".to_owned()
                value=typed.advice_en.clone()
                rows=4
                maxlength=2000
                describedby="incident-advice-hint"
            />
            <p id="incident-advice-hint" class="hint">{move || s().data.incident_advice_hint()}</p>
            <button type="submit">
                {move || if editing { s().data.incident_save } else { s().data.incident_create }}
            </button>
        </form>
    }
}

#[component]
pub fn StaffIncidentsPage() -> impl IntoView {
    let s = use_strings();
    let incidents = Resource::new_blocking(|| (), |_| list_incidents());
    let listing = move || {
        Suspend::new(async move {
            match incidents.await {
                Ok(list) if list.is_empty() => view! {
                    <p>{move || s().data.incidents_empty}</p>
                    <NewIncidentForm/>
                }
                .into_any(),
                Ok(list) => {
                    let rows = list
                        .into_iter()
                        .map(|incident| view! { <IncidentRow incident/> }.into_any())
                        .collect_view();
                    view! {
                        <div class="table-wrap" tabindex="0">
                            <table class="staff-table">
                                <TableHead columns=vec![
                                    |s| s.data.incident_slug,
                                    |s| s.data.incident_title,
                                    |s| s.check.period,
                                    |s| s.data.incident_announced_on,
                                    |s| s.data.incident_categories,
                                ]/>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                        <p>
                            <a href="/staff/datasets">{move || s().data.datasets_link}</a>
                        </p>
                        <NewIncidentForm/>
                    }
                    .into_any()
                }
                Err(_) => view! { <Refused/> }.into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.data.incidents_title.to_owned())/>
        <h1>{move || s().data.incidents_title}</h1>
        <DataOutcome done=|s| s.data.incident_created/>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{listing}</Suspense>
    }
}

/// `/staff/incidents/:slug/edit`: an admin changes an incident's titles, dates, categories
/// and advice (a form post to the server; a refusal comes back with what was typed).
#[component]
pub fn StaffIncidentEditPage() -> impl IntoView {
    let s = use_strings();
    let params = leptos_router::hooks::use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let loaded = Resource::new_blocking(slug, incident_form);
    let returned = use_returned().map(|r| r.fields);
    let body = move || {
        let returned = returned.clone();
        Suspend::new(async move {
            match loaded.await {
                Ok(fields) => {
                    let editing = Some(fields.slug.clone());
                    let typed = returned.unwrap_or(fields);
                    view! { <IncidentForm typed editing/> }.into_any()
                }
                Err(_) => view! { <Refused/> }.into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.data.incident_edit_title.to_owned())/>
        <h1>{move || s().data.incident_edit_title}</h1>
        <p>{move || s().data.incident_edit_intro}</p>
        <DataOutcome done=|s| s.data.incident_saved/>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
        <p>
            <a href="/staff/incidents">{move || s().data.incidents_title}</a>
        </p>
    }
}
