//! `/incidents/<slug>`: a published notice. The server caches this page rendered (see the
//! server's `notice_pages`), so it reads nothing but the notice and the language.

use crate::components::NoticeArticle;
use crate::components::PageTitle;
use crate::notice_api::{NoticeView, load_notice};
use crate::pages::NotFound;
use crate::{head_text_in, use_strings};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

/// The notice's title and summary in `locale`, else the other language.
fn head(notice: &NoticeView, locale: crate::i18n::Locale) -> (String, String) {
    let text = &notice.notice.text;
    let (first, second) = (text.get(locale), text.get(locale.other()));
    let either = |a: &String, b: &String| {
        if a.trim().is_empty() {
            b.clone()
        } else {
            a.clone()
        }
    };
    (
        either(&first.title, &second.title),
        either(&first.summary, &second.summary),
    )
}

#[component]
fn Found(notice: NoticeView) -> impl IntoView {
    let name = expect_context::<crate::site::SiteInfo>().name;
    let for_title = notice.clone();
    let for_description = notice.clone();
    let title = head_text_in(move |locale| format!("{} | {}", head(&for_title, locale).0, name));
    let description = head_text_in(move |locale| head(&for_description, locale).1);
    view! {
        <PageTitle text=title/>
        <Meta name="description" content=description/>
        <NoticeArticle notice/>
    }
}

#[component]
pub fn NoticePage() -> impl IntoView {
    let s = use_strings();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let notice = Resource::new_blocking(slug, load_notice);
    let page = move || {
        Suspend::new(async move {
            match notice.await {
                Ok(Some(notice)) => view! { <Found notice/> }.into_any(),
                Ok(None) => view! { <NotFound/> }.into_any(),
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">{move || s().error_generic}</p>
                }
                .into_any(),
            }
        })
    };
    view! { <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{page}</Suspense> }
}
