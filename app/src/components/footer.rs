use crate::{site::SiteInfo, use_strings};
use leptos::prelude::*;

#[component]
pub fn SiteFooter() -> impl IntoView {
    let s = use_strings();
    let site = expect_context::<SiteInfo>();
    let phone = site.helpdesk_phone.map(|phone| {
        let dial = format!("tel:{}", phone.replace([' ', '-'], ""));
        view! {
            <dt>{move || s().helpdesk_phone}</dt>
            <dd>
                <a href=dial>{phone}</a>
            </dd>
        }
    });
    let email = site.helpdesk_email.map(|email| {
        let mailto = format!("mailto:{email}");
        view! {
            <dt>{move || s().helpdesk_email}</dt>
            <dd>
                <a href=mailto>{email}</a>
            </dd>
        }
    });
    let hours = site.helpdesk_hours.map(|hours| {
        view! {
            <dt>{move || s().helpdesk_hours}</dt>
            <dd>{hours}</dd>
        }
    });

    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <section class="helpdesk" aria-labelledby="helpdesk-heading">
                    <h2 id="helpdesk-heading">{move || s().helpdesk_heading}</h2>
                    <dl>{phone} {email} {hours}</dl>
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
