//! The router: Leptos pages and server functions, plus the few routes that are not pages.

mod api;
mod audit;
mod back;
mod check;
mod stats;
pub use check::ANSWER_BLOCK_BYTES;
mod datasets;
mod domain;
mod feed;
mod health;
mod language;
mod notices;
mod staff_account;
mod staff_sign_in;
mod staff_users;

use crate::check::CheckService;
use crate::config::{Config, DatasetSettings, Environment};
use crate::domain_control::service::DomainService;
use crate::middleware::with_limits;
use crate::page_cache::{self, PageCache, Renderer};
use crate::staff_auth::{self, BrowserMarkCookie, SessionCookie};
use app::check_api::CheckSource;
use app::domain_api::source::DomainSource;
use app::{App, shell, site::SiteInfo};
use axum::{
    Router,
    extract::DefaultBodyLimit,
    extract::FromRef,
    handler::HandlerWithoutStateExt,
    routing::{MethodRouter, get, post},
};
pub use back::Back;
use breachcheck::import::job::Importer;
use breachcheck::notice::snapshot::PublishedNotices;
use breachcheck::staff::policy::PasswordRejection;
use breachcheck::staff::sign_in::Authenticator;
use breachcheck::staff::throttle::ThrottlePolicy;
use breachcheck::storage::Database;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list, render_app_async_with_context};
use std::sync::Arc;
use tower_http::{compression::CompressionLayer, services::ServeDir};

/// What handlers outside Leptos may extract. Server functions get the same values through
/// Leptos context. Shared behind one `Arc`: axum hands each request its own copy of the
/// state, and copying every service, setting and cache per request cost a third of the
/// CPU of serving a cached page.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The values behind [`AppState`].
pub struct Services {
    pub leptos_options: LeptosOptions,
    pub database: Database,
    pub environment: Environment,
    pub sign_in: Authenticator,
    pub session_cookie: SessionCookie,
    pub browser_mark_cookie: BrowserMarkCookie,
    pub importer: Importer,
    pub datasets: DatasetSettings,
    pub check: CheckService,
    pub pages: PageContext,
    pub notices: PublishedNotices,
    pub page_cache: PageCache,
    pub domains: DomainService,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Database {
    fn from_ref(state: &AppState) -> Self {
        state.database.clone()
    }
}

impl FromRef<AppState> for Environment {
    fn from_ref(state: &AppState) -> Self {
        state.environment
    }
}

/// What every rendered page and server function may reach, provided as Leptos context.
#[derive(Clone)]
pub struct PageContext {
    site: SiteInfo,
    database: Database,
    rules: app::dataset_api::DatasetRules,
    check: CheckSource,
    notices: PublishedNotices,
    domains: DomainSource,
}

impl PageContext {
    pub fn site(&self) -> &SiteInfo {
        &self.site
    }

    pub fn provide(&self) {
        provide_context(self.site.clone());
        provide_context(self.database.clone());
        provide_context(self.rules);
        provide_context(self.check.clone());
        provide_context(self.notices.clone());
        provide_context(self.domains.clone());
    }
}

/// Extra room for the multipart envelope around an uploaded file.
const MULTIPART_SLACK_BYTES: usize = 64 * 1024;

pub fn router(
    config: &Config,
    database: Database,
    importer: Importer,
    check: CheckService,
    notices: PublishedNotices,
    domains: DomainService,
) -> (Router, AppState) {
    let hashed_assets = config.assets_hashed;
    if crate::static_files::names_unknown(&config.site_root, hashed_assets) {
        tracing::warn!(
            "the site's files have content-hashed names but no hash.txt lies beside the \
             executable: pages will name files that do not exist (deploy hash.txt with it)"
        );
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("breachcheck")
        .hash_files(hashed_assets)
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .env(leptos::config::Env::PROD)
        .build();
    let pages = PageContext {
        site: config.site.clone(),
        database: database.clone(),
        rules: app::dataset_api::DatasetRules {
            two_person: config.datasets.approval.two_person,
            upload_limit_bytes: config.datasets.upload_limit_bytes as u64,
        },
        check: CheckSource {
            db: database.clone(),
            pattern: config.datasets.pattern.clone(),
            pow: check.pow.clone(),
        },
        notices: notices.clone(),
        domains: DomainSource {
            db: database.clone(),
            lookup: domains.lookup.clone(),
            subjects: domains.subjects.clone(),
            grant_ttl: domains.settings.grant_ttl,
            secure_cookies: config.environment.is_production(),
        },
    };
    // Both closures are copied for every request that reaches a service holding them (the
    // fallback for static files among them): a copy must be a pointer, not the services.
    let context = {
        let pages = Arc::new(pages.clone());
        move || pages.provide()
    };
    let app_shell = {
        let options = Arc::new(leptos_options.clone());
        move || shell(LeptosOptions::clone(&options))
    };
    let render: Renderer = {
        // The renderer is `Send` but not `Sync`; each use takes a copy.
        let handler = std::sync::Mutex::new(render_app_async_with_context(
            context.clone(),
            app_shell.clone(),
        ));
        std::sync::Arc::new(move |request| {
            let handler = handler.lock().expect("lock not poisoned").clone();
            handler(request)
        })
    };
    let state = AppState(Arc::new(Services {
        leptos_options: leptos_options.clone(),
        database: database.clone(),
        environment: config.environment,
        sign_in: Authenticator {
            db: database.clone(),
            // One pool for every argon2 computation of the process: sign-ins and imports
            // share the cores instead of each claiming all of them.
            pool: importer.pool.clone(),
            sessions: config.sessions,
            throttle: ThrottlePolicy::default(),
            pepper: config.pepper.clone(),
        },
        session_cookie: SessionCookie::for_environment(config.environment),
        browser_mark_cookie: BrowserMarkCookie::for_environment(config.environment),
        importer,
        datasets: config.datasets.clone(),
        check,
        pages: pages.clone(),
        page_cache: PageCache::new(notices.clone(), render, config.request_timeout),
        notices,
        domains,
    }));

    // Anything that is not a route: a file of the built site (compressed), else the app's
    // own "not found" page with status 404.
    let not_found = render_app_async_with_context(context.clone(), app_shell.clone());
    let site_files = ServeDir::new(&*leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .not_found_service(not_found.into_service());
    let site_files = tower::ServiceBuilder::new()
        // A bundle whose names carry its content is answered from memory.
        .layer(axum::middleware::from_fn_with_state(
            if hashed_assets {
                crate::static_files::Bundle::load(&config.site_root)
            } else {
                crate::static_files::Bundle::default()
            },
            crate::static_files::serve_bundle,
        ))
        .layer(axum::middleware::from_fn_with_state(
            hashed_assets,
            crate::static_files::cache_policy,
        ))
        // Only for a file that has no compressed copy beside it.
        .layer(CompressionLayer::new())
        .service(site_files);

    let everything_else = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/lang/{code}", get(language::switch))
        .route("/check", post(check::public_check))
        .route("/check/domain", post(domain::start))
        .route("/check/domain/c/{token}/dns", post(domain::verify_dns))
        .route("/check/domain/c/{token}/mail", post(domain::send_mail))
        .route(
            "/check/domain/confirm/{link}",
            get(domain::confirm_page).post(domain::confirm),
        )
        .route("/feed.atom", get(feed::atom))
        .route("/api/v1/incidents", get(api::incidents))
        .route("/api/v1/incidents/{slug}", get(api::incident))
        .route(
            "/staff/datasets/{id}/rejected.csv",
            get(datasets::rejected_csv),
        )
        .route("/staff/audit.csv", get(audit::csv))
        .route("/staff/stats.csv", get(stats::csv))
        .merge(staff_forms())
        .leptos_routes_with_context(&state, uncached_pages(), context, app_shell)
        .fallback_service(site_files.clone());
    // The notice editor's requests may be larger than the rest; `read_body` holds the
    // rest to the configured limit.
    let everything_else = with_limits(
        everything_else
            .layer(axum::middleware::map_response(
                crate::middleware::server_fn_arguments,
            ))
            .layer(axum::middleware::from_fn_with_state(
                config.body_limit_bytes,
                crate::middleware::read_body,
            )),
        config
            .body_limit_bytes
            .max(crate::middleware::NOTICE_BODY_LIMIT_BYTES),
        config.request_timeout,
    );
    // Uploads alone may be large and slow; the file itself is counted by the handler.
    let uploads = upload_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, method)| {
            router.route(path, method)
        })
        .layer(DefaultBodyLimit::disable());
    let uploads = with_limits(
        uploads,
        config.datasets.upload_limit_bytes + MULTIPART_SLACK_BYTES,
        config.datasets.upload_timeout,
    );

    let router = everything_else
        .merge(uploads)
        // After the session cookie was read: signed-in staff have places of their own.
        .layer(axum::middleware::from_fn_with_state(
            // Behind one `Arc`: the middleware's state is cloned for every request.
            std::sync::Arc::new(crate::shedding::Shedding::new(
                config.concurrency,
                config.lookups.trusted_proxies.clone(),
            )),
            crate::shedding::shed,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            staff_auth::authenticate,
        ))
        // What everyone reads on announcement day, added after the layers above so that none
        // of them runs for these: the cached pages (see `page_cache::serve`) and the site's
        // files, which need no session, no body and no place among the expensive requests.
        // A request answered from memory or from disk, with a session cookie or not, makes no
        // database query and takes none of those requests' places.
        .route("/", get(page_cache::serve))
        .route("/incidents/{slug}", get(page_cache::serve))
        .route_service("/pkg/{file}", site_files)
        .with_state(state.clone());
    (router, state)
}

/// The app's pages, listed once per process. Listing them renders the whole app with
/// resource loading suppressed for the whole process (leptos_server's `SuppressResourceLoad`
/// is a global flag, and a resource first polled while it is set waits forever: leptos
/// issue #4773). Listed again for every application built, as the tests build one each in
/// parallel, a page being served by another application now and then hung until the request
/// timeout. Listed once, the window closes before any application of the process serves.
pub fn page_routes() -> &'static [leptos_axum::AxumRouteListing] {
    static ROUTES: std::sync::LazyLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::LazyLock::new(|| generate_route_list(App));
    &ROUTES
}

/// Every page but those [`page_cache`] serves and the mailed link, which its own handler
/// renders.
fn uncached_pages() -> Vec<leptos_axum::AxumRouteListing> {
    page_routes()
        .iter()
        .filter(|route| {
            let path = route.path();
            path != "/"
                && !path.starts_with("/incidents/")
                && !path.starts_with("/check/domain/confirm/")
        })
        .cloned()
        .collect()
}

/// The form posts of the staff area, in one table so that tests can enumerate them (the
/// authorisation matrix fails for a route it has no expectation for).
fn staff_form_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/staff/login", post(staff_sign_in::password_step)),
        ("/staff/login/code", post(staff_sign_in::code_step)),
        ("/staff/logout", post(staff_sign_in::sign_out)),
        (
            "/staff/account/password",
            post(staff_account::change_password),
        ),
        ("/staff/account/totp", post(staff_account::begin_totp)),
        (
            "/staff/account/totp/confirm",
            post(staff_account::confirm_totp),
        ),
        ("/staff/users", post(staff_users::add)),
        ("/staff/lookup", post(check::helpdesk_lookup)),
        ("/staff/incidents", post(datasets::create_incident)),
        (
            "/staff/incidents/{slug}/edit",
            post(datasets::edit_incident),
        ),
        ("/staff/incidents/{slug}/notice", post(notices::save)),
        (
            "/staff/incidents/{slug}/notice/publish",
            post(notices::publish),
        ),
        (
            "/staff/incidents/{slug}/notice/unpublish",
            post(notices::unpublish),
        ),
        (
            "/staff/incidents/{slug}/notice/revisions/{number}/restore",
            post(notices::restore),
        ),
        (
            "/staff/datasets/{id}/approve",
            datasets::step(datasets::Step::Approve),
        ),
        (
            "/staff/datasets/{id}/activate",
            datasets::step(datasets::Step::Activate),
        ),
        (
            "/staff/datasets/{id}/roll-back",
            datasets::step(datasets::Step::RollBack),
        ),
        (
            "/staff/datasets/{id}/retire",
            datasets::step(datasets::Step::Retire),
        ),
        ("/staff/users/{id}/disable", post(staff_users::disable)),
        ("/staff/users/{id}/enable", post(staff_users::enable)),
        ("/staff/users/{id}/role", post(staff_users::change_role)),
        (
            "/staff/users/{id}/password",
            post(staff_users::reset_password),
        ),
    ]
}

/// Form posts that carry a file: their own body limit and timeout.
fn upload_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/staff/datasets", post(datasets::upload))]
}

/// The paths of [`staff_form_routes`] and [`upload_routes`], all answering POST.
pub fn staff_form_paths() -> Vec<&'static str> {
    staff_form_routes()
        .into_iter()
        .chain(upload_routes())
        .map(|(path, _)| path)
        .collect()
}

fn staff_forms() -> Router<AppState> {
    staff_form_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, method)| {
            router.route(path, method)
        })
}

/// Why a new password was refused, shared by every form that sets one.
fn password_error(rejection: &PasswordRejection) -> app::outcome::ErrorCode {
    use app::outcome::ErrorCode;
    match rejection {
        PasswordRejection::TooShort => ErrorCode::PasswordShort,
        PasswordRejection::TooLong => ErrorCode::PasswordLong,
        PasswordRejection::Common => ErrorCode::PasswordCommon,
        PasswordRejection::ContainsEmail => ErrorCode::PasswordEmail,
    }
}
