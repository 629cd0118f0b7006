//! Incidents and affected lists made through the core, as the staff pages make them: import,
//! approval by a second admin, publication; and the question the public check asks of them.

use super::{TEST_PEPPER, TestApp, staff_proof};
use breachcheck::check::lookup::{Finding, Lookup, Query};
use breachcheck::dataset::DatasetId;
use breachcheck::dataset::category::{Categories, Category, Standard};
use breachcheck::dataset::incident::{
    self, CalendarDate, IncidentDetails, IncidentId, NewIncident, Slug,
};
use breachcheck::dataset::lifecycle::{self, Acknowledged, ApprovalPolicy};
use breachcheck::digest::{Digester, Profile};
use breachcheck::hashing_pool::HashingPool;
use breachcheck::identifier::{ContractNumber, ContractPattern};
use breachcheck::import::columns::Mapping;
use breachcheck::import::job::{self, Importer, Uploader};
use breachcheck::import::report::ImportReport;
use breachcheck::locale::Localized;
use breachcheck::pepper::Pepper;
use breachcheck::staff::Role;
use breachcheck::staff::sign_in::SignedIn;

pub async fn importer(app: &TestApp, profile: Profile) -> Importer {
    let pepper = Pepper::parse(TEST_PEPPER.as_bytes().to_vec()).unwrap();
    Importer {
        db: app.database.clone(),
        pool: HashingPool::new(2, 64),
        digester: Digester::for_deployment(&app.database, profile, pepper)
            .await
            .unwrap(),
        pattern: ContractPattern::default(),
    }
}

pub async fn new_incident(app: &TestApp, admin: &SignedIn, slug: &str) -> IncidentId {
    let incident = NewIncident {
        slug: Slug::parse(slug).unwrap(),
        details: IncidentDetails {
            title: Localized::new(
                "受注システムへの不正アクセス".into(),
                "Unauthorised access to the order system".into(),
            ),
            occurred_from: CalendarDate::parse_optional("2025-02-05").unwrap(),
            occurred_to: None,
            advice: Localized::new(
                "不審な電話やメールにご注意ください。".into(),
                "Be wary of calls and mails that claim to come from us.".into(),
            ),
            announced_on: CalendarDate::parse_optional("2025-02-20").unwrap(),
            categories: Categories::new(vec![
                Category::standard(Standard::ContractName),
                Category::standard(Standard::Phone),
                Category::standard(Standard::Email),
            ])
            .unwrap(),
        },
    };
    incident::create(&admin.as_admin().unwrap(), &app.database, incident)
        .await
        .unwrap()
}

/// Imports `bytes` and waits for the job.
pub async fn import(
    importer: &Importer,
    admin: &SignedIn,
    incident: IncidentId,
    bytes: Vec<u8>,
) -> (DatasetId, ImportReport) {
    let uploader = Uploader::admin(&admin.as_admin().unwrap());
    let (started, outcome) = importer
        .run(uploader, incident, Mapping::new(), job::in_memory(bytes))
        .await
        .expect("the file is accepted");
    (started.dataset, outcome.expect("the import completes"))
}

/// Publishes `csv` as the active list of a new incident (two admins: upload, approve).
pub async fn publish(app: &TestApp, slug: &str, csv: &str, profile: Profile) {
    let uploader = staff_proof(app, &format!("up-{slug}@example.com"), Role::Admin).await;
    let incident = new_incident(app, &uploader, slug).await;
    publish_for(app, incident, csv, profile).await;
}

/// Publishes `csv` as the active list of `incident`: uploaded by one admin, approved
/// (rejected rows acknowledged) and published by another, all with hmac-sha256 or argon2.
pub async fn publish_for(
    app: &TestApp,
    incident: IncidentId,
    csv: &str,
    profile: Profile,
) -> DatasetId {
    let n = incident.0;
    let uploader = staff_proof(app, &format!("up-{n}@example.com"), Role::Admin).await;
    let approver = staff_proof(app, &format!("ok-{n}@example.com"), Role::Admin).await;
    let importer = importer(app, profile).await;
    let (dataset, _) = import(&importer, &uploader, incident, csv.as_bytes().to_vec()).await;
    let db = &app.database;
    lifecycle::approve(
        &approver.as_admin().unwrap(),
        db,
        dataset,
        ApprovalPolicy::default(),
        Acknowledged::RejectedRows,
    )
    .await
    .unwrap();
    lifecycle::activate(&uploader.as_admin().unwrap(), db, dataset)
        .await
        .unwrap();
    dataset
}

/// What the published lists say of `contract`, asked as the public check asks: through the
/// hashing pool, each list under its own hashing profile (whatever `importer`'s is).
pub async fn findings_for(importer: &Importer, contract: &str) -> Vec<Finding> {
    let pepper = Pepper::parse(TEST_PEPPER.as_bytes().to_vec()).unwrap();
    let lookup = Lookup::new(
        importer.db.clone(),
        importer.digester.clone(),
        importer.pool.clone(),
        &pepper,
    );
    let query = Query {
        contract: ContractNumber::parse(contract, &importer.pattern).unwrap(),
        phone: None,
    };
    lookup.answer(&query).await.unwrap().findings
}
