//! Notices at the core level, on both back ends: revisions saved, listed and restored;
//! publishing rules; what the public may read; every step audited.

use crate::helpers::lists::new_incident;
use crate::helpers::{spawn_app, staff_proof};
use breachcheck::audit::{self, Filter};
use breachcheck::locale::Localized;
use breachcheck::notice::store::{self, NoteRejection, NoticeError, UpdateNote};
use breachcheck::notice::{FaqEntry, Missing, NoticeContent, NoticeText, TimelineEvent};
use breachcheck::staff::Role;

fn content(title_en: &str, body_en: &str) -> NoticeContent {
    NoticeContent {
        text: Localized::new(
            NoticeText {
                title: "受注システムへの不正アクセスについて".into(),
                summary: "お客さま情報が流出した可能性があります。".into(),
                body: "## 概要\n\n調査中です。".into(),
                contact: "専用窓口: 0120-000-000".into(),
            },
            NoticeText {
                title: title_en.into(),
                summary: "Customer data may have leaked.".into(),
                body: body_en.into(),
                contact: "Helpdesk: 0120-000-000".into(),
            },
        ),
        timeline: vec![TimelineEvent {
            date: "2025-02-05".into(),
            text: Localized::new(
                "不正アクセスを検知".into(),
                "Unauthorised access discovered".into(),
            ),
        }],
        actions: vec![],
        faq: vec![FaqEntry {
            question: Localized::new("何が流出しましたか".into(), "What leaked?".into()),
            answer: Localized::new(
                "契約名など".into(),
                "Contract names <script>alert(1)</script> and more".into(),
            ),
        }],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_are_revisions_and_an_old_one_can_be_restored() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system").await;
    let admin = admin.as_admin().unwrap();
    let db = &app.database;

    let first = content(
        "Unauthorised access",
        "<script>alert(1)</script>First text.",
    );
    assert_eq!(store::save(&admin, db, incident, &first).await.unwrap(), 1);
    let second = content("Unauthorised access (update)", "Second text.");
    assert_eq!(store::save(&admin, db, incident, &second).await.unwrap(), 2);
    let numbers: Vec<i64> = store::revisions(db, incident)
        .await
        .unwrap()
        .iter()
        .map(|r| r.number)
        .collect();
    assert_eq!(numbers, vec![2, 1]);

    let saved = store::revision(db, incident, 1).await.unwrap().unwrap();
    assert_eq!(saved.content, first, "what was written is kept as written");
    assert!(saved.rendered.text.en.body_html.contains("First text."));
    assert!(
        !saved.rendered.text.en.body_html.contains("<script"),
        "rendered at save, sanitised"
    );
    assert!(!saved.rendered.faq[0].answer_html.en.contains("<script"));

    assert_eq!(store::restore(&admin, db, incident, 1).await.unwrap(), 3);
    let restored = store::revision(db, incident, 3).await.unwrap().unwrap();
    assert_eq!(restored.content, first);
    assert!(matches!(
        store::restore(&admin, db, incident, 9).await,
        Err(NoticeError::RevisionNotFound)
    ));
    let mut bad = first.clone();
    bad.timeline[0].date = "5 Feb".into();
    assert!(matches!(
        store::save(&admin, db, incident, &bad).await,
        Err(NoticeError::Content(_))
    ));
    assert_eq!(
        store::state(db, incident).await.unwrap().revisions,
        3,
        "nothing half-saved"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_complete_notices_are_published_and_unpublished_ones_are_not_public() {
    let app = spawn_app().await;
    let admin = staff_proof(&app, "admin@example.com", Role::Admin).await;
    let incident = new_incident(&app, &admin, "order-system").await;
    let admin = admin.as_admin().unwrap();
    let db = &app.database;
    let version = store::version(db).await.unwrap();

    assert!(matches!(
        store::publish(&admin, db, incident, &UpdateNote::first()).await,
        Err(NoticeError::RevisionNotFound)
    ));
    store::save(&admin, db, incident, &content("Unauthorised access", ""))
        .await
        .unwrap();
    match store::publish(&admin, db, incident, &UpdateNote::first()).await {
        Err(NoticeError::Incomplete(missing)) => assert_eq!(missing, vec![Missing::BodyEn]),
        other => panic!("published without an English body: {other:?}"),
    }
    assert!(store::published(db).await.unwrap().is_empty());
    assert_eq!(store::version(db).await.unwrap(), version);

    store::save(
        &admin,
        db,
        incident,
        &content("Unauthorised access", "Body."),
    )
    .await
    .unwrap();
    assert_eq!(
        store::publish(&admin, db, incident, &UpdateNote::first())
            .await
            .unwrap(),
        2
    );
    let public = store::published(db).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].slug, "order-system");
    assert_eq!(public[0].first_published_at, public[0].published_at);
    assert!(store::version(db).await.unwrap() > version);

    // A later save is not public until it is published.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store::save(&admin, db, incident, &content("Updated title", "New body."))
        .await
        .unwrap();
    let shown = store::published_by_slug(db, "order-system")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.rendered.text.en.title, "Unauthorised access");
    // An update needs a note of what changed; refused, it changes nothing.
    assert!(matches!(
        store::publish(&admin, db, incident, &UpdateNote::first()).await,
        Err(NoticeError::Note(NoteRejection::Missing))
    ));
    let unchanged = store::published_by_slug(db, "order-system")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.rendered.text.en.title, "Unauthorised access");
    assert_eq!(unchanged.history.len(), 1);
    let note = UpdateNote::parse(Localized::new(
        "題名を訂正".into(),
        "Title corrected".into(),
    ));
    store::publish(&admin, db, incident, &note.unwrap())
        .await
        .unwrap();
    let shown = store::published_by_slug(db, "ORDER-SYSTEM")
        .await
        .unwrap()
        .unwrap();
    let history: Vec<(i64, String)> = shown
        .history
        .iter()
        .map(|p| (p.number, p.note.en.clone()))
        .collect();
    assert_eq!(
        history,
        [(1, String::new()), (2, "Title corrected".to_owned())]
    );
    assert_eq!(shown.rendered.text.en.title, "Updated title");
    assert!(
        shown.published_at > shown.first_published_at,
        "shown as updated"
    );

    let before = store::version(db).await.unwrap();
    store::unpublish(&admin, db, incident).await.unwrap();
    assert!(store::published(db).await.unwrap().is_empty());
    assert!(
        store::published_by_slug(db, "order-system")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store::version(db).await.unwrap() > before);
    assert!(matches!(
        store::unpublish(&admin, db, incident).await,
        Err(NoticeError::NotPublished)
    ));

    let filter = Filter {
        limit: 50,
        ..Default::default()
    };
    let actions: Vec<String> = audit::recent(db, &filter)
        .await
        .unwrap()
        .into_iter()
        .map(|listed| listed.entry.action)
        .filter(|action| action.starts_with("notice."))
        .collect();
    for action in [
        "notice.revised",
        "notice.published",
        "notice.updated",
        "notice.unpublished",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not in {actions:?}"
        );
    }
}
