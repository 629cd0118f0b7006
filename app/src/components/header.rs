use super::LanguageSwitch;
use crate::{site::SiteInfo, use_strings};
use leptos::prelude::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let s = use_strings();
    let site = expect_context::<SiteInfo>();

    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-name" href="/">
                    <span class="site-name__operator">{site.name}</span>
                    <span class="site-name__tagline">{move || s().site_tagline}</span>
                </a>
                <LanguageSwitch/>
            </div>
        </header>
    }
}
