//! What the test files share: the application on port 0 with a database of its own, staff
//! accounts and sign-in, forms posted as a browser posts them. Test files import from here,
//! never from each other.

pub mod check;
pub mod dns;
pub mod lists;
pub mod pages;
pub mod process;

use breachcheck::storage::Database;
use server::{Application, Config, Environment, Settings};
use sqlx::Connection;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const TEST_PEPPER: &str = "integration-test-pepper-0123456789abcdef";

/// A database that exists for one test and is removed after it.
enum TestDatabase {
    Sqlite,
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    /// Creates the database and returns its URL.
    async fn create(dir: &TempDir) -> (Self, String) {
        match std::env::var("BREACHCHECK_TEST_DATABASE").as_deref() {
            Ok("postgres") => {
                let admin_url = std::env::var("BREACHCHECK_TEST_PG_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
                let name = format!("breachcheck_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "PostgreSQL is unreachable at {admin_url}: {e}. Start it with: \
                             pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
                        )
                    });
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create the test database");
                let url = match admin_url.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("BREACHCHECK_TEST_PG_URL needs a database path"),
                };
                (Self::Postgres { admin_url, name }, url)
            }
            Ok("sqlite") | Err(_) => (
                Self::Sqlite,
                format!("sqlite://{}/test.db", dir.path().display()),
            ),
            Ok(other) => {
                panic!("BREACHCHECK_TEST_DATABASE must be sqlite or postgres, not {other}")
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Self::Postgres { admin_url, name } = self else {
            return;
        };
        let (admin_url, db_name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {name}");
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub database: Database,
    pub client: reqwest::Client,
    pub hashing_pool: breachcheck::hashing_pool::HashingPool,
    /// Lookups counted for the statistics and not yet written (see [`TestApp::lookup_stats`]).
    pub lookup_tally: std::sync::Arc<breachcheck::check::stats::Tally>,
    /// Where `/metrics` is served, when the settings ask for it.
    // Read by the metrics tests, a test binary of their own (tests/metrics.rs).
    #[allow(dead_code)]
    pub metrics_port: Option<u16>,
    shutdown: Option<oneshot::Sender<()>>,
    // Dropped after the fields above, so the database outlives the app's handles. `None`
    // for another server on the same database (see [`TestApp::other_server`]).
    _database: Option<TestDatabase>,
    _dir: TempDir,
}

impl TestApp {
    /// Writes the lookups counted so far, as the server does every second, so that a test
    /// can read `lookup_stats`.
    pub async fn flush_lookup_stats(&self) {
        self.lookup_tally.flush(&self.database).await.unwrap();
    }

    /// Every byte of the SQLite database as it lies on disk (the file and its write-ahead
    /// log, after a checkpoint), to search for what must not be there; `None` on
    /// PostgreSQL.
    pub async fn sqlite_bytes(&self) -> Option<Vec<u8>> {
        if self.database.backend() != breachcheck::storage::Backend::Sqlite {
            return None;
        }
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(self.database.pool())
            .await
            .unwrap();
        let path = self.database_url.trim_start_matches("sqlite://").to_owned();
        let mut bytes = std::fs::read(&path).unwrap();
        for suffix in ["-wal", "-journal"] {
            if let Ok(more) = std::fs::read(format!("{path}{suffix}")) {
                bytes.extend(more);
            }
        }
        Some(bytes)
    }

    /// A directory this test may write into; removed with the app.
    pub fn scratch_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(header, value)
            .send()
            .await
            .expect("request")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub fn test_settings() -> Settings {
    Settings {
        env: Some(Environment::Development),
        addr: Some("127.0.0.1:0".parse().unwrap()),
        site_name: Some("Test Telecom".into()),
        helpdesk_phone: Some("0120-111-222".into()),
        helpdesk_email: Some("help@test.example".into()),
        pepper: Some(TEST_PEPPER.into()),
        // Tests change notices through the core and read them back at once.
        notice_refresh_ms: Some(0),
        // What production requires; mail links in tests point here.
        public_url: Some("http://breachcheck.invalid".into()),
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Builds the application on port 0 against a fresh database; `customise` may change the
/// settings first.
pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    // `TEST_LOG=1` shows the applications' log lines (filtered by `RUST_LOG`); otherwise the
    // tests print only their own failures.
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init(server::config::Environment::Development);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (test_database, url) = TestDatabase::create(&dir).await;
    let mut settings = test_settings();
    settings.database_url = Some(url.clone().into());
    settings.data_dir = Some(dir.path().join("data"));
    customise(&mut settings);
    let config = Config::from_settings(settings).expect("valid test configuration");
    let app = Application::build(config)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let database = app.database();
    let hashing_pool = app.hashing_pool();
    let lookup_tally = app.lookup_tally();
    let metrics_port = app.metrics_port();
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        database_url: url,
        database,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        hashing_pool,
        lookup_tally,
        metrics_port,
        shutdown: Some(shutdown),
        _database: Some(test_database),
        _dir: dir,
    }
}

impl TestApp {
    /// Another server on this application's database at `address` (a replica started by
    /// the test), for the same helpers to talk to. It owns neither the database nor the
    /// server: dropping it stops nothing.
    // Used by the replica test, a binary of its own (tests/replicas.rs).
    #[allow(dead_code)]
    pub fn other_server(&self, address: String) -> TestApp {
        TestApp {
            address,
            database_url: self.database_url.clone(),
            database: self.database.clone(),
            client: self.client.clone(),
            hashing_pool: self.hashing_pool.clone(),
            lookup_tally: self.lookup_tally.clone(),
            metrics_port: None,
            shutdown: None,
            _database: None,
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }
}

pub const STAFF_PASSWORD: &str = "blue-kettle-orbit-42";

/// Creates an active staff member with [`STAFF_PASSWORD`] and returns its TOTP secret.
pub async fn create_staff(
    app: &TestApp,
    email: &str,
    role: breachcheck::staff::Role,
) -> (
    breachcheck::staff::StaffId,
    breachcheck::staff::totp::TotpSecret,
) {
    use breachcheck::hashing_pool::HashingPool;
    use breachcheck::staff::policy::NewPassword;
    use breachcheck::staff::store::{self, NewStaff};
    use breachcheck::staff::totp::TotpSecret;
    use breachcheck::staff::{DisplayName, StaffEmail, password};
    let email = StaffEmail::parse(email).unwrap();
    let pool = HashingPool::new(1, 4);
    let hash = password::hash(&pool, NewPassword::parse(STAFF_PASSWORD, &email).unwrap())
        .await
        .unwrap();
    let totp = TotpSecret::generate();
    let mut tx = app.database.begin_write().await.unwrap();
    let id = store::create(
        &mut tx,
        NewStaff {
            display_name: DisplayName::parse(&format!("Name of {}", email.local_part())).unwrap(),
            email,
            role,
            password_hash: hash,
            totp_secret: totp.clone(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (id, totp)
}

/// Now, in seconds, but never in the last seconds of a TOTP step: tests compute codes for
/// steps around this moment, and a step boundary passing mid-test would shift them.
pub fn unix_now() -> u64 {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
    };
    let into_step = now().as_secs_f64() % 30.0;
    if into_step > 25.0 {
        std::thread::sleep(std::time::Duration::from_secs_f64(30.0 - into_step + 0.1));
    }
    now().as_secs()
}

impl TestApp {
    /// A form post as this site's own pages send one (same Origin, URL-encoded fields), for
    /// the caller to add headers to: the one way tests post a form.
    pub fn form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    }

    /// Posts a form (see [`TestApp::form`]) with an optional cookie.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.form(path, form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request")
    }
}

/// The `name=value` part of a response's Set-Cookie, for sending back.
pub fn session_cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("breachcheck_session=") || v.starts_with("__Host-breachcheck="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Signs in through both forms, checking each redirect and that the session id rotates,
/// and returns the session cookie.
pub async fn signed_in(
    app: &TestApp,
    email: &str,
    totp: &breachcheck::staff::totp::TotpSecret,
    at: u64,
) -> String {
    try_sign_in(app, email, totp, at)
        .await
        .expect("code accepted")
}

/// Both sign-in steps with the password every test account has and `totp`'s code at `at`:
/// the session cookie if the code is accepted, `None` if it is refused.
pub async fn try_sign_in(
    app: &TestApp,
    email: &str,
    totp: &breachcheck::staff::totp::TotpSecret,
    at: u64,
) -> Option<String> {
    let password = app
        .post_form(
            "/staff/login",
            &[("email", email), ("password", STAFF_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(password.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(password.headers()["location"], "/staff/login/code");
    let pending = session_cookie_of(&password).expect("a pending session cookie");
    let code = app
        .post_form(
            "/staff/login/code",
            &[("code", &totp.code_at(at))],
            Some(&pending),
        )
        .await;
    if code.headers()["location"] != "/staff" {
        return None;
    }
    let session = session_cookie_of(&code).expect("a session cookie");
    assert_ne!(session, pending, "the session id rotates at sign-in");
    Some(session)
}

/// A new staff member, signed in through the core's sign-in service: the proof that core
/// functions (which take `SignedIn` or `Admin`) ask for.
pub async fn staff_proof(
    app: &TestApp,
    email: &str,
    role: breachcheck::staff::Role,
) -> breachcheck::staff::sign_in::SignedIn {
    use breachcheck::hashing_pool::HashingPool;
    use breachcheck::pepper::Pepper;
    use breachcheck::staff::sign_in::Authenticator;
    use breachcheck::staff::throttle::ThrottlePolicy;
    let (_, totp) = create_staff(app, email, role).await;
    let sign_in = Authenticator {
        db: app.database.clone(),
        pool: HashingPool::new(1, 4),
        sessions: Default::default(),
        throttle: ThrottlePolicy::default(),
        pepper: Pepper::parse(TEST_PEPPER.as_bytes().to_vec()).unwrap(),
    };
    let now = unix_now();
    let from = breachcheck::staff::sign_in::Attempt {
        client: "192.0.2.1",
        browser_mark: None,
    };
    let pending = sign_in
        .password_step(email, STAFF_PASSWORD.into(), &from)
        .await
        .unwrap();
    sign_in
        .code_step(&pending, &totp.code_at(now), &from, now)
        .await
        .unwrap()
}

/// A page's markup without Leptos's hydration markers (`<!>`, after a dynamic piece of
/// text), which depend on how the views were built (`erase_components` adds them): tests
/// that look for markup read it as a person would.
pub fn without_markers(html: &str) -> String {
    html.replace("<!>", "")
}
