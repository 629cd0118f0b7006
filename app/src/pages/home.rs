use crate::head_text;
use crate::{site::SiteInfo, use_strings};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let s = use_strings();
    let site = expect_context::<SiteInfo>();
    let name = site.name.clone();
    let title = head_text(move |s| format!("{} | {}", s.home_title, name));

    view! {
        <Title text=title/>
        <Meta name="description" content=head_text(|s| s.home_intro.to_owned())/>
        <h1>{move || s().home_title}</h1>
        <p class="lead">{move || s().home_intro}</p>
        <p>
            <a class="button check-link" href="/check">{move || s().check.link}</a>
        </p>
        <section class="notices" aria-labelledby="notices-heading">
            <h2 id="notices-heading">{move || s().notices_heading}</h2>
            <p class="empty">{move || s().notices_empty}</p>
        </section>
    }
}
