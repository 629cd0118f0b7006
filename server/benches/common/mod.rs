//! What the benchmarks share: the pepper, admins signed in through both steps, and the
//! load tool with its outside anchor ([`load`]). Each benchmark uses a part of this.
#![allow(dead_code)]

pub mod load;

use breachcheck::dataset::category::{Categories, Category, Standard};
use breachcheck::dataset::incident::{self, IncidentDetails, IncidentId, NewIncident, Slug};
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::digest::{Digester, Profile};
use breachcheck::hashing_pool::HashingPool;
use breachcheck::identifier::ContractPattern;
use breachcheck::import::columns::Mapping;
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::notice::{NoticeContent, NoticeText, store};
use breachcheck::pepper::Pepper;
use breachcheck::staff::policy::NewPassword;
use breachcheck::staff::sign_in::{Attempt, Authenticator, SignedIn};
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
    let sign_in = Authenticator {
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

/// The incident every benchmark publishes, made once.
pub async fn order_system(app: &Application, admin: &SignedIn) -> IncidentId {
    let db = app.database();
    if let Some(found) = incident::find_by_slug(&db, "order-system").await.unwrap() {
        return found.id;
    }
    let new = NewIncident {
        slug: Slug::parse("order-system").unwrap(),
        details: IncidentDetails {
            title: breachcheck::locale::Localized::new(
                "受注システムへの不正アクセス".into(),
                "Unauthorised access to the order system".into(),
            ),
            occurred_from: None,
            occurred_to: None,
            announced_on: None,
            categories: Categories::new(vec![Category::standard(Standard::Phone)]).unwrap(),
            advice: breachcheck::locale::Localized::default(),
        },
    };
    incident::create(&admin.as_admin().unwrap(), &db, new)
        .await
        .unwrap()
}

/// Publishes a list of `listed` contract numbers (`AB000000`, `AB000001`, …) hashed with
/// argon2id, the default profile, so that a lookup costs one hash.
pub async fn publish_list(app: &Application, listed: usize, profile: Profile) {
    let db = app.database();
    let uploader = admin(app, "uploader@example.com").await;
    let approver = admin(app, "approver@example.com").await;
    let incident = order_system(app, &uploader).await;
    let pepper = Pepper::parse(PEPPER.as_bytes().to_vec()).unwrap();
    let importer = Importer {
        db: db.clone(),
        pool: app.hashing_pool(),
        digester: Digester::for_deployment(&db, profile, pepper)
            .await
            .unwrap(),
        pattern: ContractPattern::default(),
    };
    let csv: String = std::iter::once("contract_number".to_owned())
        .chain((0..listed).map(|n| format!("AB{n:06}")))
        .collect::<Vec<_>>()
        .join("\n");
    let (started, outcome) = importer
        .run(
            Uploader::admin(&uploader.as_admin().unwrap()),
            incident,
            Mapping::new(),
            job::in_memory(csv.into_bytes()),
        )
        .await
        .unwrap();
    outcome.unwrap();
    lifecycle::approve(
        &approver.as_admin().unwrap(),
        &db,
        started.dataset,
        ApprovalPolicy::default(),
        Acknowledged::RejectedRows,
    )
    .await
    .unwrap();
    lifecycle::activate(&uploader.as_admin().unwrap(), &db, started.dataset)
        .await
        .unwrap();
}

/// Publishes a notice of a realistic length for the incident `order-system`.
pub async fn publish_notice(app: &Application) {
    let db = app.database();
    let proof = admin(app, "notice@example.com").await;
    let incident = order_system(app, &proof).await;
    let admin = proof.as_admin().unwrap();
    store::save(&admin, &db, incident, &notice()).await.unwrap();
    store::publish(
        &admin,
        &db,
        incident,
        &breachcheck::notice::store::UpdateNote::first(),
    )
    .await
    .unwrap();
}

fn notice() -> NoticeContent {
    let body_ja =
        "## 概要\n\n2025年2月5日、受注システムへの不正アクセスを検知しました。\n\n".repeat(12);
    let body_en =
        "## Summary\n\nOn 5 February 2025 we found unauthorised access to the order system.\n\n"
            .repeat(12);
    NoticeContent {
        text: breachcheck::locale::Localized::new(
            NoticeText {
                title: "受注システムへの不正アクセスについて".into(),
                summary: "法人のお客さまの情報が流出した可能性があります。".into(),
                body: body_ja,
                contact: String::new(),
            },
            NoticeText {
                title: "Unauthorised access to our order system".into(),
                summary: "Data on corporate customers may have leaked.".into(),
                body: body_en,
                contact: String::new(),
            },
        ),
        ..Default::default()
    }
}
