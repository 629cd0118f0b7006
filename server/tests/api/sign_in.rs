//! Signing staff in (the core flow the sign-in pages call), on both back ends.

use crate::helpers::{TEST_PEPPER, TestApp, spawn_app};
use breachcheck::hashing_pool::HashingPool;
use breachcheck::pepper::Pepper;
use breachcheck::staff::password;
use breachcheck::staff::policy::NewPassword;
use breachcheck::staff::session::{SessionPolicy, SessionToken};
use breachcheck::staff::sign_in::{Attempt, Authenticator, SignInError, SignedIn};
use breachcheck::staff::store::{self, NewStaff};
use breachcheck::staff::throttle::{self, ThrottlePolicy};
use breachcheck::staff::totp::{STEP_SECONDS, TotpSecret};
use breachcheck::staff::{DisplayName, Role, StaffEmail, StaffId};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const EMAIL: &str = "hanako@example.com";
const PASSWORD: &str = "blue-kettle-orbit-42";
const IP: &str = "192.0.2.10";

/// An attempt from `client` in a browser that never signed in before.
fn from(client: &str) -> Attempt<'_> {
    Attempt {
        client,
        browser_mark: None,
    }
}

struct Fixture {
    app: TestApp,
    sign_in: Authenticator,
    staff_id: StaffId,
    totp: TotpSecret,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn fixture_with(sessions: SessionPolicy) -> Fixture {
    let app = spawn_app().await;
    let pool = HashingPool::new(2, 64);
    let email = StaffEmail::parse(EMAIL).unwrap();
    let hash = password::hash(&pool, NewPassword::parse(PASSWORD, &email).unwrap())
        .await
        .unwrap();
    let totp = TotpSecret::generate();
    let mut tx = app.database.begin_write().await.unwrap();
    let staff_id = store::create(
        &mut tx,
        NewStaff {
            email,
            display_name: DisplayName::parse("Hanako").unwrap(),
            role: Role::Admin,
            password_hash: hash,
            totp_secret: totp.clone(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let sign_in = Authenticator {
        db: app.database.clone(),
        pool,
        sessions,
        throttle: ThrottlePolicy::default(),
        pepper: Pepper::parse(TEST_PEPPER.as_bytes().to_vec()).unwrap(),
    };
    Fixture {
        app,
        sign_in,
        staff_id,
        totp,
    }
}

async fn fixture() -> Fixture {
    fixture_with(SessionPolicy::default()).await
}

impl Fixture {
    async fn sign_in_at(&self, unix_seconds: u64) -> Result<SessionToken, SignInError> {
        let pending = self
            .sign_in
            .password_step(EMAIL, PASSWORD.into(), &from(IP))
            .await?;
        let code = self.totp.code_at(unix_seconds);
        let signed_in = self
            .sign_in
            .code_step(&pending, &code, &from(IP), unix_seconds)
            .await?;
        Ok(signed_in.token().clone())
    }

    async fn is_signed_in(&self, token: &SessionToken) -> bool {
        self.sign_in.current(token).await.unwrap().is_some()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_then_code_signs_in_under_a_new_token() {
    let f = fixture().await;
    let pending = f
        .sign_in
        .password_step("  HANAKO@example.com ", PASSWORD.into(), &from(IP))
        .await
        .unwrap();
    assert!(
        !f.is_signed_in(&pending).await,
        "a password alone is not enough"
    );
    let now = now();
    let signed_in = f
        .sign_in
        .code_step(&pending, &f.totp.code_at(now), &from(IP), now)
        .await
        .unwrap();
    assert_eq!(signed_in.staff_id(), f.staff_id);
    assert_eq!(signed_in.role(), Role::Admin);
    assert_ne!(
        signed_in.token().expose(),
        pending.expose(),
        "the id rotates"
    );
    assert!(f.is_signed_in(signed_in.token()).await);
    assert!(!f.is_signed_in(&pending).await, "the old token is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_gets_the_same_answer() {
    let f = fixture().await;
    let unknown = f
        .sign_in
        .password_step("nobody@example.com", PASSWORD.into(), &from(IP))
        .await;
    let wrong_password = f
        .sign_in
        .password_step(EMAIL, "wrong-password-123".into(), &from(IP))
        .await;
    let malformed = f
        .sign_in
        .password_step("not an email", PASSWORD.into(), &from(IP))
        .await;
    let pending = f
        .sign_in
        .password_step(EMAIL, PASSWORD.into(), &from(IP))
        .await
        .unwrap();
    let now = now();
    let wrong_code = f.totp.code_at(now + 10 * STEP_SECONDS);
    let wrong_code = f
        .sign_in
        .code_step(&pending, &wrong_code, &from(IP), now)
        .await;
    let messages: Vec<String> = [
        unknown.err(),
        wrong_password.err(),
        malformed.err(),
        wrong_code.err(),
    ]
    .into_iter()
    .map(|e| {
        let e = e.expect("refused");
        assert!(matches!(e, SignInError::Rejected), "{e:?}");
        e.to_string()
    })
    .collect();
    assert!(
        messages
            .iter()
            .all(|m| m == "email, password or code is wrong"),
        "{messages:?}"
    );
}

fn throttled(outcome: Result<SessionToken, SignInError>) -> Duration {
    match outcome {
        Err(SignInError::Throttled { retry_after }) => retry_after,
        other => panic!("expected throttling, got {other:?}"),
    }
}

impl Fixture {
    /// Both steps from `attempt`, returning the proof of sign-in.
    async fn signed_in_from(&self, attempt: &Attempt<'_>, unix_seconds: u64) -> SignedIn {
        let pending = self
            .sign_in
            .password_step(EMAIL, PASSWORD.into(), attempt)
            .await
            .unwrap();
        let code = self.totp.code_at(unix_seconds);
        self.sign_in
            .code_step(&pending, &code, attempt, unix_seconds)
            .await
            .unwrap()
    }

    async fn fail_from(&self, attempt: &Attempt<'_>) {
        let outcome = self
            .sign_in
            .password_step(EMAIL, "wrong-password-123".into(), attempt)
            .await;
        assert!(matches!(outcome, Err(SignInError::Rejected)), "{outcome:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_stop_that_client_for_that_account_not_its_owner() {
    let f = fixture().await;
    // The owner signed in from their own browser before, which keeps the mark.
    let owner = f.signed_in_from(&from("203.0.113.5"), now()).await;
    let mark = f.sign_in.browser_mark(&owner);
    // Another account's mark, made now: the checks below run within the second or two
    // the slowdown lasts, so nothing slow (argon2) may come between them.
    let other = crate::helpers::staff_proof(&f.app, "taro@example.com", Role::Helpdesk).await;
    let other_account = f.sign_in.browser_mark(&other);

    for _ in 0..5 {
        f.fail_from(&from("198.51.100.1")).await;
    }
    // The guesser's client is refused for this account, even with the right password, for
    // up to the window: until its oldest failure leaves it.
    let wait = throttled(
        f.sign_in
            .password_step(EMAIL, PASSWORD.into(), &from("198.51.100.1"))
            .await,
    );
    let window = breachcheck::staff::policy::THROTTLE_WINDOW;
    assert!(wait > window - Duration::from_secs(60), "{wait:?}");
    assert!(wait <= window, "{wait:?}");

    // Another client that never signed in here is slowed down, not locked out: it waits
    // a second after the account's latest failure, then may try.
    let elsewhere = from("198.51.100.2");
    let wait = throttled(
        f.sign_in
            .password_step(EMAIL, PASSWORD.into(), &elsewhere)
            .await,
    );
    assert!(wait <= Duration::from_secs(1), "{wait:?}");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    f.fail_from(&elsewhere).await;
    // Each failure past the limit doubles the wait.
    let wait = throttled(
        f.sign_in
            .password_step(EMAIL, PASSWORD.into(), &elsewhere)
            .await,
    );
    assert!(
        wait > Duration::from_secs(1) && wait <= Duration::from_secs(2),
        "{wait:?}"
    );

    // A mark made up, or made for another account, does not help.
    for forged in ["0".repeat(64), other_account] {
        let attempt = Attempt {
            client: "198.51.100.4",
            browser_mark: Some(&forged),
        };
        throttled(
            f.sign_in
                .password_step(EMAIL, PASSWORD.into(), &attempt)
                .await,
        );
    }
    // The owner's browser is not slowed at all, from any address.
    let owner_browser = Attempt {
        client: "198.51.100.3",
        browser_mark: Some(&mark),
    };
    f.signed_in_from(&owner_browser, now() + 30).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_older_than_the_window_are_swept() {
    let f = fixture().await;
    f.fail_from(&from("198.51.100.1")).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sign_in_failures")
            .fetch_one(f.app.database.pool())
            .await
            .unwrap()
    };
    // One failure counts for the pair, the client and the account.
    assert_eq!(count().await, 3);
    let policy = ThrottlePolicy::default();
    assert_eq!(throttle::sweep(&f.app.database, &policy).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let short = ThrottlePolicy {
        window: Duration::from_millis(10),
        ..policy
    };
    assert_eq!(throttle::sweep(&f.app.database, &short).await.unwrap(), 3);
    assert_eq!(count().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_is_throttled_across_accounts_after_four_times_as_many() {
    let f = fixture().await;
    let limit = ThrottlePolicy::default().per_client().max_failures;
    assert_eq!(limit, 20);
    for n in 0..limit - 1 {
        let email = format!("guess{n}@example.com");
        let _ = f
            .sign_in
            .password_step(&email, PASSWORD.into(), &from(IP))
            .await;
    }
    // Nineteen failures on other accounts: a colleague behind the same address still
    // signs in.
    f.signed_in_from(&from(IP), now()).await;
    let _ = f
        .sign_in
        .password_step("guess-last@example.com", PASSWORD.into(), &from(IP))
        .await;
    throttled(
        f.sign_in
            .password_step(EMAIL, PASSWORD.into(), &from(IP))
            .await,
    );
    // Another client is not held by it.
    f.signed_in_from(&from("198.51.100.9"), now() + 30).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_totp_code_cannot_be_used_twice() {
    let f = fixture().await;
    let now = now();
    f.sign_in_at(now).await.unwrap();
    let again = f.sign_in_at(now).await;
    assert!(matches!(again, Err(SignInError::Rejected)), "{again:?}");
    // The next time step's code works.
    f.sign_in_at(now + STEP_SECONDS).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_session() {
    let f = fixture().await;
    let token = f.sign_in_at(now()).await.unwrap();
    let signed_in = f.sign_in.current(&token).await.unwrap().unwrap();
    f.sign_in.sign_out(&signed_in).await.unwrap();
    assert!(!f.is_signed_in(&token).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires() {
    let f = fixture_with(SessionPolicy {
        idle: Duration::from_millis(600),
        ..SessionPolicy::default()
    })
    .await;
    let token = f.sign_in_at(now()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(f.is_signed_in(&token).await, "activity keeps it alive");
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(
        !f.is_signed_in(&token).await,
        "idle for longer than the timeout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_absolute_lifetime_ends_even_a_busy_session() {
    let f = fixture_with(SessionPolicy {
        absolute: Duration::from_millis(800),
        ..SessionPolicy::default()
    })
    .await;
    let token = f.sign_in_at(now()).await.unwrap();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(f.is_signed_in(&token).await);
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!f.is_signed_in(&token).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_or_a_new_password_ends_sessions() {
    let f = fixture().await;
    let second_admin_keeps_the_guard_happy = {
        let pool = HashingPool::new(1, 4);
        let email = StaffEmail::parse("second@example.com").unwrap();
        let hash = password::hash(&pool, NewPassword::parse(PASSWORD, &email).unwrap())
            .await
            .unwrap();
        let mut tx = f.app.database.begin_write().await.unwrap();
        let id = store::create(
            &mut tx,
            NewStaff {
                email,
                display_name: DisplayName::parse("Second").unwrap(),
                role: Role::Admin,
                password_hash: hash,
                totp_secret: TotpSecret::generate(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    assert_ne!(second_admin_keeps_the_guard_happy, f.staff_id);

    let token = f.sign_in_at(now()).await.unwrap();
    let mut tx = f.app.database.begin_write().await.unwrap();
    store::set_disabled(&mut tx, f.staff_id, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!f.is_signed_in(&token).await, "disabled");
    let mut tx = f.app.database.begin_write().await.unwrap();
    store::set_disabled(&mut tx, f.staff_id, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        !f.is_signed_in(&token).await,
        "enabling does not revive old sessions"
    );
    let enabled_again = f
        .sign_in
        .password_step(EMAIL, PASSWORD.into(), &from(IP))
        .await;
    assert!(
        enabled_again.is_ok(),
        "the account signs in again once enabled"
    );

    let token = f.sign_in_at(now() + STEP_SECONDS).await.unwrap();
    let current = f.sign_in.db.clone();
    let hash = store::find(&current, f.staff_id)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    let mut tx = current.begin_write().await.unwrap();
    store::set_password(&mut tx, f.staff_id, &hash)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!f.is_signed_in(&token).await, "password changed");
}
