use crate::components::PageTitle;
use crate::head_text;
use crate::i18n::dates;
use crate::notice_api::{NoticeListing, list_notices};
use crate::{site::SiteInfo, use_locale, use_strings};
use leptos::prelude::*;
use leptos_meta::Meta;

#[component]
fn NoticeItem(notice: NoticeListing) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let href = format!("/incidents/{}", notice.slug);
    move || {
        let locale = locale.get();
        let (text, lang) = (notice.headline.get(locale), locale.code());
        let n = s().notice;
        let updated = notice.updated_on.clone().map(|updated| {
            view! {
                " · "
                {n.updated}
                ": "
                <time datetime=updated.clone()>{dates::date(locale, &updated)}</time>
            }
        });
        let summary = (!text.summary.is_empty())
            .then(|| view! { <p class="notice-summary" lang=lang>{text.summary.clone()}</p> });
        view! {
            <li class="notice-item">
                <h3 lang=lang>
                    <a href=href.clone()>{text.title.clone()}</a>
                </h3>
                <p class="notice-dates">
                    {n.published} ": "
                    <time datetime=notice.published_on.clone()>
                        {dates::date(locale, &notice.published_on)}
                    </time>
                    {updated}
                </p>
                {summary}
            </li>
        }
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let site = expect_context::<SiteInfo>();
    let name = site.name.clone();
    let title = head_text(move |s| format!("{} | {}", s.home_title, name));
    let notices = Resource::new_blocking(|| (), |_| list_notices());
    let listing = move || {
        Suspend::new(async move {
            match notices.await {
                Ok(list) if list.is_empty() => {
                    view! { <p class="empty">{move || s().notices_empty}</p> }.into_any()
                }
                Ok(list) => {
                    let items = list
                        .into_iter()
                        .map(|notice| view! { <NoticeItem notice/> })
                        .collect_view();
                    view! { <ul class="notice-list">{items}</ul> }.into_any()
                }
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">{move || s().error_generic}</p>
                }
                .into_any(),
            }
        })
    };

    view! {
        <PageTitle text=title/>
        <Meta name="description" content=head_text(|s| s.home_intro.to_owned())/>
        <h1>{move || s().home_title}</h1>
        <p class="lead">{move || s().home_intro}</p>
        <p>
            <a class="button check-link" href="/check">{move || s().check.link}</a>
        </p>
        <p>
            <a href="/check/domain">{move || s().domain.link}</a>
        </p>
        <section class="notices" aria-labelledby="notices-heading">
            <h2 id="notices-heading">{move || s().notices_heading}</h2>
            <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{listing}</Suspense>
            <p class="feed-link">
                <a
                    href=move || format!("/feed.atom?lang={}", locale.get().code())
                    type="application/atom+xml"
                    rel="external"
                >
                    {move || s().notice.feed}
                </a>
            </p>
        </section>
    }
}
