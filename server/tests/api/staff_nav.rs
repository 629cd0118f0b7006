//! The staff navigation: on every staff page once signed in, offering a role exactly the
//! pages it can use, each of which then opens for it.

use crate::helpers::{TestApp, create_staff, signed_in, spawn_app, unix_now};
use app::components::StaffPage;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

struct Nav {
    hrefs: Vec<String>,
    current: Vec<String>,
    who: String,
    signs_out: bool,
}

fn nav_of(body: &str) -> Option<Nav> {
    let html = Html::parse_document(body);
    let select = |css: &str| Selector::parse(css).unwrap();
    let nav = html.select(&select("nav.staff-nav")).next()?;
    let hrefs_of = |css: &str| -> Vec<String> {
        nav.select(&select(css))
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect()
    };
    Some(Nav {
        hrefs: hrefs_of("li a"),
        current: hrefs_of(r#"a[aria-current="page"]"#),
        who: nav
            .select(&select(".staff-nav__who"))
            .flat_map(|p| p.text())
            .collect(),
        signs_out: nav
            .select(&select(
                r#"form[method="post"][action="/staff/logout"] button"#,
            ))
            .next()
            .is_some(),
    })
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let response = app
        .get_with(path, "cookie", &format!("{cookie}; breachcheck_lang=en"))
        .await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_is_offered_the_pages_it_can_use_on_every_staff_page() {
    let app = spawn_app().await;
    for (email, role, label) in [
        ("lead@example.com", Role::Admin, "(Admin)"),
        ("desk@example.com", Role::Helpdesk, "(Helpdesk)"),
    ] {
        let (_, totp) = create_staff(&app, email, role).await;
        let cookie = signed_in(&app, email, &totp, unix_now()).await;
        let offered: Vec<&str> = StaffPage::ALL
            .into_iter()
            .filter(|p| p.open_to(role))
            .map(StaffPage::path)
            .collect();
        for path in &offered {
            let (status, body) = page(&app, path, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{role:?} offered {path}");
            let nav = nav_of(&body).unwrap_or_else(|| panic!("{path} has the navigation"));
            assert_eq!(nav.hrefs, offered, "{role:?} on {path}");
            assert_eq!(
                nav.current,
                vec![path.to_string()],
                "{path} is marked current"
            );
            let local = email.split('@').next().unwrap();
            assert!(nav.who.contains(&format!("Name of {local}")), "{}", nav.who);
            assert!(nav.who.contains(label), "{}", nav.who);
            assert!(nav.signs_out, "{path} offers sign-out");
        }
    }
    // Before sign-in there is nobody to name and nothing to offer.
    let (status, body) = page(&app, "/staff/login", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(nav_of(&body).is_none());
    let (_, public) = page(&app, "/check", "").await;
    assert!(nav_of(&public).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_not_offered_to_the_helpdesk_is_still_refused_by_the_server() {
    let app = spawn_app().await;
    let (_, totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let cookie = signed_in(&app, "desk@example.com", &totp, unix_now()).await;
    for hidden in StaffPage::ALL
        .into_iter()
        .filter(|p| !p.open_to(Role::Helpdesk))
    {
        let (status, _) = page(&app, hidden.path(), &cookie).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", hidden.path());
    }
}
