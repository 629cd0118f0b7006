//! `/staff/datasets/new`: upload an affected-customer list. A multipart form post to the
//! server, which checks the encoding and headers at once and redirects to the job's
//! progress page, or back here saying what was wrong. When headers were not recognised
//! they come back in `?header=`, and this page asks what each holds.

use super::outcome::{DataOutcome, incident_title};
use crate::components::PageTitle;
use crate::components::Refused;
use crate::dataset_api::{UploadForm, load_upload_form};
use crate::head_text;
use crate::use_strings;
use breachcheck::import::columns::Column;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn megabytes(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// One select per unrecognised header; the server reads the pairs in order.
#[component]
fn HeaderMapping(headers: Vec<String>) -> impl IntoView {
    let s = use_strings();
    let rows = headers
        .into_iter()
        .enumerate()
        .map(|(index, header)| {
            let id = format!("map-{index}");
            let options = Column::ALL
                .into_iter()
                .map(|column| {
                    view! {
                        <option value=column.key()>{move || s().data.column(column)}</option>
                    }
                })
                .collect_view();
            view! {
                <input type="hidden" name="map_header" value=header.clone()/>
                <label for=id.clone()>
                    {move || s().data.upload_mapping_header} ": " <code>{header.clone()}</code>
                </label>
                <select id=id name="map_column">
                    <option value="ignore">{move || s().data.column_ignore}</option>
                    {options}
                </select>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{move || s().data.upload_mapping_heading}</legend>
            <p>{move || s().data.upload_mapping_intro}</p>
            {rows}
        </fieldset>
    }
}

#[component]
fn UploadFields(form: UploadForm, chosen: Option<String>, headers: Vec<String>) -> impl IntoView {
    let s = use_strings();
    if form.incidents.is_empty() {
        return view! {
            <p>
                <a href="/staff/incidents">{move || s().data.upload_no_incidents}</a>
            </p>
        }
        .into_any();
    }
    let options = form
        .incidents
        .into_iter()
        .map(|incident| {
            let selected = chosen.as_deref() == Some(incident.id.to_string().as_str());
            let title = incident_title(incident.title);
            view! {
                <option value=incident.id selected=selected>
                    {title}
                    " ("
                    {incident.slug}
                    ")"
                </option>
            }
            .into_any()
        })
        .collect_view();
    let limit = megabytes(form.limit_bytes);
    let hint = move || crate::i18n::fill(s().data.upload_file_hint, &[("size", &limit)]);
    view! {
        <form
            class="form"
            method="post"
            action="/staff/datasets"
            enctype="multipart/form-data"
        >
            <label for="upload-incident">{move || s().data.upload_incident}</label>
            <select id="upload-incident" name="incident" required>
                {options}
            </select>
            {(!headers.is_empty()).then(|| view! { <HeaderMapping headers/> })}
            <label for="upload-file">{move || s().data.upload_file}</label>
            <input
                id="upload-file"
                name="file"
                type="file"
                accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
                required
                aria-describedby="upload-file-hint"
            />
            <p id="upload-file-hint" class="hint">{hint}</p>
            <button type="submit">{move || s().data.upload_submit}</button>
        </form>
    }
    .into_any()
}

#[component]
pub fn StaffUploadPage() -> impl IntoView {
    let s = use_strings();
    let query = use_query_map();
    let form = Resource::new_blocking(|| (), |_| load_upload_form());
    let body = move || {
        Suspend::new(async move {
            let (chosen, headers) = query
                .with_untracked(|q| (q.get("incident"), q.get_all("header").unwrap_or_default()));
            match form.await {
                Ok(form) => view! { <UploadFields form chosen headers/> }.into_any(),
                Err(_) => view! { <Refused/> }.into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.data.upload_title.to_owned())/>
        <h1>{move || s().data.upload_title}</h1>
        <DataOutcome done=|s| s.data.action_done/>
        <p>{move || s().data.upload_intro}</p>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}
