//! `breachcheck user …`: managing staff accounts from the command line, which is how the
//! first admin comes to exist.

use crate::Config;
use anyhow::{Context, bail};
use breachcheck::audit::Action;
use breachcheck::audit::{self, Actor, NewEntry};
use breachcheck::hashing_pool::HashingPool;
use breachcheck::staff::password;
use breachcheck::staff::policy::NewPassword;
use breachcheck::staff::store::{self, NewStaff, StaffRecord};
use breachcheck::staff::totp::TotpSecret;
use breachcheck::staff::{DisplayName, Role, StaffEmail};
use breachcheck::storage::{Database, WriteTx};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::BufRead;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a staff account and print its TOTP enrolment (URI and QR code).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin or helpdesk
        #[arg(long)]
        role: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Set a new password and end the account's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        password: PasswordSource,
    },
}

#[derive(Args)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    password_stdin: bool,
}

impl PasswordSource {
    fn read(&self) -> anyhow::Result<String> {
        if self.password_stdin {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
        }
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        Ok(first)
    }
}

pub async fn run(command: UserCommand, config: &Config, db: &Database) -> anyhow::Result<()> {
    let pool = HashingPool::new(1, 1);
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            password,
        } => {
            let email = StaffEmail::parse(&email)?;
            let display_name = DisplayName::parse(&name)?;
            let role = Role::parse(&role).context("--role must be admin or helpdesk")?;
            let new_password = NewPassword::parse(&password.read()?, &email)?;
            let password_hash = password::hash(&pool, new_password).await?;
            let totp_secret = TotpSecret::generate();
            let mut tx = db.begin_write().await?;
            let id = store::create(
                &mut tx,
                NewStaff {
                    email: email.clone(),
                    display_name,
                    role,
                    password_hash,
                    totp_secret: totp_secret.clone(),
                },
            )
            .await?;
            let detail = json!({ "staff_id": id.0, "role": role.as_str() });
            record(tx, Action::StaffCreated, detail).await?;
            let uri = totp_secret.enrolment_uri(&config.site.name, email.as_str());
            println!("Created {} (id {id}) as {}.", email.as_str(), role.as_str());
            println!("Scan this code with an authenticator app, or enter the URI by hand:\n");
            println!("{}", terminal_qr(&uri)?);
            println!("{uri}");
        }
        UserCommand::Disable { email } => {
            let staff = existing(db, &email).await?;
            let mut tx = db.begin_write().await?;
            store::set_disabled(&mut tx, staff.id, true).await?;
            record(tx, Action::StaffDisabled, json!({ "staff_id": staff.id.0 })).await?;
            println!("Disabled {}; its sessions have ended.", staff.email);
        }
        UserCommand::Enable { email } => {
            let staff = existing(db, &email).await?;
            let mut tx = db.begin_write().await?;
            store::set_disabled(&mut tx, staff.id, false).await?;
            record(tx, Action::StaffEnabled, json!({ "staff_id": staff.id.0 })).await?;
            println!("Enabled {}.", staff.email);
        }
        UserCommand::ResetPassword { email, password } => {
            let staff = existing(db, &email).await?;
            let email = StaffEmail::parse(&staff.email)?;
            let new_password = NewPassword::parse(&password.read()?, &email)?;
            let hash = password::hash(&pool, new_password).await?;
            let mut tx = db.begin_write().await?;
            store::set_password(&mut tx, staff.id, &hash).await?;
            record(
                tx,
                Action::StaffPasswordReset,
                json!({ "staff_id": staff.id.0 }),
            )
            .await?;
            println!(
                "New password set for {}; its sessions have ended.",
                staff.email
            );
        }
    }
    Ok(())
}

async fn existing(db: &Database, email: &str) -> anyhow::Result<StaffRecord> {
    let email = StaffEmail::parse(email)?;
    store::find_by_email(db, &email)
        .await?
        .with_context(|| format!("no staff member has the email {}", email.as_str()))
}

/// Commits the change in `tx` together with its audit entry.
async fn record(tx: WriteTx, action: Action, detail: serde_json::Value) -> anyhow::Result<()> {
    let entry = NewEntry {
        actor: Actor::System,
        action,
        subject: None,
        detail,
    };
    audit::commit_with(tx, entry).await?;
    Ok(())
}

fn terminal_qr(uri: &str) -> anyhow::Result<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(uri.as_bytes())?;
    // Light modules drawn dark: terminals are usually dark, scanners want dark on light.
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}
