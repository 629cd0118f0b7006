//! What the benchmarks share: the pepper, and admins signed in through both steps.

use breachcheck::hashing_pool::HashingPool;
use breachcheck::pepper::Pepper;
use breachcheck::staff::policy::NewPassword;
use breachcheck::staff::sign_in::{Attempt, SignIn, SignedIn};
use breachcheck::staff::store::NewStaff;
use breachcheck::staff::throttle::ThrottlePolicy;
use breachcheck::staff::totp::TotpSecret;
use breachcheck::staff::{DisplayName, Role, StaffEmail, password};
use server::startup::Application;
use std::time::{SystemTime, UNIX_EPOCH};

pub const PEPPER: &str = "bench-pepper-bench-pepper-bench-pepper-0001";
const PASSWORD: &str = "blue-kettle-orbit-42";

/// The bench signs in from this machine, in a browser that never did before.
const LOCAL: Attempt<'static> = Attempt {
    client: "127.0.0.1",
    browser_mark: None,
};

/// An admin named by `email`, created and signed in through both steps.
pub async fn admin(app: &Application, email: &str) -> SignedIn {
    let db = app.database();
    let email = StaffEmail::parse(email).unwrap();
    let pool = HashingPool::new(1, 4);
    let hash = password::hash(&pool, NewPassword::parse(PASSWORD, &email).unwrap())
        .await
        .unwrap();
    let totp = TotpSecret::generate();
    let mut tx = db.begin_write().await.unwrap();
    breachcheck::staff::store::create(
        &mut tx,
        NewStaff {
            display_name: DisplayName::parse("Bench").unwrap(),
            email: email.clone(),
            role: Role::Admin,
            password_hash: hash,
            totp_secret: totp.clone(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let sign_in = SignIn {
        db: db.clone(),
        pool,
        sessions: Default::default(),
        throttle: ThrottlePolicy::default(),
        pepper: Pepper::parse(PEPPER.as_bytes().to_vec()).unwrap(),
    };
    let pending = sign_in
        .password_step(email.as_str(), PASSWORD.into(), &LOCAL)
        .await
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    sign_in
        .code_step(&pending, &totp.code_at(now), &LOCAL, now)
        .await
        .unwrap()
}
