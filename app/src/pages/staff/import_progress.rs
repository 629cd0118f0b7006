//! `/staff/imports/:job`: how far an import has got. Rendered complete on the server, so
//! refreshing shows the latest figures without JavaScript; once hydrated it asks again
//! every second until the job ends.

use crate::components::PageTitle;
use crate::dataset_api::{ProgressView, import_progress};
use crate::head_text;
use crate::use_strings;
use breachcheck::import::JobStatus;
use leptos::prelude::*;

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

    // Only in the browser (effects do not run on the server): poll while the job runs.
    Effect::new(move |_| {
        let running = move || {
            progress
                .get_untracked()
                .and_then(Result::ok)
                .is_some_and(|p| p.status == JobStatus::Running)
        };
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if running() {
                    progress.refetch();
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });

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
        <Transition fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Transition>
    }
}
