//! Signing in through the pages, over HTTP: the forms, the redirects, the cookie.

use crate::helpers::{
    STAFF_PASSWORD, create_staff, session_cookie_of, signed_in, spawn_app, spawn_app_with, unix_now,
};
use breachcheck::staff::Role;
use reqwest::StatusCode;
use server::Environment;

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_staff_area_sends_strangers_to_sign_in() {
    let app = spawn_app().await;
    let response = app.get("/staff").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/staff/login");
    let forged = app
        .get_with("/staff", "cookie", "breachcheck_session=forged")
        .await;
    assert_eq!(forged.status(), StatusCode::SEE_OTHER);

    let page = app.get_with("/staff/login", "accept-language", "en").await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains("action=\"/staff/login\""));
    assert!(body.contains("autocomplete=\"current-password\""));
    assert!(body.contains("<label for=\"email\">"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_password_and_code_opens_the_staff_area() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "hanako@example.com", Role::Helpdesk).await;
    let password = app
        .post_form(
            "/staff/login",
            &[
                ("email", "hanako@example.com"),
                ("password", STAFF_PASSWORD),
            ],
            None,
        )
        .await;
    let set_cookie = password.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    let pending = session_cookie_of(&password).unwrap();
    let half = app.get_with("/staff", "cookie", &pending).await;
    assert_eq!(
        half.status(),
        StatusCode::SEE_OTHER,
        "a password alone opens nothing"
    );

    let session = signed_in(&app, "hanako@example.com", &totp, unix_now() + 30).await;
    let home = app
        .client
        .get(app.url("/staff"))
        .header("cookie", &session)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert_eq!(home.headers()["cache-control"], "no-store");
    let body = home.text().await.unwrap();
    assert!(body.contains("Name of hanako"), "{body}");
    assert!(body.contains("Helpdesk"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_unknown_email_and_wrong_code_look_the_same() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "hanako@example.com", Role::Admin).await;
    let wrong = app
        .post_form(
            "/staff/login",
            &[
                ("email", "hanako@example.com"),
                ("password", "nope-nope-nope"),
            ],
            None,
        )
        .await;
    let unknown = app
        .post_form(
            "/staff/login",
            &[("email", "ghost@example.com"), ("password", STAFF_PASSWORD)],
            None,
        )
        .await;
    let empty = app.post_form("/staff/login", &[], None).await;
    for response in [&wrong, &unknown, &empty] {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(response), "/staff/login?error=rejected");
        assert!(session_cookie_of(response).is_none());
    }

    let password = app
        .post_form(
            "/staff/login",
            &[
                ("email", "hanako@example.com"),
                ("password", STAFF_PASSWORD),
            ],
            None,
        )
        .await;
    let pending = session_cookie_of(&password).unwrap();
    let wrong_code = totp.code_at(unix_now() + 600);
    let code = app
        .post_form(
            "/staff/login/code",
            &[("code", &wrong_code)],
            Some(&pending),
        )
        .await;
    assert_eq!(code.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&code), "/staff/login/code?error=rejected");

    let page = app
        .get_with("/staff/login?error=rejected", "accept-language", "en")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Email, password or code is wrong."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_failure_is_throttled_with_a_clear_message() {
    let app = spawn_app().await;
    create_staff(&app, "hanako@example.com", Role::Admin).await;
    for _ in 0..5 {
        let response = app
            .post_form(
                "/staff/login",
                &[
                    ("email", "hanako@example.com"),
                    ("password", "wrong-wrong-wrong"),
                ],
                None,
            )
            .await;
        assert_eq!(location(&response), "/staff/login?error=rejected");
    }
    let sixth = app
        .post_form(
            "/staff/login",
            &[
                ("email", "hanako@example.com"),
                ("password", STAFF_PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(location(&sixth), "/staff/login?error=throttled");
    assert!(sixth.headers().contains_key("retry-after"));
    assert!(session_cookie_of(&sixth).is_none());
    let page = app
        .get_with("/staff/login?error=throttled", "accept-language", "ja")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("15分"), "translated throttling message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_session_and_needs_one() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "hanako@example.com", Role::Admin).await;
    let session = signed_in(&app, "hanako@example.com", &totp, unix_now()).await;

    let anonymous = app.post_form("/staff/logout", &[], None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let out = app.post_form("/staff/logout", &[], Some(&session)).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/staff/login?note=signed_out");
    let cleared = out.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = app.get_with("/staff", "cookie", &session).await;
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "the old cookie is dead"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_sign_in_post_is_refused() {
    let app = spawn_app().await;
    create_staff(&app, "hanako@example.com", Role::Admin).await;
    let response = app
        .client
        .post(app.url("/staff/login"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email=hanako%40example.com&password={STAFF_PASSWORD}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie_of(&response).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_uses_a_host_prefixed_secure_cookie() {
    let app = spawn_app_with(|settings| settings.env = Some(Environment::Production)).await;
    create_staff(&app, "hanako@example.com", Role::Admin).await;
    let response = app
        .post_form(
            "/staff/login",
            &[
                ("email", "hanako@example.com"),
                ("password", STAFF_PASSWORD),
            ],
            None,
        )
        .await;
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        set_cookie.starts_with("__Host-breachcheck="),
        "{set_cookie}"
    );
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
}

/// A sign-in form post through a trusted proxy that reports `client`.
async fn post_via_proxy(
    app: &crate::helpers::TestApp,
    path: &str,
    form: &[(&str, &str)],
    client: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = app.form(path, form).header("x-forwarded-for", client);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// The `name=value` of the browser mark a completed sign-in leaves.
fn browser_mark_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("breachcheck_browser="))
        .filter(|v| v.contains("HttpOnly") && v.contains("Max-Age="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_a_guesser_locks_out_only_itself() {
    let app = spawn_app_with(|s| s.trusted_proxies = Some("127.0.0.1".into())).await;
    let (_, totp) = create_staff(&app, "hanako@example.com", Role::Admin).await;
    create_staff(&app, "taro@example.com", Role::Helpdesk).await;
    let right = [
        ("email", "hanako@example.com"),
        ("password", STAFF_PASSWORD),
    ];

    // Hanako signed in from her own browser earlier; it keeps the mark.
    let password = post_via_proxy(&app, "/staff/login", &right, "203.0.113.5", None).await;
    let pending = session_cookie_of(&password).unwrap();
    let code = totp.code_at(unix_now());
    let done = post_via_proxy(
        &app,
        "/staff/login/code",
        &[("code", &code)],
        "203.0.113.5",
        Some(&pending),
    )
    .await;
    assert_eq!(location(&done), "/staff");
    let mark = browser_mark_of(&done).expect("a browser mark cookie");

    // Someone guesses her password from one address.
    let wrong = [
        ("email", "hanako@example.com"),
        ("password", "wrong-wrong-wrong"),
    ];
    for _ in 0..5 {
        let response = post_via_proxy(&app, "/staff/login", &wrong, "192.0.2.66", None).await;
        assert_eq!(location(&response), "/staff/login?error=rejected");
    }
    let sixth = post_via_proxy(&app, "/staff/login", &right, "192.0.2.66", None).await;
    assert_eq!(location(&sixth), "/staff/login?error=throttled");

    // A colleague behind the same proxy, even at the same address, is not held by it.
    let colleague = post_via_proxy(
        &app,
        "/staff/login",
        &[("email", "taro@example.com"), ("password", STAFF_PASSWORD)],
        "192.0.2.66",
        None,
    )
    .await;
    assert_eq!(location(&colleague), "/staff/login/code");

    // And Hanako, from her browser at a new address, signs in at once.
    let owner = post_via_proxy(&app, "/staff/login", &right, "198.51.100.20", Some(&mark)).await;
    assert_eq!(location(&owner), "/staff/login/code");
}
