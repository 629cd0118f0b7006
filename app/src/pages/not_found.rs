use crate::components::PageTitle;
use crate::head_text;
use crate::use_strings;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let s = use_strings();

    view! {
        <PageTitle text=head_text(|s| s.not_found_title.to_owned())/>
        <h1>{move || s().not_found_title}</h1>
        <p>{move || s().not_found_body}</p>
        <p>
            <a href="/">{move || s().back_home}</a>
        </p>
    }
}
