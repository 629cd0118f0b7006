use crate::{site::SiteInfo, use_strings};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let s = use_strings();
    let site = expect_context::<SiteInfo>();
    let title = format!("{} | {}", s().home_title, site.name);

    view! {
        <Title text=title/>
        <Meta name="description" content=s().home_intro/>
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
