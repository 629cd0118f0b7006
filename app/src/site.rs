//! What the server tells the page about this deployment and this visitor.

use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// The operator's details from configuration, shown in the header and footer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// The operator's name, e.g. "Example Telecom".
    pub name: String,
    pub helpdesk_phone: Option<String>,
    pub helpdesk_email: Option<String>,
    pub helpdesk_hours: Option<String>,
}

/// Computed once per request on the server; islands that need the language get it as a prop.
#[derive(Clone, Debug, Default)]
pub struct Boot {
    pub site: SiteInfo,
    pub locale: Locale,
}

impl Boot {
    #[cfg(feature = "ssr")]
    pub fn from_request() -> Self {
        use leptos::prelude::use_context;
        Self {
            site: use_context::<SiteInfo>().unwrap_or_default(),
            locale: request_locale(),
        }
    }

    /// The app itself never runs in the browser (only its islands do).
    #[cfg(not(feature = "ssr"))]
    pub fn from_request() -> Self {
        Self::default()
    }
}

/// The language of the request being rendered: its cookie, else its Accept-Language.
#[cfg(feature = "ssr")]
pub fn request_locale() -> Locale {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Locale::default();
    };
    crate::i18n::LocaleText::negotiate(&parts.headers)
}
