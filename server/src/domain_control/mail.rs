//! Proof of control by mail: one message to a role address at the domain, carrying one
//! single-use link. Sent through the SMTP relay of the configuration, or (by default, for
//! `make run`) written as `.eml` files to the outbox directory for a developer to open.
//!
//! An outbox file names the domain, so it lives no longer than its challenge: it is named
//! after the challenge's key (its token's hash, which is no secret) and removed when the
//! challenge completes or is swept.

use breachcheck::identifier::Domain;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;

pub use breachcheck::identifier::ROLE_LOCAL_PARTS as ROLES;

/// How a relay's connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    /// Plain text: only for a relay on the same host or a test.
    None,
}

#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
}

#[derive(Clone, Debug)]
pub enum MailSettings {
    Smtp(SmtpSettings),
    Outbox(PathBuf),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    site_name: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mailer(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the mail settings are not usable: {0}")]
    Settings(String),
    #[error("the message could not be built: {0}")]
    Message(String),
    #[error("the message could not be sent: {0}")]
    Send(String),
}

impl MailError {
    /// What failed, without the detail (which may name the recipient).
    pub fn kind(&self) -> &'static str {
        match self {
            MailError::Settings(_) => "settings",
            MailError::Message(_) => "message",
            MailError::Send(_) => "send",
        }
    }
}

impl Mailer {
    pub fn new(settings: &MailSettings, from: &str, site_name: &str) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Settings(format!("sender address: {e}")))?;
        let transport = match settings {
            MailSettings::Outbox(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| MailError::Settings(format!("outbox {}: {e}", dir.display())))?;
                Transport::Outbox(dir.clone())
            }
            MailSettings::Smtp(smtp) => {
                let settings_error = |e: lettre::transport::smtp::Error| {
                    MailError::Settings(format!("SMTP relay: {e}"))
                };
                let tls = match smtp.security {
                    SmtpSecurity::None => Tls::None,
                    SmtpSecurity::StartTls => Tls::Required(
                        TlsParameters::new(smtp.host.clone()).map_err(settings_error)?,
                    ),
                    SmtpSecurity::Tls => {
                        Tls::Wrapper(TlsParameters::new(smtp.host.clone()).map_err(settings_error)?)
                    }
                };
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
                        .port(smtp.port)
                        .tls(tls);
                if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_owned(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self {
            transport,
            from,
            site_name: site_name.to_owned(),
        })
    }

    /// Sends the confirmation link to `role`@`domain` (a member of [`ROLES`]) for the
    /// challenge whose key is `challenge`.
    pub async fn send_link(
        &self,
        challenge: &str,
        role: &str,
        domain: &Domain,
        link: &str,
    ) -> Result<(), MailError> {
        if !ROLES.contains(&role) {
            return Err(MailError::Message("not a role address".to_owned()));
        }
        let to: Mailbox = format!("{role}@{}", domain.as_str())
            .parse()
            .map_err(|e| MailError::Message(format!("recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!(
                "[{}] ドメインの確認 / Confirm your domain",
                self.site_name
            ))
            .multipart(MultiPart::alternative_plain_html(
                plain(&self.site_name, domain, link),
                html(&self.site_name, domain, link),
            ))
            .map_err(|e| MailError::Message(e.to_string()))?;
        let sent = match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Outbox(dir) => {
                let name = format!("{challenge}.{}.eml", uuid::Uuid::new_v4().simple());
                tokio::fs::write(dir.join(name), message.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        };
        sent.map_err(MailError::Send)
    }

    /// Removes the outbox's mails of every challenge but those in `open` (keys). A relay
    /// keeps nothing here.
    /// Whether mails are written to a directory (which must be cleared of ended challenges)
    /// rather than handed to an SMTP server.
    pub fn keeps_files(&self) -> bool {
        matches!(self.transport, Transport::Outbox(_))
    }

    pub async fn keep_only(&self, open: &[String]) -> std::io::Result<u64> {
        let Transport::Outbox(dir) = &self.transport else {
            return Ok(0);
        };
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(dir).await?;
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some((key, rest)) = name.split_once('.') else {
                continue;
            };
            if rest.ends_with(".eml") && !open.iter().any(|k| k == key) {
                tokio::fs::remove_file(entry.path()).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn plain(site: &str, domain: &Domain, link: &str) -> String {
    let domain = domain.as_str();
    format!(
        "{site}\n\n\
         {domain} の情報流出の影響を確認するため、このドメインの管理者であることの確認を求められました。\n\
         心当たりがある場合は、1 時間以内に次のリンクを開いてください。心当たりがない場合は、このメールを破棄してください。\n\n\
         {link}\n\n\
         ---\n\n\
         Someone asked {site} to confirm that they manage {domain}, to see whether it is affected by the data breach.\n\
         If that was you, open the link above within one hour. If not, you can ignore this message.\n"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(site: &str, domain: &Domain, link: &str) -> String {
    let (site, domain, link) = (escape(site), escape(domain.as_str()), escape(link));
    format!(
        "<!DOCTYPE html><html><body>\
         <p><strong>{site}</strong></p>\
         <p lang=\"ja\">{domain} の情報流出の影響を確認するため、このドメインの管理者であることの確認を求められました。\
         心当たりがある場合は、1 時間以内に次のリンクを開いてください。心当たりがない場合は、このメールを破棄してください。</p>\
         <p><a href=\"{link}\">{link}</a></p>\
         <p lang=\"en\">Someone asked {site} to confirm that they manage {domain}, to see whether it is affected by \
         the data breach. If that was you, open the link above within one hour. If not, you can ignore this message.</p>\
         </body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_outbox_keeps_the_mails_of_open_challenges_only() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("outbox");
        let mailer = Mailer::new(
            &MailSettings::Outbox(outbox.clone()),
            "breachcheck@localhost",
            "Test",
        )
        .unwrap();
        let domain = Domain::parse("example.co.jp").unwrap();
        for key in ["aaaa", "bbbb", "aaaa"] {
            mailer
                .send_link(key, "admin", &domain, "http://x/check/domain/confirm/1")
                .await
                .unwrap();
        }
        std::fs::write(outbox.join("notes.txt"), "kept").unwrap();
        let count = |prefix: &str| {
            std::fs::read_dir(&outbox)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_str()
                        .unwrap()
                        .starts_with(prefix)
                })
                .count()
        };
        assert_eq!((count("aaaa."), count("bbbb.")), (2, 1));
        assert_eq!(mailer.keep_only(&["bbbb".to_owned()]).await.unwrap(), 2);
        assert_eq!((count("aaaa."), count("bbbb.")), (0, 1));
        assert_eq!(mailer.keep_only(&[]).await.unwrap(), 1);
        assert!(outbox.join("notes.txt").exists(), "only mails are removed");
    }
}
