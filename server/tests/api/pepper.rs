//! The pepper is the deployment's: a replica or an import with another one would make
//! digests that match nothing stored, and every answer would be "not found". The database
//! recognises its pepper and refuses any other; changing it (after a leak) is refused while
//! a list is published, and audited.

use crate::helpers::lists::new_incident;
use crate::helpers::lists::publish_for;
use crate::helpers::{TEST_PEPPER, spawn_app, staff_proof};
use breachcheck::dataset::lifecycle;
use breachcheck::digest::{Digester, PepperChangeError, Profile};
use breachcheck::pepper::Pepper;
use breachcheck::staff::Role;
use breachcheck::storage::StorageError;

pub const OTHER_PEPPER: &str = "another-pepper-entirely-0123456789abcdef";

fn pepper(text: &str) -> Pepper {
    Pepper::parse(text.as_bytes().to_vec()).unwrap()
}

async fn digester(app: &crate::helpers::TestApp, text: &str) -> Result<Digester, StorageError> {
    Digester::for_deployment(&app.database, Profile::HmacSha256, pepper(text)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_pepper_is_refused_and_changed_only_with_no_list_published() {
    let app = spawn_app().await;
    assert!(digester(&app, TEST_PEPPER).await.is_ok());
    assert!(matches!(
        digester(&app, OTHER_PEPPER).await,
        Err(StorageError::OtherPepper)
    ));

    let admin = staff_proof(&app, "pepper@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system").await;
    let dataset = publish_for(&app, incident, "契約番号\nAB123456\n", Profile::HmacSha256).await;
    let refused = breachcheck::digest::change_pepper(&app.database, &pepper(OTHER_PEPPER)).await;
    assert!(
        matches!(refused, Err(PepperChangeError::ListsPublished(1))),
        "{refused:?}"
    );
    assert!(digester(&app, TEST_PEPPER).await.is_ok(), "nothing changed");

    lifecycle::retire(&admin.as_admin().unwrap(), &app.database, dataset)
        .await
        .unwrap();
    breachcheck::digest::change_pepper(&app.database, &pepper(OTHER_PEPPER))
        .await
        .unwrap();
    assert!(digester(&app, OTHER_PEPPER).await.is_ok());
    assert!(matches!(
        digester(&app, TEST_PEPPER).await,
        Err(StorageError::OtherPepper)
    ));
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'deployment.%'")
            .fetch_all(app.database.pool())
            .await
            .unwrap();
    assert_eq!(audited, ["deployment.pepper_changed"]);
}
