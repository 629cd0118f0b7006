//! `/staff/datasets`: every incident's affected-customer lists, newest first.

use super::outcome::incident_title;
use crate::components::PageTitle;
use crate::components::{Refused, TableHead};
use crate::dataset_api::{IncidentDatasets, list_datasets};
use crate::head_text;
use crate::i18n::dates;
use crate::{use_locale, use_strings};
use leptos::prelude::*;

#[component]
fn IncidentLists(entry: IncidentDatasets) -> impl IntoView {
    let locale = use_locale();
    let s = use_strings();
    let title = incident_title(entry.incident.title);
    let body = if entry.datasets.is_empty() {
        view! { <p>{move || s().data.datasets_empty}</p> }.into_any()
    } else {
        let rows = entry
            .datasets
            .into_iter()
            .map(|row| {
                let status = row.status;
                view! {
                    <tr>
                        <td>{row.id}</td>
                        <td>{move || s().data.status(status)}</td>
                        <td>{row.row_count}</td>
                        <td>{move || dates::moment(locale.get(), &row.created_at)}</td>
                        <td>
                            <a href=format!(
                                "/staff/datasets/{}",
                                row.id,
                            )>{move || s().data.dataset_open}</a>
                        </td>
                    </tr>
                }
                .into_any()
            })
            .collect_view();
        view! {
            <div class="table-wrap" tabindex="0">
                <table class="staff-table">
                    <TableHead columns=vec![
                        |s| s.data.dataset_number,
                        |s| s.data.dataset_status,
                        |s| s.data.dataset_rows,
                        |s| s.data.dataset_created,
                        |s| s.data.dataset_open,
                    ]/>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <h2>{title} " " <code>{entry.incident.slug}</code></h2>
        {body}
    }
}

#[component]
pub fn StaffDatasetsPage() -> impl IntoView {
    let s = use_strings();
    let listing = Resource::new_blocking(|| (), |_| list_datasets());
    let body = move || {
        Suspend::new(async move {
            match listing.await {
                Ok(list) => {
                    let empty = list.is_empty();
                    let sections = list
                        .into_iter()
                        .map(|entry| view! { <IncidentLists entry/> }.into_any())
                        .collect_view();
                    view! {
                        <ul class="staff-links">
                            <li>
                                <a href="/staff/datasets/new">
                                    {move || s().data.datasets_upload_link}
                                </a>
                            </li>
                            <li>
                                <a href="/staff/incidents">{move || s().data.incidents_link}</a>
                            </li>
                        </ul>
                        {empty.then(|| view! { <p>{move || s().data.incidents_empty}</p> })}
                        {sections}
                    }
                    .into_any()
                }
                Err(_) => view! { <Refused/> }.into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.data.datasets_title.to_owned())/>
        <h1>{move || s().data.datasets_title}</h1>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}
