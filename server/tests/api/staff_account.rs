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
        "/staff/login?password_changed=1"
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
