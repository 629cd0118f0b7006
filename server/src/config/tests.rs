use super::*;
use std::collections::HashMap;

const PEPPER: &str = "an-obviously-secret-pepper-0123456789";

fn settings_from(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut settings = Settings::default();
    settings.apply_env(|name| vars.get(name).cloned())?;
    Ok(settings)
}

fn production_error(vars: &[(&str, &str)]) -> String {
    let settings = settings_from(vars).unwrap();
    Config::from_settings(settings).unwrap_err().to_string()
}

#[test]
fn production_without_a_pepper_names_the_setting() {
    let message = production_error(&[
        ("BREACHCHECK_ENV", "production"),
        ("DATABASE_URL", "postgres://db/breachcheck"),
        ("BREACHCHECK_SITE_NAME", "Example"),
        ("BREACHCHECK_HELPDESK_PHONE", "0120"),
    ]);
    assert!(message.contains("BREACHCHECK_PEPPER"), "{message}");
    assert!(!message.contains("DATABASE_URL"), "{message}");
}

#[test]
fn production_lists_every_missing_setting() {
    let message = production_error(&[("BREACHCHECK_ENV", "production")]);
    for name in [
        "DATABASE_URL",
        "BREACHCHECK_PEPPER",
        "BREACHCHECK_SITE_NAME",
        "BREACHCHECK_HELPDESK_PHONE",
        "BREACHCHECK_PUBLIC_URL",
    ] {
        assert!(message.contains(name), "{name} missing from: {message}");
    }
}

#[test]
fn production_refuses_a_short_pepper() {
    let message = production_error(&[
        ("BREACHCHECK_ENV", "production"),
        ("DATABASE_URL", "postgres://db/breachcheck"),
        ("BREACHCHECK_SITE_NAME", "Example"),
        ("BREACHCHECK_HELPDESK_EMAIL", "help@example.com"),
        ("BREACHCHECK_PUBLIC_URL", "https://check.example.com"),
        ("BREACHCHECK_PEPPER", "too-short"),
    ]);
    assert!(message.contains("BREACHCHECK_PEPPER"), "{message}");
    assert!(message.contains("at least 32"), "{message}");
}

#[test]
fn production_refuses_the_development_pepper_file() {
    let message = production_error(&[
        ("BREACHCHECK_ENV", "production"),
        ("DATABASE_URL", "postgres://db/breachcheck"),
        ("BREACHCHECK_SITE_NAME", "Example"),
        ("BREACHCHECK_HELPDESK_EMAIL", "help@example.com"),
        ("BREACHCHECK_PUBLIC_URL", "https://check.example.com"),
        ("BREACHCHECK_PEPPER_FILE", "data/pepper"),
    ]);
    assert!(message.contains("development pepper"), "{message}");
}

#[test]
fn production_starts_with_everything_set_and_no_dev_contact() {
    let settings = settings_from(&[
        ("BREACHCHECK_ENV", "production"),
        ("DATABASE_URL", "postgres://db/breachcheck"),
        ("BREACHCHECK_SITE_NAME", "Example Telecom"),
        ("BREACHCHECK_HELPDESK_EMAIL", "help@example.com"),
        ("BREACHCHECK_PUBLIC_URL", "https://check.example.com"),
        ("BREACHCHECK_PEPPER", PEPPER),
    ])
    .unwrap();
    let config = Config::from_settings(settings).unwrap();
    assert!(config.environment.is_production());
    assert_eq!(config.site.helpdesk_phone, None, "no development default");
    assert_eq!(config.pepper.expose(), PEPPER.as_bytes());
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let settings = settings_from(&[
        ("BREACHCHECK_PEPPER", PEPPER),
        (
            "DATABASE_URL",
            "postgres://user:hunter2-password@db/breachcheck",
        ),
    ])
    .unwrap();
    let config = Config::from_settings(settings).unwrap();
    let printed = format!("{config:?} {config:#?}");
    assert!(!printed.contains(PEPPER), "{printed}");
    assert!(!printed.contains("obviously-secret"), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
}

#[test]
fn values_are_taken_verbatim() {
    let settings = settings_from(&[
        ("BREACHCHECK_HELPDESK_PHONE", "0120123456"),
        ("BREACHCHECK_PEPPER", "01234567890123456789012345678901234"),
        ("BREACHCHECK_SITE_NAME", "\"Quoted\" \\n Telecom"),
    ])
    .unwrap();
    let config = Config::from_settings(settings).unwrap();
    assert_eq!(config.site.helpdesk_phone.as_deref(), Some("0120123456"));
    assert_eq!(config.site.name, "\"Quoted\" \\n Telecom");
    assert_eq!(
        config.pepper.expose(),
        b"01234567890123456789012345678901234"
    );
}

#[test]
fn bad_values_name_their_variable() {
    let error = settings_from(&[("BREACHCHECK_ADDR", "not-an-address")])
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("BREACHCHECK_ADDR"), "{error}");
    let error = settings_from(&[("BREACHCHECK_ENV", "staging")])
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("BREACHCHECK_ENV"), "{error}");
}

#[test]
fn environment_overrides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breachcheck.toml");
    std::fs::write(
        &path,
        "site_name = \"From File\"\nhelpdesk_hours = \"24h\"\naddr = \"127.0.0.1:4000\"\n",
    )
    .unwrap();
    let mut settings = Settings::from_toml_file(&path).unwrap();
    settings
        .apply_env(|name| (name == "BREACHCHECK_SITE_NAME").then(|| "From Env".to_owned()))
        .unwrap();
    assert_eq!(settings.site_name.as_deref(), Some("From Env"));
    assert_eq!(settings.helpdesk_hours.as_deref(), Some("24h"));
    assert_eq!(settings.addr, Some("127.0.0.1:4000".parse().unwrap()));
}

#[test]
fn a_pepper_in_the_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breachcheck.toml");
    std::fs::write(&path, "pepper = \"in-a-file\"\n").unwrap();
    let error = Settings::from_toml_file(&path).err().unwrap().to_string();
    assert!(error.contains("pepper"), "{error}");
    assert!(!error.contains("in-a-file"), "{error}");
}

#[test]
fn development_generates_a_private_pepper_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let settings = || Settings {
        data_dir: Some(data.clone()),
        ..Settings::default()
    };
    let first = Config::from_settings(settings()).unwrap();
    let second = Config::from_settings(settings()).unwrap();
    assert_eq!(first.pepper.expose(), second.pepper.expose());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("pepper"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(
        first.database_url.expose_secret(),
        format!("sqlite://{}/breachcheck.db", data.display())
    );
}

#[test]
fn lookup_defences_have_defaults_and_refuse_nonsense() {
    let config = |vars: &[(&str, &str)]| {
        let mut all = vec![("BREACHCHECK_PEPPER", PEPPER)];
        all.extend_from_slice(vars);
        Config::from_settings(settings_from(&all).unwrap())
    };
    let defaults = config(&[]).unwrap().lookups;
    assert_eq!(defaults.limits.address.max, 10);
    assert_eq!(defaults.limits.noscript.max, 3);
    assert_eq!(
        defaults.limits.identifier.window,
        Duration::from_secs(86_400)
    );
    assert_eq!(defaults.floor, Duration::from_millis(400));
    assert_eq!(defaults.trusted_proxies, TrustedProxies::default());

    let set = config(&[
        ("BREACHCHECK_LOOKUP_LIMIT_ADDRESS", "20/1h"),
        ("BREACHCHECK_TRUSTED_PROXIES", "10.0.0.7, 10.1.0.0/16"),
        ("BREACHCHECK_LOOKUP_FLOOR_MS", "250"),
    ])
    .unwrap()
    .lookups;
    assert_eq!(set.limits.address.max, 20);
    assert_eq!(set.limits.address.window, Duration::from_secs(3600));
    assert_eq!(set.floor, Duration::from_millis(250));

    for (name, value) in [
        ("BREACHCHECK_LOOKUP_LIMIT_IDENTIFIER", "five a day"),
        ("BREACHCHECK_LOOKUP_LIMIT_GLOBAL", "0/1m"),
        ("BREACHCHECK_TRUSTED_PROXIES", "proxy.example.com"),
    ] {
        let error = config(&[(name, value)]).unwrap_err().to_string();
        assert!(error.contains(name), "{error}");
    }
    let error = settings_from(&[("BREACHCHECK_LOOKUP_FLOOR_MS", "soon")])
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("BREACHCHECK_LOOKUP_FLOOR_MS"), "{error}");
}

#[test]
fn the_domain_check_reads_its_limits_resolver_and_relay() {
    let settings = settings_from(&[
        ("BREACHCHECK_DOMAIN_LIMIT_DNS", "2/30s"),
        ("BREACHCHECK_DNS_RESOLVER", "127.0.0.1:5353"),
        ("BREACHCHECK_SMTP_HOST", "smtp.example.net"),
        ("BREACHCHECK_SMTP_SECURITY", "tls"),
        ("BREACHCHECK_SMTP_PASSWORD", "relay-secret"),
        ("BREACHCHECK_PUBLIC_URL", "https://check.example.co.jp"),
    ])
    .unwrap();
    let config = Config::from_settings(settings).unwrap();
    let domains = &config.domains;
    assert_eq!(domains.limits.dns, "2/30s".parse().unwrap());
    assert_eq!(domains.limits.mail, "3/1d".parse().unwrap());
    assert_eq!(
        domains.dns_resolver,
        Some("127.0.0.1:5353".parse().unwrap())
    );
    assert_eq!(domains.public_url, "https://check.example.co.jp");
    match &domains.mail {
        crate::domain_control::mail::MailSettings::Smtp(smtp) => {
            assert_eq!(smtp.port, 465);
            assert!(smtp.password.is_some());
        }
        other => panic!("expected the relay: {other:?}"),
    }
    assert!(
        !format!("{config:?}").contains("relay-secret"),
        "a secret printed"
    );
    let error = settings_from(&[
        ("BREACHCHECK_SMTP_SECURITY", "maybe"),
        ("BREACHCHECK_SMTP_HOST", "x"),
    ])
    .and_then(Config::from_settings)
    .unwrap_err()
    .to_string();
    assert!(error.contains("BREACHCHECK_SMTP_SECURITY"), "{error}");
}

/// The environment variables the README's configuration table names, with its shorthand
/// expanded (`BREACHCHECK_HELPDESK_PHONE`, `_EMAIL` is `BREACHCHECK_HELPDESK_EMAIL`).
fn readme_variables() -> std::collections::BTreeSet<String> {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has a configuration section");
    let mut names = std::collections::BTreeSet::new();
    for row in section.lines().filter(|line| line.starts_with("| `")) {
        let mut first: Option<String> = None;
        for token in row.split('`').skip(1).step_by(2) {
            let is_name =
                |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            if let Some(tail) = token.strip_prefix('_').filter(|t| is_name(t)) {
                let full = first.as_deref().expect("a shorthand follows a full name");
                let stem = &full[..full.rfind('_').unwrap()];
                names.insert(format!("{stem}_{tail}"));
            } else if is_name(token) && token.contains('_') {
                first.get_or_insert_with(|| token.to_owned());
                names.insert(token.to_owned());
            }
        }
    }
    names
}

#[test]
fn the_readme_lists_exactly_the_settings_there_are() {
    let mut declared: std::collections::BTreeSet<String> = SETTINGS
        .iter()
        .flat_map(|setting| setting.names.iter().map(|name| (*name).to_owned()))
        .collect();
    // Read by the log subscriber, not a setting of ours.
    declared.insert("RUST_LOG".to_owned());
    let documented = readme_variables();
    let undocumented: Vec<_> = declared.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&declared).collect();
    assert!(
        undocumented.is_empty(),
        "not in the README: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "in the README but not read: {unknown:?}"
    );
}

#[test]
fn each_file_key_is_its_variable_without_the_prefix() {
    // As the README says of the TOML file.
    for setting in SETTINGS {
        let name = setting.names[0];
        let key = name
            .strip_prefix("BREACHCHECK_")
            .unwrap_or(name)
            .to_lowercase();
        assert_eq!(setting.key, key, "{name}");
    }
}

#[test]
fn secrets_are_refused_in_the_file_and_read_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breachcheck.toml");
    let secrets: Vec<_> = SETTINGS.iter().filter(|s| s.secret).collect();
    assert!(secrets.iter().any(|s| s.key == "pepper"));
    for setting in &secrets {
        std::fs::write(&path, format!("{} = \"x\"\n", setting.key)).unwrap();
        assert!(
            Settings::from_toml_file(&path).is_err(),
            "{} was read from the file",
            setting.key
        );
    }
    // Every other key is read from the file.
    for setting in SETTINGS.iter().filter(|s| !s.secret) {
        std::fs::write(&path, format!("{} = \"x\"\n", setting.key)).unwrap();
        if let Err(ConfigError::ParseFile { message, .. }) = Settings::from_toml_file(&path) {
            assert!(
                !message.contains("unknown field"),
                "{}: {message}",
                setting.key
            );
        }
    }
}

#[test]
fn every_setting_is_read_from_the_environment() {
    // A value each setting accepts.
    let value = |key: &str| match key {
        "env" => "development",
        "addr" | "metrics_addr" => "127.0.0.1:9",
        "single_admin_approval" => "true",
        "request_log" => "debug",
        "smtp_port" => "25",
        key if key.ends_with("_secs")
            || key.ends_with("_ms")
            || key.ends_with("_bytes")
            || key.ends_with("_every")
            || key.starts_with("hashing_")
            || key.ends_with("_concurrency")
            || key.ends_with("_per_client") =>
        {
            "7"
        }
        _ => "7/1m",
    };
    for setting in SETTINGS {
        for name in setting.names {
            let mut settings = Settings::default();
            settings
                .apply_env(|asked| (asked == *name).then(|| value(setting.key).to_owned()))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            // The one setting is set, under its own file key, and no other.
            assert_eq!(settings.keys_set(), [setting.key], "{name}");
        }
    }
}

#[test]
fn the_api_limit_is_read_from_the_environment() {
    // It once was read from the file only.
    let settings = settings_from(&[("BREACHCHECK_API_LIMIT", "7/1m")]).unwrap();
    let config = Config::from_settings(settings).unwrap();
    assert_eq!(config.lookups.limits.api.max, 7);
}
