//! `/staff/incidents/:slug/notice/revisions/:number`: one saved revision as the public
//! would see it, with the way to restore it.

use super::numeric_param;
use crate::components::PageTitle;
use crate::components::{NoticeArticle, Refused};
use crate::i18n::{dates, fill};
use crate::notice_api::{RevisionView, load_notice_revision};
use crate::{head_text, use_locale, use_strings};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
fn Revision(revision: RevisionView) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let number = revision.row.number;
    let editor = format!("/staff/incidents/{}/notice", revision.incident.slug);
    let restore = format!("{editor}/revisions/{number}/restore");
    view! {
        <h1>{move || fill(s().notice.revision_title, &[("revision", &number.to_string())])}</h1>
        <p>
            {move || s().notice.revision_saved_at} ": "
            {
                let saved_at = revision.row.saved_at.clone();
                move || dates::moment(locale.get(), &saved_at)
            } " · "
            {move || s().notice.revision_saved_by} ": " {revision.row.saved_by.clone()}
        </p>
        <p>
            <a href=editor>{move || s().notice.back_to_editor}</a>
        </p>
        <form class="form form--inline" method="post" action=restore>
            <button type="submit">{move || s().notice.revision_restore}</button>
        </form>
        <div class="preview-frame">
            <NoticeArticle notice=revision.view in_preview=true/>
        </div>
    }
}

#[component]
pub fn StaffNoticeRevisionPage() -> impl IntoView {
    let s = use_strings();
    let params = use_params_map();
    let number = numeric_param("number");
    let key = move || (params.read().get("slug").unwrap_or_default(), number());
    let revision = Resource::new_blocking(key, |(slug, number)| load_notice_revision(slug, number));
    let page = move || {
        Suspend::new(async move {
            match revision.await {
                Ok(revision) => view! { <Revision revision/> }.into_any(),
                Err(_) => view! { <Refused/> }.into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.notice.revisions.to_owned())/>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{page}</Suspense>
    }
}
