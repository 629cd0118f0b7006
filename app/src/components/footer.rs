use super::HelpdeskDetails;
use crate::{site::SiteInfo, use_strings};
use leptos::prelude::*;

#[component]
pub fn SiteFooter() -> impl IntoView {
    let s = use_strings();
    let site = expect_context::<SiteInfo>();
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <section class="helpdesk" aria-labelledby="helpdesk-heading">
                    <h2 id="helpdesk-heading">{move || s().helpdesk_heading}</h2>
                    <HelpdeskDetails/>
                </section>
                <p class="site-footer__note">
                    <span>"© " {site.name}</span>
                    " · "
                    <span>{move || s().footer_privacy}</span>
                </p>
            </div>
        </footer>
    }
}
