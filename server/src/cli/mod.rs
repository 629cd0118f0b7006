//! The `breachcheck` command line.

mod import;
mod user;

use crate::{Application, Config, Settings, telemetry};
use breachcheck::audit::{self, Verification};
use breachcheck::storage::Database;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "breachcheck",
    version,
    about = "Self-hosted breach-impact self-check site"
)]
struct Cli {
    /// A TOML file with settings; environment variables override it.
    #[arg(long, global = true, value_name = "PATH", env = "BREACHCHECK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the site (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Import a list of affected customers as a draft dataset.
    Import(import::ImportArgs),
    /// Inspect the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The pepper: every replica must have the one the lists were hashed with.
    Pepper {
        #[command(subcommand)]
        command: PepperCommand,
    },
}

#[derive(Subcommand)]
enum PepperCommand {
    /// Make the configured pepper the deployment's, in place of the recorded one (after a
    /// leak; refused while a list is published). Lists must then be imported again.
    Change,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; report the first broken entry and exit 1 if there is one.
    Verify,
}

pub fn main() -> ExitCode {
    crate::memory::return_large_blocks_on_free();
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => return fail(&error),
    };
    telemetry::init(settings.environment());
    let config = match Config::from_settings(settings) {
        Ok(config) => config,
        Err(error) => return fail(&error),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&error),
    };
    let outcome = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::Audit {
                command: AuditCommand::Verify,
            } => verify_audit_log(config).await,
            Command::Pepper {
                command: PepperCommand::Change,
            } => change_pepper(config).await,
            Command::Import(args) => {
                let database = connect(&config).await?;
                let outcome = import::run(args, &config, &database).await;
                database.close().await;
                outcome
            }
            Command::User { command } => {
                let database = connect(&config).await?;
                let outcome = user::run(command, &config, &database).await;
                database.close().await;
                outcome.map(|()| ExitCode::SUCCESS)
            }
        }
    });
    match outcome {
        Ok(code) => code,
        Err(error) => fail(&*error),
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    // The log may be JSON for machines; a refusal to start must also reach a person.
    eprintln!("breachcheck: {error}");
    tracing::error!("{error}");
    ExitCode::FAILURE
}

async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let stop = crate::startup::shutdown_signal()?;
    let app = Application::build(config).await?;
    tracing::info!("breachcheck is listening on http://{}", app.local_addr());
    app.run_until(stop).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn connect(config: &Config) -> anyhow::Result<Database> {
    let database = Database::connect(config.database_url.expose_secret()).await?;
    database.migrate().await?;
    Ok(database)
}

async fn migrate(config: Config) -> anyhow::Result<ExitCode> {
    let database = connect(&config).await?;
    tracing::info!(backend = ?database.backend(), "migrations applied");
    database.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn change_pepper(config: Config) -> anyhow::Result<ExitCode> {
    let database = connect(&config).await?;
    let changed = breachcheck::digest::change_pepper(&database, &config.pepper).await;
    database.close().await;
    changed?;
    println!(
        "the configured pepper is now the deployment's: give it to every replica, then import \
         every list again"
    );
    Ok(ExitCode::SUCCESS)
}

async fn verify_audit_log(config: Config) -> anyhow::Result<ExitCode> {
    let database = connect(&config).await?;
    let verification = audit::verify(&database).await?;
    database.close().await;
    Ok(match verification {
        Verification::Intact { entries } => {
            println!("audit log intact: {entries} entries");
            ExitCode::SUCCESS
        }
        Verification::Broken { seq, reason } => {
            println!("audit log broken at entry #{seq}: {reason}");
            ExitCode::FAILURE
        }
    })
}
