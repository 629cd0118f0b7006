//! Pieces every staff listing repeats.

use crate::i18n::Strings;
use crate::use_strings;
use leptos::prelude::*;

/// A string of the current language, chosen by a field of [`Strings`].
pub type Label = fn(&'static Strings) -> &'static str;

/// A table's header row, one translated column heading per label.
#[component]
pub fn TableHead(columns: Vec<Label>) -> impl IntoView {
    let s = use_strings();
    let cells = columns
        .into_iter()
        .map(|label| view! { <th scope="col">{move || label(s())}</th> })
        .collect_view();
    view! {
        <thead>
            <tr>{cells}</tr>
        </thead>
    }
}

/// What a staff page shows when its server function refused the caller's role.
#[component]
pub fn Refused() -> impl IntoView {
    let s = use_strings();
    view! {
        <p class="notice notice--error" role="alert">
            {move || s().staff_forbidden_body}
        </p>
    }
}
