//! `/staff/imports/:job`: how far an import has got. Rendered complete on the server; while
//! the job runs the page asks the browser to load it again every [`REFRESH_SECS`] seconds
//! (`<meta http-equiv="refresh">`), which needs no JavaScript.

use crate::components::PageTitle;
use crate::dataset_api::{ProgressView, import_progress};
use crate::head_text;
use crate::use_strings;
use breachcheck::import::JobStatus;
use leptos::prelude::*;
use leptos_meta::Meta;

/// How often a running import's page reloads itself.
pub const REFRESH_SECS: u32 = 2;

#[component]
fn ProgressFigures(progress: ProgressView) -> impl IntoView {
    let s = use_strings();
    let percent = progress.percent();
    let status = progress.status;
    let checking = status == JobStatus::Running && progress.total_rows == 0;
    let figure = |value: Option<u64>| value.map_or_else(|| "—".to_owned(), |v| v.to_string());
    let (rate, left) = (
        figure(progress.rows_per_second),
        figure(progress.seconds_left),
    );
    let outcome = match status {
        JobStatus::Done => view! {
            <p class="notice" role="status">{move || s().data.progress_done}</p>
            <p>
                <a href=format!(
                    "/staff/datasets/{}",
                    progress.dataset,
                )>{move || s().data.progress_view_report}</a>
            </p>
        }
        .into_any(),
        JobStatus::Failed => view! {
            <p class="notice notice--error" role="alert">{move || s().data.progress_failed}</p>
            <p>
                <code>{progress.error.clone().unwrap_or_default()}</code>
            </p>
        }
        .into_any(),
        JobStatus::Running => view! {
            <Meta http_equiv="refresh" content=REFRESH_SECS.to_string()/>
            <p>
                <a href="">{move || s().data.progress_refresh}</a>
            </p>
        }
        .into_any(),
    };
    view! {
        {checking.then(|| view! { <p>{move || s().data.progress_checking}</p> })}
        <progress max="100" value=percent aria-labelledby="import-percent"></progress>
        <p id="import-percent" class="progress-percent" data-status=status.as_str()>
            {format!("{percent}%")}
        </p>
        <dl class="facts">
            <dt>{move || s().data.progress_rows}</dt>
            <dd>{format!("{} / {}", progress.done_rows, progress.total_rows)}</dd>
            <dt>{move || s().data.progress_rate}</dt>
            <dd>{rate}</dd>
            <dt>{move || s().data.progress_left}</dt>
            <dd>{left} " " {move || s().data.progress_seconds}</dd>
        </dl>
        {outcome}
    }
}

#[component]
pub fn StaffImportPage() -> impl IntoView {
    let s = use_strings();
    let job = super::numeric_param("job");
    let progress = Resource::new_blocking(job, import_progress);

    let body = move || {
        Suspend::new(async move {
            match progress.await {
                Ok(view) => view! { <ProgressFigures progress=view/> }.into_any(),
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">
                        {move || s().data.error_dataset_not_found}
                    </p>
                }
                .into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.data.progress_title.to_owned())/>
        <h1>{move || s().data.progress_title}</h1>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}
