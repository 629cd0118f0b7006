use crate::{site::SiteInfo, use_strings};
use leptos::prelude::*;

/// The helpdesk's phone, email and hours from configuration, as a description list: in
/// the footer of every page and in a lookup's answer.
#[component]
pub fn HelpdeskDetails() -> impl IntoView {
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
    view! { <dl class="helpdesk-details">{phone} {email} {hours}</dl> }
}
