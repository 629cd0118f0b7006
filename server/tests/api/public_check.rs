//! The public check and the helpdesk lookup over HTTP, on both back ends: answers with and
//! without a verification factor, answers that cannot be told apart, limits, proof of work,
//! overload, and the helpdesk's audited lookup.

use crate::helpers::check::{check, generous, proof_fields, solved_challenge, with_proof};
use crate::helpers::lists::publish;
use crate::helpers::{TEST_PEPPER, TestApp, create_staff, signed_in, spawn_app_with, unix_now};
use breachcheck::check::pow::{self, PowKeys};
use breachcheck::digest::Profile;
use breachcheck::pepper::Pepper;
use breachcheck::staff::Role;
use reqwest::StatusCode;
use server::check::BUSY_HOLD;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_follow_the_lists_and_their_verification_factor() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(50);
    })
    .await;
    let none = check(&app, &[("contract", "AB123456")], None).await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(none.outcome(), Some("not-affected"));
    assert!(
        none.body
            .contains("No list of affected customers has been published yet")
    );
    // Nothing about "the list as published today" when there is none.
    assert!(!none.body.contains("as published today"), "{}", none.body);
    assert!(
        none.body.contains("0120-111-222"),
        "the helpdesk is still named"
    );

    publish(
        &app,
        "order-system",
        "契約番号,漏えい項目\nAB123456,電話番号\nCD987654,\n",
        Profile::HmacSha256,
    )
    .await;
    let form = app.get("/check").await.text().await.unwrap();
    assert!(
        !form.contains(r#"name="phone""#),
        "no list carries a phone yet"
    );

    // Typed with dashes, or in full width: the same customer.
    for typed in ["AB-1234-56", "ＡＢ１２３４５６", " ab 1234 56 "] {
        let answer = check(&app, &[("contract", typed)], None).await;
        assert_eq!(answer.status, StatusCode::OK, "{typed}");
        assert_eq!(answer.outcome(), Some("affected"), "{typed}");
        assert!(
            answer
                .body
                .contains("Unauthorised access to the order system")
        );
        assert!(
            answer.body.contains("Be wary of calls and mails"),
            "the advice"
        );
        assert!(answer.body.contains("0120-111-222"), "the helpdesk");
        let categories = &answer.body[answer.body.find("class=\"categories\"").unwrap()..];
        let categories = &categories[..categories.find("</ul>").unwrap()];
        assert!(categories.contains("Phone number"), "{categories}");
        assert!(
            !categories.contains("Email"),
            "only this customer's categories"
        );
    }
    let first = check(&app, &[("contract", "AB-1234-56")], None).await;
    let again = check(&app, &[("contract", "ab123456")], None).await;
    assert_eq!(
        first.reference(),
        again.reference(),
        "a stable reference code"
    );
    assert!(
        crate::helpers::without_markers(&first.body).contains(r#"<dd class="asked">AB123456</dd>"#),
        "the answer says which number it answers, in its canonical form"
    );

    let unknown = check(&app, &[("contract", "ZZ999999")], None).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(unknown.outcome(), Some("not-affected"));
    assert!(
        unknown
            .body
            .contains("No entry matching the details entered was found in the list for")
    );
    assert!(!unknown.body.contains("is not in the list"));
    assert_ne!(unknown.reference(), first.reference());

    // A second incident whose list carries the registered phone as a factor.
    publish(
        &app,
        "billing-system",
        "契約番号,電話番号\nEF123456,03-1234-5678\n",
        Profile::HmacSha256,
    )
    .await;
    let form = app.get("/check").await.text().await.unwrap();
    assert!(
        form.contains(r#"name="phone""#),
        "the form now asks for the phone"
    );
    let right = check(
        &app,
        &[("contract", "EF123456"), ("phone", "03 1234 5678")],
        None,
    )
    .await;
    assert_eq!(right.outcome(), Some("affected"));
    let wrong = check(
        &app,
        &[("contract", "EF123456"), ("phone", "03-9999-0000")],
        None,
    )
    .await;
    let stranger = check(
        &app,
        &[("contract", "GH123456"), ("phone", "03-9999-0000")],
        None,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert_eq!(wrong.outcome(), Some("not-affected"));
    assert_eq!(
        wrong.normalised(),
        stranger.normalised(),
        "a listed number with the wrong phone gets exactly the not-affected answer"
    );
    // The list without a factor still answers on the number (the phone is asked for now).
    let both = check(
        &app,
        &[("contract", "CD987654"), ("phone", "03-9999-0000")],
        None,
    )
    .await;
    assert_eq!(both.outcome(), Some("affected"));
    let missing = check(&app, &[("contract", "CD987654")], None).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Enter the phone number registered"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_is_refused_before_any_hashing() {
    let app = spawn_app_with(generous).await;
    for (typed, says) in [
        ("AB12", "at least 6"),
        ("", "The contract number is empty"),
        ("AB12345<>", "not in the expected format"),
    ] {
        let answer = check(&app, &[("contract", typed)], None).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(answer.outcome().is_none());
        assert!(answer.body.contains(says), "{typed}: {}", answer.body);
    }
    let not_a_form = app
        .client
        .post(app.url("/check"))
        .header("origin", &app.address)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_form.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_hits")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(counted, 0, "nothing was counted, so nothing was hashed");
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn affected_and_unaffected_answers_cannot_be_told_apart() {
    let app = spawn_app_with(generous).await;
    let listed: Vec<String> = (0..20).map(|i| format!("AF{i:06}")).collect();
    let csv = format!("contract_number\n{}\n", listed.join("\n"));
    publish(&app, "order-system", &csv, Profile::ARGON2ID).await;
    let unlisted: Vec<String> = (0..20).map(|i| format!("NA{i:06}")).collect();

    let mut times = [Vec::new(), Vec::new()];
    let mut classes = std::collections::BTreeSet::new();
    // Interleaved, so that whatever else the machine does falls on both alike.
    for (a, b) in listed.iter().zip(&unlisted) {
        for (i, number) in [a, b].into_iter().enumerate() {
            let answer = check(&app, &[("contract", number)], None).await;
            assert_eq!(answer.status, StatusCode::OK);
            let expected = ["affected", "not-affected"][i];
            assert_eq!(answer.outcome(), Some(expected), "{number}");
            classes.insert(answer.body.len() / server::routes::ANSWER_BLOCK_BYTES);
            assert_eq!(answer.body.len() % server::routes::ANSWER_BLOCK_BYTES, 0);
            times[i].push(answer.took);
        }
    }
    assert_eq!(
        classes.len(),
        1,
        "one length class for all 40 answers: {classes:?}"
    );
    let (affected, unaffected) = (median(times[0].clone()), median(times[1].clone()));
    let gap = affected.abs_diff(unaffected);
    println!(
        "median answer time: affected {affected:?}, not affected {unaffected:?}, \
         difference {gap:?} (floor 400 ms)"
    );
    assert!(affected >= Duration::from_millis(400), "the floor holds");
    assert!(gap < Duration::from_millis(20), "medians differ by {gap:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_per_address_hold_and_a_spoofed_forwarded_for_changes_nothing() {
    let app = spawn_app_with(|s| s.lookup_floor_ms = Some(0)).await;
    for i in 1..=10 {
        let proof = proof_fields(&solved_challenge(&app).await);
        let number = format!("AB{i:06}");
        let spoofed = format!("198.51.100.{i}");
        let answer = check(
            &app,
            &with_proof(&[("contract", &number)], &proof),
            Some(&spoofed),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "lookup {i}");
    }
    let proof = proof_fields(&solved_challenge(&app).await);
    let eleventh = check(
        &app,
        &with_proof(&[("contract", "AB999999")], &proof),
        Some("203.0.113.99"),
    )
    .await;
    assert_eq!(eleventh.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = eleventh.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    assert!(eleventh.body.contains("Too many checks"));
    app.flush_lookup_stats().await;
    let limited: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(rate_limited) AS BIGINT) FROM lookup_stats")
            .fetch_one(app.database.pool())
            .await
            .unwrap();
    assert_eq!(limited, 1, "counted for the statistics");
    let answered: i64 = sqlx::query_scalar("SELECT CAST(SUM(lookups) AS BIGINT) FROM lookup_stats")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(
        answered, 10,
        "the limited lookup was not answered (nor hashed)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_stricter_limit_applies() {
    let app = spawn_app_with(|s| s.lookup_floor_ms = Some(0)).await;
    for i in 1..=3 {
        let answer = check(&app, &[("contract", &format!("AB{i:06}"))], None).await;
        assert_eq!(answer.status, StatusCode::OK, "lookup {i}");
    }
    let fourth = check(&app, &[("contract", "AB000004")], None).await;
    assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS);
    // With the proof of work the same address still has its own budget.
    let proof = proof_fields(&solved_challenge(&app).await);
    let with_js = check(&app, &with_proof(&[("contract", "AB000005")], &proof), None).await;
    assert_eq!(with_js.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_number_is_limited_whoever_asks() {
    let app = spawn_app_with(|s| {
        s.lookup_floor_ms = Some(0);
        s.trusted_proxies = Some("127.0.0.1".into());
    })
    .await;
    for i in 1..=5 {
        let from = format!("192.0.2.{i}");
        let answer = check(&app, &[("contract", "AB-1234-56")], Some(&from)).await;
        assert_eq!(answer.status, StatusCode::OK, "lookup {i}");
    }
    let sixth = check(&app, &[("contract", "ab123456")], Some("192.0.2.6")).await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(sixth.retry_after.is_some());
    // Another number from the same new address is fine: the limit was the number's.
    let other = check(&app, &[("contract", "CD987654")], Some("192.0.2.6")).await;
    assert_eq!(other.status, StatusCode::OK);
    // Behind a trusted proxy, addresses are told apart: the 4th from one is limited.
    for _ in 0..3 {
        check(&app, &[("contract", "EF000001")], Some("192.0.2.50")).await;
    }
    let fourth = check(&app, &[("contract", "EF000002")], Some("192.0.2.50")).await;
    assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS);
    let rows: Vec<String> = sqlx::query_scalar("SELECT subject FROM rate_hits")
        .fetch_all(app.database.pool())
        .await
        .unwrap();
    for subject in rows {
        assert!(
            !subject.contains("192.0.2") && !subject.contains("AB123456"),
            "counters hold keyed hashes, not addresses or numbers: {subject}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_or_expired_proof_of_work_is_refused() {
    let app = spawn_app_with(|s| s.lookup_floor_ms = Some(0)).await;
    let proof = proof_fields(&solved_challenge(&app).await);
    let first = check(&app, &with_proof(&[("contract", "AB123456")], &proof), None).await;
    assert_eq!(first.status, StatusCode::OK);
    let replayed = check(&app, &with_proof(&[("contract", "AB123456")], &proof), None).await;
    assert_eq!(replayed.status, StatusCode::BAD_REQUEST);
    assert!(replayed.body.contains("The check expired"));
    assert!(replayed.outcome().is_none());

    let keys = PowKeys::new(&Pepper::parse(TEST_PEPPER.as_bytes().to_vec()).unwrap());
    let short = keys.issue(100, Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = proof_fields(&pow::solve(&short).unwrap());
    let late = check(
        &app,
        &with_proof(&[("contract", "AB123456")], &expired),
        None,
    )
    .await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);

    let mut forged = proof_fields(&solved_challenge(&app).await);
    forged[1].1 = "not a number".into();
    let bad = check(
        &app,
        &with_proof(&[("contract", "AB123456")], &forged),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// Fills a pool of one worker and a queue of one: a job running and one waiting, each for
/// `hold`. Await both handles to drain it.
async fn fill_the_pool(
    app: &TestApp,
    hold: Duration,
) -> (tokio::task::JoinHandle<()>, tokio::task::JoinHandle<()>) {
    let job = |pool: breachcheck::hashing_pool::HashingPool| {
        tokio::spawn(async move { pool.run(move || std::thread::sleep(hold)).await.unwrap() })
    };
    let running = job(app.hashing_pool.clone());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let waiting = job(app.hashing_pool.clone());
    tokio::time::sleep(Duration::from_millis(100)).await;
    (running, waiting)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saturated_hashing_pool_answers_busy_and_pages_stay_fast() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.hashing_workers = Some(1);
        s.hashing_queue = Some(1);
    })
    .await;
    let (running, waiting) = fill_the_pool(&app, Duration::from_secs(3)).await;

    let busy = check(&app, &[("contract", "AB123456")], None).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.retry_after.as_deref(), Some("10"));
    assert!(
        busy.took >= BUSY_HOLD,
        "held before it left: {:?}",
        busy.took
    );
    assert!(busy.body.contains("The site is busy"));
    assert!(busy.body.contains("ただいま混み合っています"));
    // A small page written once, not a rendered (and padded) one: under a flood most
    // answers are this one.
    assert!(busy.body.len() < 2048, "{} bytes", busy.body.len());
    let started = Instant::now();
    let home = app.get("/").await;
    let took = started.elapsed();
    assert_eq!(home.status(), StatusCode::OK);
    println!("with the hashing pool saturated, / answered in {took:?}");
    assert!(took < Duration::from_millis(100), "/ took {took:?}");
    app.flush_lookup_stats().await;
    let counted: i64 = sqlx::query_scalar("SELECT CAST(SUM(busy) AS BIGINT) FROM lookup_stats")
        .fetch_one(app.database.pool())
        .await
        .unwrap();
    assert_eq!(counted, 1);
    running.await.unwrap();
    waiting.await.unwrap();
    let later = check(&app, &[("contract", "AB123456")], None).await;
    assert_eq!(later.status, StatusCode::OK, "answers again once drained");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_answers_spend_none_of_the_visitors_limits() {
    // The defaults: three lookups per address without JavaScript.
    let app = spawn_app_with(|s| {
        s.lookup_floor_ms = Some(0);
        s.hashing_workers = Some(1);
        s.hashing_queue = Some(1);
    })
    .await;
    // Four busy answers, each held a second, while the pool stays full.
    let (running, waiting) = fill_the_pool(&app, Duration::from_secs(6)).await;
    for attempt in 1..=4 {
        let busy = check(&app, &[("contract", "AB123456")], None).await;
        assert_eq!(
            busy.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "attempt {attempt}"
        );
    }
    running.await.unwrap();
    waiting.await.unwrap();
    let answered = check(&app, &[("contract", "AB123456")], None).await;
    assert_eq!(
        answered.status,
        StatusCode::OK,
        "the visitor told to come back later still has their lookups"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_answer_held_for_a_client_that_left_gives_its_place_back() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.hashing_workers = Some(1);
        s.hashing_queue = Some(1);
        // One lookup in progress at a time: a place held by a busy answer is all there is.
        s.lookup_concurrency = Some(1);
    })
    .await;
    let (running, waiting) = fill_the_pool(&app, Duration::from_secs(4)).await;
    let impatient = reqwest::Client::builder()
        .timeout(BUSY_HOLD / 4)
        .build()
        .unwrap();
    let gone = impatient
        .post(app.url("/check"))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("contract=AB123456")
        .send()
        .await;
    assert!(
        gone.is_err(),
        "the client left while its busy answer was held"
    );
    // The server learns that the client left when it reads the closed connection, a
    // moment after the client gave up (longer on a loaded machine): give it that moment,
    // still well within the time the first answer would have been held (BUSY_HOLD).
    tokio::time::sleep(BUSY_HOLD / 4).await;
    // Had the first answer's place not come back, this one would be shed at once
    // (Retry-After 5) instead of being told the pool is busy (Retry-After 10) after the
    // same hold.
    let next = check(&app, &[("contract", "AB123457")], None).await;
    assert_eq!(next.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(next.retry_after.as_deref(), Some("10"), "{}", next.body);
    assert!(next.took >= BUSY_HOLD, "{:?}", next.took);
    running.await.unwrap();
    waiting.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_beyond_their_concurrency_are_shed_at_once_and_pages_stay_fast() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(0);
        s.hashing_workers = Some(1);
        s.hashing_queue = Some(8);
        s.lookup_concurrency = Some(2);
    })
    .await;
    let pool = app.hashing_pool.clone();
    let running = tokio::spawn(async move {
        pool.run(|| std::thread::sleep(Duration::from_secs(2)))
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Two lookups in progress, waiting for the pool: the group's two places.
    let waiting: Vec<_> = ["AB000001", "AB000002"]
        .into_iter()
        .map(|number| {
            let app_url = app.url("/check");
            let origin = app.address.clone();
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(app_url)
                    .header("origin", origin)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!("contract={number}"))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(2);
    while app.hashing_pool.waiting() < 2 {
        assert!(Instant::now() < deadline, "the two lookups reach the pool");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A third is shed at once, without waiting for anything.
    let shed = check(&app, &[("contract", "AB000003")], None).await;
    assert_eq!(shed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(shed.retry_after.as_deref(), Some("5"));
    assert!(shed.body.contains("try again in a moment"), "{}", shed.body);
    assert!(shed.took < Duration::from_millis(500), "{:?}", shed.took);
    assert_eq!(app.hashing_pool.waiting(), 2, "the shed one never queued");
    // Pages do not share the lookups' places.
    let home = app.get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    running.await.unwrap();
    for lookup in waiting {
        assert_eq!(lookup.await.unwrap(), StatusCode::OK);
    }
    // The places were given back.
    let later = check(&app, &[("contract", "AB000004")], None).await;
    assert_eq!(later.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_abandoned_in_the_queue_give_their_places_back() {
    let app = spawn_app_with(|s| {
        generous(s);
        s.lookup_floor_ms = Some(0);
        s.hashing_workers = Some(1);
        s.hashing_queue = Some(4);
    })
    .await;
    // The one worker is busy for a while, so lookups queue behind it.
    let pool = app.hashing_pool.clone();
    let running = tokio::spawn(async move {
        pool.run(|| std::thread::sleep(Duration::from_secs(4)))
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;

    // 40 impatient clients give up after two seconds, long before the worker is free:
    // four wait in the queue until then, the others are told at once that it is busy.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let body = "contract=AB123456";
    let gave_up = futures_util::future::join_all((0..40).map(|_| {
        impatient
            .post(app.url("/check"))
            .header("origin", &app.address)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    }))
    .await;
    let busy = gave_up
        .iter()
        .filter(|outcome| {
            outcome
                .as_ref()
                .is_ok_and(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)
        })
        .count();
    let abandoned = gave_up.iter().filter(|outcome| outcome.is_err()).count();
    println!("of 40 impatient lookups: {busy} answered busy, {abandoned} gave up");
    assert!(
        gave_up.iter().any(|outcome| outcome
            .as_ref()
            .is_ok_and(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)),
        "the queue was full"
    );
    assert!(
        gave_up.iter().any(|outcome| outcome.is_err()),
        "some clients gave up while queued"
    );
    running.await.unwrap();

    // The places they held were given back: a patient client is answered.
    let answer = check(&app, &[("contract", "AB123456")], None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let again = check(&app, &[("contract", "CD123456")], None).await;
    assert_eq!(again.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_helpdesk_looks_up_with_a_ticket_and_the_lookup_is_audited() {
    let app = spawn_app_with(generous).await;
    publish(
        &app,
        "billing-system",
        "契約番号,電話番号,漏えい項目\nEF123456,03-1234-5678,電話番号\n",
        Profile::HmacSha256,
    )
    .await;
    let (desk, totp) = create_staff(&app, "desk@example.com", Role::Helpdesk).await;
    let cookie = format!(
        "{}; breachcheck_lang=en",
        signed_in(&app, "desk@example.com", &totp, unix_now()).await
    );
    let lookup = |form: Vec<(&'static str, &'static str)>| {
        let (app, cookie) = (&app, cookie.clone());
        async move { app.post_form("/staff/lookup", &form, Some(&cookie)).await }
    };

    let refused = lookup(vec![("contract", "EF123456")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Enter the ticket reference")
    );

    let answer = lookup(vec![
        ("ticket", "INC-2025-0142"),
        ("contract", "EF-123456"),
        ("phone", "03-0000-0000"),
    ])
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body = answer.text().await.unwrap();
    assert!(
        body.contains(r#"data-outcome="affected""#),
        "the helpdesk sees the finding"
    );
    assert!(body.contains(r#"data-factor="Mismatched""#));
    assert!(body.contains("Phone number"), "the categories");

    let filter = breachcheck::audit::Filter {
        action: Some(breachcheck::audit::Action::LookupHelpdesk),
        limit: 10,
        ..Default::default()
    };
    let entries = breachcheck::audit::recent(&app.database, &filter)
        .await
        .unwrap();
    let entry = &entries
        .iter()
        .find(|e| e.entry.action == "lookup.helpdesk")
        .expect("the lookup is audited")
        .entry;
    assert_eq!(entry.actor, format!("staff:{}", desk.0));
    assert!(entry.detail.contains("INC-2025-0142"), "{}", entry.detail);
    assert!(!entry.detail.contains("EF123456"));
    assert_eq!(entry.subject.as_ref().map(Vec::len), Some(32), "the digest");
}
