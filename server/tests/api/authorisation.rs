//! The authorisation matrix: every staff page, every staff form route and every server
//! function, called anonymously, as helpdesk and as admin. The lists are enumerated from
//! the application itself, and a route with no expectation here fails the test, so nothing
//! new can be added without deciding who may call it.

use crate::helpers::lists::{import, importer, new_incident};
use crate::helpers::{TestApp, create_staff, signed_in, spawn_app, staff_proof, unix_now};
use breachcheck::digest::Profile;
use breachcheck::staff::Role;
use reqwest::StatusCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Public,
    Staff,
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Helpdesk,
    Admin,
}

fn page_access(path: &str) -> Access {
    match path {
        "/staff/login" | "/staff/login/code" => Access::Public,
        // The helpdesk's audit page lists only their own lookups (see `audit.rs`).
        "/staff" | "/staff/account" | "/staff/lookup" | "/staff/audit" | "/staff/stats" => {
            Access::Staff
        }
        "/staff/users"
        | "/staff/users/{id}/enrolment"
        | "/staff/incidents"
        | "/staff/datasets"
        | "/staff/datasets/new"
        | "/staff/datasets/{id}"
        | "/staff/imports/{job}"
        | "/staff/incidents/{slug}/edit"
        | "/staff/incidents/{slug}/notice"
        | "/staff/incidents/{slug}/notice/revisions/{number}" => Access::Admin,
        other => panic!("no expectation for the staff page {other}: add it to the matrix"),
    }
}

fn form_access(path: &str) -> Access {
    match path {
        "/staff/login" | "/staff/login/code" => Access::Public,
        "/staff/logout"
        | "/staff/account/password"
        | "/staff/account/totp"
        | "/staff/account/totp/confirm"
        | "/staff/lookup" => Access::Staff,
        "/staff/users"
        | "/staff/users/{id}/disable"
        | "/staff/users/{id}/enable"
        | "/staff/users/{id}/role"
        | "/staff/users/{id}/password"
        | "/staff/incidents"
        | "/staff/incidents/{slug}/edit"
        | "/staff/datasets"
        | "/staff/datasets/{id}/approve"
        | "/staff/datasets/{id}/activate"
        | "/staff/datasets/{id}/roll-back"
        | "/staff/datasets/{id}/retire"
        | "/staff/incidents/{slug}/notice"
        | "/staff/incidents/{slug}/notice/publish"
        | "/staff/incidents/{slug}/notice/unpublish"
        | "/staff/incidents/{slug}/notice/revisions/{number}/restore" => Access::Admin,
        other => panic!("no expectation for the staff form route {other}: add it to the matrix"),
    }
}

/// Server functions and the body each is called with.
fn server_fn_access(path: &str) -> (Access, &'static str) {
    match path {
        "/api/check/form" | "/api/check/challenge" | "/api/notices" => (Access::Public, ""),
        "/api/notice" => (Access::Public, "slug={slug}"),
        "/api/domain/challenge" => (Access::Public, "token=0123456789abcdef0123456789abcdef"),
        "/api/domain/result" => (Access::Public, ""),
        "/api/staff/notice" | "/api/staff/incident" => (Access::Admin, "slug={slug}"),
        "/api/staff/notice_revision" => (Access::Admin, "slug={slug}&number=1"),
        "/api/staff/notice_preview" => (Access::Admin, r#"{"content":{}}"#),
        "/api/staff/list" => (Access::Admin, ""),
        "/api/staff/enrolment" => (Access::Admin, "id={id}"),
        "/api/staff/audit" | "/api/staff/own_lookups_today" | "/api/staff/stats" => {
            (Access::Staff, "")
        }
        "/api/staff/audit_verify" => (Access::Admin, ""),
        "/api/staff/pending_totp" => (Access::Staff, ""),
        "/api/staff/incidents" | "/api/staff/upload_form" | "/api/staff/datasets" => {
            (Access::Admin, "")
        }
        "/api/staff/dataset" | "/api/staff/dataset_change" => (Access::Admin, "id={dataset}"),
        "/api/staff/import_progress" => (Access::Admin, "job={job}"),
        other => panic!("no expectation for the server function {other}: add it to the matrix"),
    }
}

fn allowed(access: Access, caller: Caller) -> bool {
    match (access, caller) {
        (Access::Public, _) => true,
        (Access::Staff, Caller::Anonymous) => false,
        (Access::Staff, _) => true,
        (Access::Admin, Caller::Admin) => true,
        (Access::Admin, _) => false,
    }
}

struct Matrix {
    app: TestApp,
    target: i64,
    /// A dataset and its import job, for the routes about them.
    dataset: i64,
    job: i64,
    helpdesk: String,
    admin: String,
}

impl Matrix {
    fn cookie(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Anonymous => None,
            Caller::Helpdesk => Some(&self.helpdesk),
            Caller::Admin => Some(&self.admin),
        }
    }

    fn fill(&self, path: &str) -> String {
        let path = if path.starts_with("/staff/datasets/") {
            path.replace("{id}", "{dataset}")
        } else {
            path.to_owned()
        };
        path.replace("{id}", &self.target.to_string())
            .replace("{dataset}", &self.dataset.to_string())
            .replace("{job}", &self.job.to_string())
            .replace("{slug}", "matrix-incident")
            .replace("{number}", "1")
    }

    async fn post(&self, path: &str, body: &str, caller: Caller) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(self.app.url(&self.fill(path)))
            .header("origin", &self.app.address)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(self.fill(body));
        if let Some(cookie) = self.cookie(caller) {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    async fn get(&self, path: &str, caller: Caller) -> reqwest::Response {
        let mut request = self.app.client.get(self.app.url(&self.fill(path)));
        if let Some(cookie) = self.cookie(caller) {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_page_route_and_server_function_checks_the_callers_rights() {
    let app = spawn_app().await;
    let (_, admin_totp) = create_staff(&app, "admin@example.com", Role::Admin).await;
    let (_, desk_totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    // The account admin actions are aimed at (never signs in, so its enrolment is open).
    let (target, _) = create_staff(&app, "target@example.com", Role::Helpdesk).await;
    let now = unix_now();
    let proof = staff_proof(&app, "uploader@example.com", Role::Admin).await;
    let incident = new_incident(&app, &proof, "matrix-incident").await;
    let importer = importer(&app, Profile::HmacSha256).await;
    let (dataset, _) = import(
        &importer,
        &proof,
        incident,
        b"contract_number\nAB123456\n".to_vec(),
    )
    .await;
    // A published notice, for the notice pages and functions.
    let notice = breachcheck::notice::NoticeContent {
        text: breachcheck::locale::Localized::new(
            breachcheck::notice::NoticeText {
                title: "題".into(),
                body: "本文".into(),
                ..Default::default()
            },
            breachcheck::notice::NoticeText {
                title: "Title".into(),
                body: "Body".into(),
                ..Default::default()
            },
        ),
        ..Default::default()
    };
    let admin = proof.as_admin().unwrap();
    breachcheck::notice::store::save(&admin, &app.database, incident, &notice)
        .await
        .unwrap();
    breachcheck::notice::store::publish(
        &admin,
        &app.database,
        incident,
        &breachcheck::notice::store::UpdateNote::first(),
    )
    .await
    .unwrap();
    let job = breachcheck::import::job::job_of(&app.database, dataset)
        .await
        .unwrap()
        .expect("the import's job");
    let matrix = Matrix {
        dataset: dataset.0,
        job: job.0,
        admin: signed_in(&app, "admin@example.com", &admin_totp, now).await,
        helpdesk: signed_in(&app, "desk@example.com", &desk_totp, now).await,
        target: target.0,
        app,
    };

    // The server's own listing: listing the pages again here would suppress resource loads
    // in every application of the process meanwhile (see `page_routes`).
    let pages: Vec<String> = server::routes::page_routes()
        .iter()
        .map(|route| route.path().to_owned())
        .filter(|path| path.starts_with("/staff"))
        .collect();
    assert!(pages.len() >= 5, "{pages:?}");
    let mut forms = server::routes::staff_form_paths();
    // Signing out ends the caller's session: keep it for last.
    forms.sort_by_key(|path| *path == "/staff/logout");
    let server_fns: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert!(!server_fns.is_empty());

    let mut checked = 0;
    for caller in [Caller::Anonymous, Caller::Helpdesk, Caller::Admin] {
        for path in &pages {
            let access = page_access(path);
            let status = matrix.get(path, caller).await.status();
            let expected = if allowed(access, caller) {
                StatusCode::OK
            } else if caller == Caller::Anonymous {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "GET {path} as {caller:?}");
            checked += 1;
        }
        for path in &server_fns {
            let (access, body) = server_fn_access(path);
            let status = matrix.post(path, body, caller).await.status();
            let expected = if allowed(access, caller) {
                StatusCode::OK
            } else if caller == Caller::Anonymous {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "server function {path} as {caller:?}");
            checked += 1;
        }
        for path in &forms {
            let access = form_access(path);
            let status = matrix.post(path, "", caller).await.status();
            if allowed(access, caller) {
                // Reached the handler: an empty form is refused as such, not as a caller.
                let reached = match *path {
                    "/staff/lookup" | "/staff/incidents" | "/staff/incidents/{slug}/edit" => {
                        StatusCode::UNPROCESSABLE_ENTITY
                    }
                    _ => StatusCode::SEE_OTHER,
                };
                assert_eq!(status, reached, "POST {path} as {caller:?}");
            } else if caller == Caller::Anonymous {
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "POST {path} as {caller:?}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "POST {path} as {caller:?}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * (pages.len() + server_fns.len() + forms.len()));
}
