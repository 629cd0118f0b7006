//! The landing page of the staff area, per role.

use crate::components::PageTitle;
use crate::head_text;
use crate::use_strings;
use breachcheck::staff::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a page may know about the signed-in staff member.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StaffView {
    pub display_name: String,
    pub email: String,
    pub role: Option<Role>,
}

impl StaffView {
    /// The staff member the server's gate let through, read from the request.
    #[cfg(feature = "ssr")]
    pub(crate) fn from_request() -> Self {
        use breachcheck::staff::sign_in::SignedIn;
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
            .map(|signed_in| StaffView {
                display_name: signed_in.display_name().to_owned(),
                email: signed_in.email().to_owned(),
                role: Some(signed_in.role()),
            })
            .unwrap_or_default()
    }

    #[cfg(not(feature = "ssr"))]
    pub(crate) fn from_request() -> Self {
        Self::default()
    }
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let s = use_strings();
    let me = StaffView::from_request();
    let role = me.role;
    let about = move || match role {
        Some(Role::Admin) => s().staff_home_admin,
        _ => s().staff_home_helpdesk,
    };

    view! {
        <PageTitle text=head_text(|s| s.staff_home_title.to_owned())/>
        <h1>{move || s().staff_home_title}</h1>
        <p>{about}</p>
        <p>{move || s().staff_home_nav}</p>
    }
}
