//! The domain self-check over HTTP, on both back ends, with a real DNS server and a real
//! SMTP listener started here: proof by TXT record, proof by a mailed link (single use,
//! expiring), nothing said before proof, the domain gone from the database after, limits.

use crate::helpers::check::generous;
use crate::helpers::dns::TestDns;
use crate::helpers::lists::publish;
use crate::helpers::{TestApp, spawn_app_with};
use breachcheck::check::domain;
use breachcheck::digest::Profile;
use reqwest::StatusCode;
use server::config::Settings;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

const LISTED: &str = "example-listed.co.jp";
const UNLISTED: &str = "example-unlist.co.jp";
/// What mail links start with; tests put the app's own address in its place.
const PUBLIC_URL: &str = "http://breachcheck.invalid";

/// An SMTP server that accepts every message and hands its text to the test.
async fn start_smtp() -> (u16, mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let sender = sender.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut message = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            sender.send(std::mem::take(&mut message)).unwrap();
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            message.push_str(line.strip_prefix('.').unwrap_or(&line));
                            message.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, receiver)
}

struct DomainApp {
    app: TestApp,
    dns: TestDns,
    mail: mpsc::UnboundedReceiver<String>,
}

async fn domain_app(customise: impl FnOnce(&mut Settings)) -> DomainApp {
    let dns = TestDns::start("co.jp").await;
    let (smtp_port, mail) = start_smtp().await;
    let app = spawn_app_with(|s| {
        generous(s);
        s.domain_limit_dns = Some("100/10s".into());
        s.dns_resolver = Some(dns.address.to_string());
        s.smtp_host = Some("127.0.0.1".into());
        s.smtp_port = Some(smtp_port);
        s.smtp_security = Some("none".into());
        s.public_url = Some(PUBLIC_URL.into());
        customise(s);
    })
    .await;
    publish(
        &app,
        "order-system",
        &format!(
            "contract_number,domain,categories\nAA100001,{LISTED},Phone number\n\
             AA100002,www.{LISTED},Phone number\nAA100003,,Phone number\n"
        ),
        Profile::HmacSha256,
    )
    .await;
    DomainApp { app, dns, mail }
}

/// Starts a challenge for `domain`; its token.
async fn start(app: &TestApp, domain: &str) -> String {
    let response = app
        .post_form(
            "/check/domain",
            &[("domain", domain)],
            Some("breachcheck_lang=en"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    location
        .strip_prefix("/check/domain/c/")
        .expect("to the challenge")
        .to_owned()
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let response = app
        .get_with(path, "cookie", &format!("breachcheck_lang=en; {cookie}"))
        .await;
    (
        response.status(),
        crate::helpers::without_markers(&response.text().await.unwrap()),
    )
}

/// The cookies a proof sets (the grant and the domain's name), as a `Cookie` header.
fn grant_cookie(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/check/domain/result");
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|cookie| {
            let cookie = cookie.to_str().unwrap();
            assert!(cookie.contains("HttpOnly"), "{cookie}");
            cookie.split(';').next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    cookies.join("; ")
}

async fn domains_in_database(app: &TestApp) -> Vec<Option<String>> {
    sqlx::query_scalar("SELECT domain FROM domain_challenges")
        .fetch_all(app.database.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_txt_record_proves_control_and_shows_the_answer() {
    let DomainApp { app, dns, .. } = domain_app(|_| {}).await;
    let token = start(&app, &format!("https://www.{LISTED}/contact")).await;
    let (status, html) = page(&app, &format!("/check/domain/c/{token}"), "").await;
    assert_eq!(status, StatusCode::OK);
    let name = format!("_breachcheck-challenge.{LISTED}");
    let value = format!("breachcheck-verification={token}");
    assert!(html.contains(&name), "{html}");
    assert!(html.contains(&value));
    assert!(!html.contains("data-outcome"), "nothing said before proof");

    let verify = format!("/check/domain/c/{token}/dns");
    let missing = app
        .post_form(&verify, &[], Some("breachcheck_lang=en"))
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("No TXT record was found")
    );

    dns.add_txt(
        &name,
        "breachcheck-verification=00000000000000000000000000000000",
    )
    .await;
    let wrong = app
        .post_form(&verify, &[], Some("breachcheck_lang=en"))
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = wrong.text().await.unwrap();
    assert!(text.contains("its value does not match"), "{text}");
    assert!(text.contains("breachcheck-verification=00000000000000000000000000000000"));

    dns.add_txt(&name, &value).await;
    let verified = app
        .post_form(&verify, &[], Some("breachcheck_lang=en"))
        .await;
    let cookie = grant_cookie(&verified);
    let (status, html) = page(&app, "/check/domain/result", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-outcome="affected""#), "{html}");
    assert!(html.contains("Phone number"));
    // The answer names the domain, how many listed contracts carry it, and never speaks
    // of "your contract".
    assert!(
        html.contains(&format!(r#"<dd class="asked">{LISTED}</dd>"#)),
        "{html}"
    );
    assert!(html.contains(r#"data-contracts="2""#), "{html}");
    assert!(html.contains("This domain is in the list of affected customers"));
    assert!(!html.contains("Your contract"));
    // A name the browser changed is not shown: it is checked against the proven domain.
    let grant = cookie.split("; ").next().unwrap();
    let forged = format!("{grant}; breachcheck_domain_name={UNLISTED}");
    let (_, html) = page(&app, "/check/domain/result", &forged).await;
    assert!(html.contains(r#"data-outcome="affected""#));
    assert!(!html.contains(UNLISTED), "{html}");
    assert!(!html.contains(r#"class="asked""#));
    // Without the cookie: nothing.
    let (status, html) = page(&app, "/check/domain/result", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!html.contains("data-outcome"));

    assert_eq!(
        domains_in_database(&app).await,
        vec![None],
        "the domain is gone"
    );
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'domain.%'")
            .fetch_all(app.database.pool())
            .await
            .unwrap();
    assert_eq!(audited, vec!["domain.verified".to_owned()]);
    // The statistics count the proof once; the refused attempts and the answer's views not.
    app.flush_lookup_stats().await;
    let counted: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(domain_checks) AS BIGINT) FROM lookup_stats")
            .fetch_one(app.database.pool())
            .await
            .unwrap();
    assert_eq!(counted, 1);
}

/// The parts of a multipart message: content type and decoded text.
fn parts_of(message: &str) -> Vec<(String, String)> {
    use base64::Engine;
    let boundary = message
        .split("boundary=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a multipart message");
    message
        .split(&format!("--{boundary}"))
        .skip(1)
        .filter_map(|part| {
            let (head, body) = part.split_once("\n\n")?;
            let kind = head
                .lines()
                .find_map(|line| line.strip_prefix("Content-Type: "))?
                .to_owned();
            let text = if head.contains("base64") {
                let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(compact.trim_end_matches('-'))
                    .expect("base64");
                String::from_utf8(bytes).expect("UTF-8")
            } else {
                body.replace("=\n", "")
            };
            Some((kind, text))
        })
        .collect()
}

/// The one link of the message's plain-text part, pointed at the test's app.
fn link_in(message: &str, app: &TestApp) -> String {
    let parts = parts_of(message);
    let plain = &parts
        .iter()
        .find(|(kind, _)| kind.starts_with("text/plain"))
        .expect("a plain-text part")
        .1;
    assert!(
        parts
            .iter()
            .any(|(kind, html)| kind.starts_with("text/html") && html.contains("<a href=")),
        "an HTML part with the link"
    );
    assert!(
        plain.contains("管理者") && plain.contains("Someone asked"),
        "ja and en: {plain}"
    );
    let links: Vec<&str> = plain
        .split_whitespace()
        .filter(|word| word.starts_with("http"))
        .collect();
    assert_eq!(links.len(), 1, "one link: {plain}");
    assert!(links[0].starts_with(PUBLIC_URL));
    links[0].replace(PUBLIC_URL, &app.address)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailed_link_proves_control_once_and_not_after_it_expires() {
    let DomainApp { app, mut mail, .. } = domain_app(|_| {}).await;
    let token = start(&app, &format!("taro@{LISTED}")).await;
    let mail_path = format!("/check/domain/c/{token}/mail");
    // Only the offered role addresses.
    let typed = app
        .post_form(&mail_path, &[("role", "taro")], Some("breachcheck_lang=en"))
        .await;
    assert_eq!(typed.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let sent = app
        .post_form(&mail_path, &[("role", "security")], None)
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        sent.headers()["location"],
        format!("/check/domain/c/{token}?sent=security").as_str()
    );
    let page_url = |query: &str| format!("/check/domain/c/{token}?{query}");
    let told = app
        .get_with(&page_url("sent=security"), "cookie", "breachcheck_lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        told.contains(&format!("was sent to security@{LISTED}")),
        "{told}"
    );
    // The query string is anybody's to edit: an address the site does not mail is not
    // named as one it did.
    let edited = app
        .get_with(&page_url("sent=taro"), "cookie", "breachcheck_lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(!edited.contains("was sent to"), "{edited}");
    let message = tokio::time::timeout(Duration::from_secs(10), mail.recv())
        .await
        .expect("the mail arrives")
        .unwrap();
    assert!(message.contains(&format!("security@{LISTED}")), "{message}");
    assert!(message.contains("Test Telecom"));
    let link = link_in(&message, &app);

    // A corporate mail scanner opens the link before anyone: that uses nothing up.
    let path = link.trim_start_matches(&app.address).to_owned();
    for _ in 0..2 {
        let scanned = app
            .client
            .get(&link)
            .header("cookie", "breachcheck_lang=en")
            .send()
            .await
            .unwrap();
        assert_eq!(scanned.status(), StatusCode::OK);
        assert!(scanned.headers().get("set-cookie").is_none());
        assert_eq!(scanned.headers()["cache-control"], "no-store");
        let html = scanned.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"method="post" action="{path}""#)),
            "{html}"
        );
        assert!(html.contains("Show the result"));
        assert!(!html.contains("data-outcome"));
    }
    // The person presses the button, in another browser: that person received the mail.
    let opened = app.post_form(&path, &[], None).await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(opened.headers()["location"], "/check/domain/result");
    let cookie = grant_cookie(&opened);
    let (_, html) = page(&app, "/check/domain/result", &cookie).await;
    assert!(html.contains(r#"data-outcome="affected""#));
    let again = app.post_form(&path, &[], None).await;
    assert_eq!(again.status(), StatusCode::GONE, "a link works once");
    assert_eq!(domains_in_database(&app).await, vec![None]);

    // A second challenge's link, expired before it is used.
    let token = start(&app, UNLISTED).await;
    let sent = app
        .post_form(
            &format!("/check/domain/c/{token}/mail"),
            &[("role", "admin")],
            None,
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let message = mail.recv().await.unwrap();
    let link = link_in(&message, &app);
    sqlx::query("UPDATE domain_links SET expires_at = 0")
        .execute(app.database.pool())
        .await
        .unwrap();
    let path = link.trim_start_matches(&app.address).to_owned();
    let expired = app.post_form(&path, &[], Some("breachcheck_lang=en")).await;
    assert_eq!(expired.status(), StatusCode::GONE);
    assert!(
        expired
            .text()
            .await
            .unwrap()
            .contains("This link cannot be used")
    );
}

/// The `name=value` pairs a response sets, as a `Cookie` header.
fn cookies_set(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tab_where_the_check_began_shows_the_answer_once_proven() {
    let DomainApp { app, mut mail, .. } = domain_app(|_| {}).await;
    let started = app
        .post_form(
            "/check/domain",
            &[("domain", LISTED)],
            Some("breachcheck_lang=en"),
        )
        .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let challenge = started.headers()["location"].to_str().unwrap().to_owned();
    let token = challenge.rsplit('/').next().unwrap().to_owned();
    let starter = cookies_set(&started);
    assert!(starter.contains("breachcheck_domain_starter="), "{starter}");
    let (status, html) = page(&app, &challenge, &starter).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("_breachcheck-challenge."), "still open");

    let sent = app
        .post_form(
            &format!("{challenge}/mail"),
            &[("role", "admin")],
            Some(&starter),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let message = mail.recv().await.unwrap();
    let path = link_in(&message, &app)
        .trim_start_matches(&app.address)
        .to_owned();
    // Another device, with no cookie of the starting browser, proves control.
    let proven = app.post_form(&path, &[], None).await;
    grant_cookie(&proven);

    // A browser that did not start the check learns nothing here.
    let (status, html) = page(&app, &challenge, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("data-outcome"));
    // The starting browser's polling is answered "proven", with its grant.
    let polled = app
        .form("/api/domain/challenge", &[("token", token.as_str())])
        .header("cookie", &starter)
        .send()
        .await
        .unwrap();
    assert_eq!(polled.status(), StatusCode::OK);
    let grant = cookies_set(&polled);
    assert!(grant.starts_with("breachcheck_domain="), "{grant}");
    assert!(polled.text().await.unwrap().contains("Proven"));
    // And its page (without JavaScript, reloaded) says so and grants it too.
    let reloaded = app
        .get_with(
            &challenge,
            "cookie",
            &format!("breachcheck_lang=en; {starter}"),
        )
        .await;
    assert_eq!(reloaded.status(), StatusCode::OK);
    let again = cookies_set(&reloaded);
    assert!(again.starts_with("breachcheck_domain="), "{again}");
    assert!(
        reloaded
            .text()
            .await
            .unwrap()
            .contains("Control of the domain is proven")
    );
    let (status, html) = page(&app, "/check/domain/result", &format!("{starter}; {grant}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-outcome="affected""#), "{html}");
    assert!(html.contains(&format!(r#"<dd class="asked">{LISTED}</dd>"#)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fourth_mail_to_a_domain_in_a_day_is_refused_whoever_asks() {
    let DomainApp { app, mut mail, .. } = domain_app(|_| {}).await;
    for i in 0..4 {
        // Each from a fresh challenge: the limit is the domain's, not the challenge's.
        let token = start(&app, LISTED).await;
        let response = app
            .post_form(
                &format!("/check/domain/c/{token}/mail"),
                &[("role", "postmaster")],
                Some("breachcheck_lang=en"),
            )
            .await;
        if i < 3 {
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "mail {i}");
            mail.recv().await.unwrap();
        } else {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            assert!(response.headers().contains_key("retry-after"));
        }
    }
    assert!(mail.try_recv().is_err(), "no fourth mail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_proof_a_listed_and_an_unlisted_domain_look_the_same() {
    let DomainApp { app, .. } = domain_app(|_| {}).await;
    let mut pages = Vec::new();
    for domain in [LISTED, UNLISTED] {
        let response = app
            .post_form(
                "/check/domain",
                &[("domain", domain)],
                Some("breachcheck_lang=en"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let token = start(&app, domain).await;
        let (status, html) = page(&app, &format!("/check/domain/c/{token}"), "").await;
        assert_eq!(status, StatusCode::OK);
        let mut normalised = html.replace(&token, "TOKEN").replace(domain, "DOMAIN");
        for marker in ["nonce=\"", "crossorigin=\""] {
            while let Some(at) = normalised.find(marker) {
                let begin = at + marker.len();
                let end = begin + normalised[begin..].find('"').unwrap();
                normalised.replace_range(at..=end, "");
            }
        }
        pages.push(normalised);
    }
    assert_eq!(pages[0], pages[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_challenge_is_swept_with_its_domain() {
    let DomainApp { app, .. } = domain_app(|s| s.domain_challenge_ttl_secs = Some(1)).await;
    let token = start(&app, LISTED).await;
    assert_eq!(
        domains_in_database(&app).await,
        vec![Some(LISTED.to_owned())]
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, html) = page(&app, &format!("/check/domain/c/{token}"), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("This check was not found"));
    assert_eq!(domain::sweep(&app.database).await.unwrap(), 1);
    assert!(domains_in_database(&app).await.is_empty());
}

/// The outbox's mail names the domain: it goes when its challenge completes, and the
/// database keeps no old copy of the row that held the domain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_leaves_no_trace_once_its_challenge_ends() {
    let DomainApp { app, dns, .. } = domain_app(|s| s.smtp_host = None).await;
    let outbox = app.scratch_dir().join("data").join("outbox");
    let mails = || -> Vec<String> {
        std::fs::read_dir(&outbox)
            .map(|dir| {
                dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(".eml"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let token = start(&app, LISTED).await;
    let other = start(&app, UNLISTED).await;
    for token in [&token, &other] {
        let sent = app
            .post_form(
                &format!("/check/domain/c/{token}/mail"),
                &[("role", "admin")],
                None,
            )
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(mails().len(), 2, "one mail per challenge in the outbox");

    let name = format!("_breachcheck-challenge.{LISTED}");
    dns.add_txt(&name, &format!("breachcheck-verification={token}"))
        .await;
    let verified = app
        .post_form(&format!("/check/domain/c/{token}/dns"), &[], None)
        .await;
    grant_cookie(&verified);
    let left = mails();
    assert_eq!(
        left.len(),
        1,
        "the completed challenge's mail is gone: {left:?}"
    );
    let text = std::fs::read_to_string(outbox.join(&left[0])).unwrap();
    assert!(
        !text.contains(LISTED),
        "the mail left is the other domain's"
    );

    // The sweep clears what the database keeps of the overwritten row.
    domain::sweep(&app.database).await.unwrap();
    domain::scrub(&app.database).await.unwrap();
    if let Some(file) = app.sqlite_bytes().await {
        let secure: i64 = sqlx::query_scalar("PRAGMA secure_delete")
            .fetch_one(app.database.pool())
            .await
            .unwrap();
        assert_eq!(secure, 1);
        let needle = LISTED.as_bytes();
        assert!(
            !file.windows(needle.len()).any(|w| w == needle),
            "the proven domain is nowhere in the database files"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenges_and_dns_checks_are_limited() {
    let DomainApp { app, .. } = domain_app(|s| {
        s.domain_limit_challenges = Some("2/1h".into());
        s.domain_limit_dns = Some("1/10s".into());
    })
    .await;
    let token = start(&app, LISTED).await;
    start(&app, UNLISTED).await;
    let third = app
        .post_form(
            "/check/domain",
            &[("domain", LISTED)],
            Some("breachcheck_lang=en"),
        )
        .await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().contains_key("retry-after"));
    assert!(third.text().await.unwrap().contains("Too many"));

    let verify = format!("/check/domain/c/{token}/dns");
    let first = app.post_form(&verify, &[], None).await;
    assert_eq!(first.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let second = app.post_form(&verify, &[], None).await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);

    let refused = app
        .post_form(
            "/check/domain",
            &[("domain", "co.jp")],
            Some("breachcheck_lang=en"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_helpdesk_looks_a_domain_up_with_a_ticket_and_no_proof() {
    use crate::helpers::{create_staff, signed_in, unix_now};
    use breachcheck::staff::Role;
    let DomainApp { app, .. } = domain_app(|_| {}).await;
    let (_, totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let cookie = format!(
        "{}; breachcheck_lang=en",
        signed_in(&app, "desk@example.com", &totp, unix_now()).await
    );
    let no_ticket = app
        .post_form("/staff/lookup", &[("domain", LISTED)], Some(&cookie))
        .await;
    assert_eq!(no_ticket.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = app
        .post_form(
            "/staff/lookup",
            &[("ticket", "INC-7"), ("domain", "co.jp")],
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("not a shared suffix like co.jp")
    );

    let answer = app
        .post_form(
            "/staff/lookup",
            &[("ticket", "INC-7"), ("domain", &format!("hanako@{LISTED}"))],
            Some(&cookie),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body = answer.text().await.unwrap();
    assert!(body.contains(r#"data-outcome="affected""#), "{body}");
    let unlisted = app
        .post_form(
            "/staff/lookup",
            &[("ticket", "INC-8"), ("domain", UNLISTED)],
            Some(&cookie),
        )
        .await;
    assert!(
        unlisted
            .text()
            .await
            .unwrap()
            .contains(r#"data-outcome="not-affected""#)
    );

    let details: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'lookup.helpdesk' ORDER BY seq",
    )
    .fetch_all(app.database.pool())
    .await
    .unwrap();
    assert_eq!(details.len(), 2);
    assert!(details[0].contains(r#""kind":"domain""#) && details[0].contains("INC-7"));
    assert!(
        !details.concat().contains(LISTED),
        "no plaintext domain in the audit log"
    );
    assert!(
        domains_in_database(&app).await.is_empty(),
        "no challenge for the helpdesk"
    );
}
