//! The breachcheck Leptos app: rendered on the server (`ssr`); in the browser (`hydrate`)
//! only its islands come alive. Pages never open a database connection; server functions
//! call the core.
//!
//! Islands: every page is complete HTML that works without JavaScript, and most of it never
//! changes in the browser. Only the parts marked `#[island]` (the check and domain forms,
//! the copy buttons, the domain page's wait for proof, the notice editor's live preview)
//! hydrate, so only they and what they call are compiled into the wasm bundle. An island
//! takes everything it needs as serialisable props: it has no router and no context from
//! the page around it (see [`provide_locale`]).

pub mod check_api;
pub mod codec;
pub mod components;
#[cfg(feature = "ssr")]
pub mod cookies;
pub mod dataset_api;
pub mod domain_api;
pub mod i18n;
pub mod notice_api;
pub mod outcome;
pub mod pages;
pub mod site;
pub mod staff_api;
pub mod stats_api;

#[cfg(feature = "ssr")]
mod shell;
#[cfg(feature = "ssr")]
pub use shell::{content_security_policy, shell};

use components::{SiteFooter, SiteHeader, StaffNav};
use i18n::{Locale, LocaleText, Strings};
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};
use pages::staff::{
    StaffAccountPage, StaffAuditPage, StaffCodePage, StaffDatasetPage, StaffDatasetsPage,
    StaffEnrolmentPage, StaffHomePage, StaffImportPage, StaffIncidentEditPage, StaffIncidentsPage,
    StaffLookupPage, StaffNoticePage, StaffNoticeRevisionPage, StaffSignInPage, StaffStatsPage,
    StaffUploadPage, StaffUsersPage,
};
use pages::{
    CheckPage, DomainChallengePage, DomainCheckPage, DomainConfirmPage, DomainResultPage, HomePage,
    NotFound, NoticePage,
};
use site::Boot;

/// The visitor's language, shared by every component.
pub fn use_locale() -> RwSignal<Locale> {
    expect_context::<RwSignal<Locale>>()
}

/// Gives an island (and the components inside it) the page's language. In the browser an
/// island starts without the context the server rendered it in, so each island takes the
/// locale as a prop and calls this first.
pub fn provide_locale(locale: Locale) {
    provide_context(RwSignal::new(locale));
}

/// The strings of the current language, tracked. Not for `<Title>` or `<Meta>`: see
/// [`head_text`].
pub fn use_strings() -> impl Fn() -> &'static Strings + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move || locale.get().strings()
}

/// A `<Title>` or `<Meta>` text in the request's language, read now: leptos_meta reads head
/// texts after the page has rendered, outside the reactive arena, where a signal read panics
/// ("no Arena is active") whenever that part of the response runs on another worker thread.
pub fn head_text(
    text: impl Fn(&'static Strings) -> String + Send + Sync + Clone + 'static,
) -> impl Fn() -> String + Send + Sync + Clone + 'static {
    head_text_in(move |locale| text(locale.strings()))
}

/// [`head_text`] for a text that is not one of the fixed strings, e.g. a notice's title.
pub fn head_text_in(
    text: impl Fn(Locale) -> String + Send + Sync + Clone + 'static,
) -> impl Fn() -> String + Send + Sync + Clone + 'static {
    let rendered_in = use_locale().get_untracked();
    move || text(rendered_in)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let boot = Boot::from_request();
    let locale = RwSignal::new(boot.locale);
    provide_context(locale);
    provide_context(boot.site);
    let s = use_strings();

    view! {
        <Router>
            <a class="skip-link" href="#main">{move || s().skip_to_content}</a>
            <SiteHeader/>
            <StaffNav/>
            <main id="main" tabindex="-1">
                // Async: every page is complete when it leaves the server, so it works
                // without JavaScript and needs no streaming scripts.
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/check") view=CheckPage ssr=SsrMode::Async/>
                    <Route path=path!("/check/domain") view=DomainCheckPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/check/domain/c/:token")
                        view=DomainChallengePage
                        ssr=SsrMode::Async
                    />
                    // A refused "verify" or "send mail" is answered at the form's own
                    // address: the browser hydrates the page it is on.
                    <Route
                        path=path!("/check/domain/c/:token/dns")
                        view=DomainChallengePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/check/domain/c/:token/mail")
                        view=DomainChallengePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/check/domain/result")
                        view=DomainResultPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/check/domain/confirm/:link")
                        view=DomainConfirmPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/incidents/:slug")
                        view=NoticePage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/staff") view=StaffHomePage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/staff/lookup")
                        view=StaffLookupPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/login")
                        view=StaffSignInPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/staff/users") view=StaffUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/audit") view=StaffAuditPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/staff/account")
                        view=StaffAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/users/:id/enrolment")
                        view=StaffEnrolmentPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/staff/stats") view=StaffStatsPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/staff/incidents")
                        view=StaffIncidentsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/incidents/:slug/edit")
                        view=StaffIncidentEditPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/incidents/:slug/notice")
                        view=StaffNoticePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/incidents/:slug/notice/revisions/:number")
                        view=StaffNoticeRevisionPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/datasets")
                        view=StaffDatasetsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/datasets/new")
                        view=StaffUploadPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/datasets/:id")
                        view=StaffDatasetPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/imports/:job")
                        view=StaffImportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/staff/login/code")
                        view=StaffCodePage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Lets browser tests (and curious people) see that the page came alive. The islands
    // hydrate right after this, in the same task, before any click can reach them.
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
