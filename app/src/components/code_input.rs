//! The six-digit authenticator code field, the same wherever a code is asked for.

use leptos::prelude::*;

#[component]
pub fn CodeInput(id: &'static str) -> impl IntoView {
    view! {
        <input
            id=id
            name="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9]{6}"
            maxlength="6"
            required
        />
    }
}
