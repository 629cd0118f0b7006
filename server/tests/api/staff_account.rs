//! `/staff/account`: changing your own password.

use crate::helpers::{
    STAFF_PASSWORD, create_staff, session_cookie_of, signed_in, spawn_app, unix_now,
};
use breachcheck::staff::Role;
use reqwest::StatusCode;

const NEW_PASSWORD: &str = "green-teapot-comet-17";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_your_password_needs_the_current_one_and_ends_your_sessions() {
    let app = spawn_app().await;
    let (desk_id, totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let session = signed_in(&app, "desk@example.com", &totp, unix_now()).await;
    let other_device = signed_in(&app, "desk@example.com", &totp, unix_now() + 30).await;

    let page = app
        .client
        .get(app.url("/staff/account"))
        .header("cookie", &session)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("autocomplete=\"current-password\"")
    );

    for (current, new, code) in [
        ("not-my-password", NEW_PASSWORD, "wrong_password"),
        (STAFF_PASSWORD, "short", "password_short"),
        (STAFF_PASSWORD, "password1234", "password_common"),
    ] {
        let response = app
            .post_form(
                "/staff/account/password",
                &[("current", current), ("password", new)],
                Some(&session),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()["location"],
            format!("/staff/account?error={code}").as_str()
        );
    }
    let message = app
        .get_with("/staff/account?error=wrong_password", "cookie", &session)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        message.contains("現在のパスワードが正しくありません。"),
        "Japanese by default"
    );

    let changed = app
        .post_form(
            "/staff/account/password",
            &[("current", STAFF_PASSWORD), ("password", NEW_PASSWORD)],
            Some(&session),
        )
        .await;
    assert_eq!(
        changed.headers()["location"],
        "/staff/login?note=password_changed"
    );
    let sign_in = app
        .get("/staff/login?note=password_changed")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        sign_in.contains("パスワードを変更しました。"),
        "the sign-in page says why"
    );
    let unknown = app
        .get("/staff/login?note=%3Cb%3E")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !unknown.contains("role=\"status\""),
        "a note that is not ours says nothing"
    );
    assert!(
        changed.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    for cookie in [&session, &other_device] {
        let after = app.get_with("/staff", "cookie", cookie).await;
        assert_eq!(
            after.status(),
            StatusCode::SEE_OTHER,
            "every session has ended"
        );
    }

    let old = app
        .post_form(
            "/staff/login",
            &[("email", "desk@example.com"), ("password", STAFF_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(old.headers()["location"], "/staff/login?error=rejected");
    let new = app
        .post_form(
            "/staff/login",
            &[("email", "desk@example.com"), ("password", NEW_PASSWORD)],
            None,
        )
        .await;
    assert!(session_cookie_of(&new).is_some(), "the new password works");

    let actors: Vec<String> = sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = $1")
        .bind("staff.password_changed")
        .fetch_all(app.database.pool())
        .await
        .unwrap();
    assert_eq!(actors, vec![format!("staff:{}", desk_id.0)]);
}

async fn pending_secret(app: &crate::helpers::TestApp, id: i64) -> Option<Vec<u8>> {
    sqlx::query_scalar("SELECT totp_pending_secret FROM staff WHERE id = $1")
        .bind(id)
        .fetch_one(app.database.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_to_a_new_authenticator_needs_a_code_from_the_old_and_then_the_new() {
    use breachcheck::staff::totp::TotpSecret;
    let app = spawn_app().await;
    let (desk_id, old) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    // Codes are accepted one step either side of now, and each step once: sign in with the
    // previous step's code so that the steps after it are free for the test.
    let now = unix_now();
    let session = signed_in(&app, "desk@example.com", &old, now - 30).await;

    // The code that signed in cannot be used again, nor can a wrong one.
    for code in [old.code_at(now - 30), "000000".to_owned()] {
        let refused = app
            .post_form("/staff/account/totp", &[("code", &code)], Some(&session))
            .await;
        assert_eq!(
            refused.headers()["location"],
            "/staff/account?error=wrong_code"
        );
    }
    assert_eq!(pending_secret(&app, desk_id.0).await, None);

    let started = app
        .post_form(
            "/staff/account/totp",
            &[("code", &old.code_at(now))],
            Some(&session),
        )
        .await;
    assert_eq!(started.headers()["location"], "/staff/account?totp=pending");
    let new = TotpSecret::from_stored(pending_secret(&app, desk_id.0).await.expect("parked"));

    // The page (its server function) shows the new secret to its owner only.
    let shown = app
        .post_form("/api/staff/pending_totp", &[], Some(&session))
        .await;
    assert_eq!(shown.status(), StatusCode::OK);
    let shown: serde_json::Value = serde_json::from_str(&shown.text().await.unwrap()).unwrap();
    assert!(
        shown["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    assert!(shown["qr_svg"].as_str().unwrap().contains("<svg"));
    let page = app
        .get_with("/staff/account", "cookie", &session)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("action=\"/staff/account/totp/confirm\""));

    // Until confirmed, the old app still works; a code of the old app does not confirm.
    let wrong = app
        .post_form(
            "/staff/account/totp/confirm",
            &[("code", &old.code_at(now + 30))],
            Some(&session),
        )
        .await;
    assert_eq!(
        wrong.headers()["location"],
        "/staff/account?error=wrong_code"
    );
    let confirmed = app
        .post_form(
            "/staff/account/totp/confirm",
            &[("code", &new.code_at(now - 30))],
            Some(&session),
        )
        .await;
    assert_eq!(confirmed.headers()["location"], "/staff/account?done=totp");
    assert_eq!(pending_secret(&app, desk_id.0).await, None);
    let again = app
        .post_form(
            "/staff/account/totp/confirm",
            &[("code", &new.code_at(now + 30))],
            Some(&session),
        )
        .await;
    assert_eq!(
        again.headers()["location"],
        "/staff/account?error=nothing_pending"
    );

    // Sign-in now takes the new app's codes, not the old one's.
    let old_code = crate::helpers::try_sign_in(&app, "desk@example.com", &old, now + 30).await;
    assert!(old_code.is_none(), "the old app no longer signs in");
    let new_code = crate::helpers::try_sign_in(&app, "desk@example.com", &new, now + 30).await;
    assert!(new_code.is_some(), "the new app signs in");

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE actor = $1 AND action LIKE 'staff.totp%' ORDER BY seq",
    )
    .bind(format!("staff:{}", desk_id.0))
    .fetch_all(app.database.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["staff.totp_reenrolment_started", "staff.totp_reenrolled"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_the_current_password_is_throttled() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let session = signed_in(&app, "desk@example.com", &totp, unix_now()).await;
    let attempt = |current: &'static str| {
        let app = &app;
        let session = &session;
        async move {
            app.post_form(
                "/staff/account/password",
                &[("current", current), ("password", NEW_PASSWORD)],
                Some(session),
            )
            .await
        }
    };
    for _ in 0..5 {
        let wrong = attempt("not-my-password").await;
        assert_eq!(
            wrong.headers()["location"],
            "/staff/account?error=wrong_password"
        );
    }
    let throttled = attempt(STAFF_PASSWORD).await;
    assert_eq!(
        throttled.headers()["location"],
        "/staff/account?error=throttled",
        "even the right password waits once throttled"
    );
    assert!(throttled.headers().contains_key("retry-after"));
    let failures: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.account_check_failed'",
    )
    .fetch_one(app.database.pool())
    .await
    .unwrap();
    assert_eq!(failures, 5);
}
