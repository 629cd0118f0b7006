//! `/staff/users/<id>/enrolment`: the QR code a new staff member scans, shown to admins
//! until that account first signs in.

use crate::components::PageTitle;
use crate::head_text;
use crate::staff_api::staff_enrolment;
use crate::use_strings;
use leptos::prelude::*;

#[component]
pub fn StaffEnrolmentPage() -> impl IntoView {
    let s = use_strings();
    let id = super::numeric_param("id");
    let enrolment = Resource::new_blocking(id, staff_enrolment);
    let body = move || {
        Suspend::new(async move {
            match enrolment.await {
                Ok(Some(enrolment)) => view! {
                    <p>{move || s().enrolment_intro}</p>
                    <p class="enrolment-account">
                        <strong>{enrolment.email}</strong>
                    </p>
                    <div class="qr" inner_html=enrolment.qr_svg></div>
                    <p>{move || s().enrolment_manual}</p>
                    <p>
                        <code class="enrolment-uri">{enrolment.uri}</code>
                    </p>
                }
                .into_any(),
                Ok(None) => {
                    view! { <p class="notice" role="status">{move || s().enrolment_gone}</p> }
                        .into_any()
                }
                Err(_) => view! {
                    <p class="notice notice--error" role="alert">{move || s().error_generic}</p>
                }
                .into_any(),
            }
        })
    };

    view! {
        <PageTitle text=head_text(|s| s.enrolment_title.to_owned())/>
        <h1>{move || s().enrolment_title}</h1>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
        <p>
            <a href="/staff/users">{move || s().enrolment_back}</a>
        </p>
    }
}
