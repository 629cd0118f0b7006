//! `/staff/incidents`: admins list incidents and register new ones (a plain form post to
//! the server, answered by a redirect back here).

use super::outcome::{DataOutcome, incident_title, use_returned};
use crate::components::PageTitle;
use crate::components::{Refused, TableHead, TextArea};
use crate::dataset_api::{IncidentView, list_incidents};
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
    let s = use_strings();
    let locale = use_locale();
    // After a refusal the server renders this page with what was sent.
    let typed = use_returned().map(|r| r.fields).unwrap_or_default();
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
    view! {
        <h2>{move || s().data.incidents_add_heading}</h2>
        <form class="form" method="post" action="/staff/incidents">
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
            <button type="submit">{move || s().data.incident_create}</button>
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
