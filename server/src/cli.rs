//! `rankfile <command>`: serve, migrate, demo.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "rankfile",
    version,
    about = "The organizing committee's chart: coworkers, one-on-ones, ratings and structure tests.",
    after_help = "Settings come from built-in defaults, then the --config file, then RANKFILE_* \
                  environment variables (RANKFILE_DATABASE_URL, RANKFILE_ADDR, RANKFILE_DATA_DIR, \
                  RANKFILE_SITE_ROOT, RANKFILE_LOG, RANKFILE_LOG_FORMAT)."
)]
pub struct Cli {
    /// A TOML file of settings (also RANKFILE_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (migrates the database first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill an empty database with a demo campaign to explore.
    Demo {
        /// Add the demo even if the database already has campaigns.
        #[arg(long)]
        force: bool,
        /// How many coworkers the demo hospital has (e.g. 100000 for benchmarks).
        #[arg(long, default_value_t = crate::demo::DEFAULT_COWORKERS)]
        coworkers: usize,
        /// About how many ratings the twelve weeks of history hold in all (e.g. 1000000
        /// with 100000 coworkers for the heat-map benchmark); by default one to three for
        /// each coworker who has been assessed.
        #[arg(long)]
        ratings: Option<usize>,
    },
    /// Manage accounts (the first lead is created here).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from a prompt, or from the first
    /// line of standard input when it is not a terminal; never from the command line.
    Create {
        #[arg(long)]
        email: String,
        /// Make the user lead of this campaign (its name or number); created if missing.
        #[arg(long, value_name = "CAMPAIGN")]
        lead_of: Option<String>,
    },
    /// Remove an account's second factor and end its sessions, for the only lead of a
    /// campaign who lost both their phone and their recovery codes (another lead can do
    /// it from the members page). Audited; they set it up again at their next sign-in.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    crate::telemetry::init(&settings);
    // Before any command opens the database or the key (see `files`).
    crate::files::secure_data_dir(&settings)?;
    match cli.command {
        Command::Serve => {
            let app = crate::startup::Application::build(&settings).await?;
            println!(
                "rankfile is running at http://{}",
                display_addr(&settings, app.port())
            );
            app.run_until_stopped().await
        }
        Command::Migrate => {
            let store =
                crate::store::open(&settings.database_url, settings.sqlite_synchronous).await?;
            println!(
                "{} database at {} is up to date",
                store.backend(),
                settings.database_url
            );
            Ok(())
        }
        Command::Demo {
            force,
            coworkers,
            ratings,
        } => {
            let store =
                crate::store::open(&settings.database_url, settings.sqlite_synchronous).await?;
            match crate::demo::seed_with(store.as_ref(), force, coworkers, ratings).await? {
                Some(name) => println!("demo campaign '{name}' created"),
                None => println!("the database already has campaigns; demo not added again"),
            }
            if let Some(link) = crate::demo::one_time_lead_link(store.as_ref(), &settings).await? {
                println!();
                println!("  To become the demo campaign's lead, open this one-time link, create");
                println!("  your account there, sign in and join (the link works once and expires");
                println!("  in 72 hours; `rankfile demo` prints a new one):");
                println!();
                println!("    {link}");
                println!();
            }
            Ok(())
        }
        Command::User {
            command: UserCommand::Create { email, lead_of },
        } => {
            let store =
                crate::store::open(&settings.database_url, settings.sqlite_synchronous).await?;
            let password = read_password()?;
            let outcome =
                crate::users::create_user(store.as_ref(), &email, &password, lead_of.as_deref())
                    .await?;
            println!("{outcome}");
            Ok(())
        }
        Command::User {
            command: UserCommand::ResetSecondFactor { email },
        } => {
            let store =
                crate::store::open(&settings.database_url, settings.sqlite_synchronous).await?;
            println!(
                "{}",
                crate::users::reset_second_factor(store.as_ref(), &email).await?
            );
            Ok(())
        }
    }
}

fn display_addr(settings: &Settings, port: u16) -> String {
    let ip = settings.addr.ip();
    if ip.is_unspecified() {
        format!("127.0.0.1:{port}")
    } else {
        std::net::SocketAddr::new(ip, port).to_string()
    }
}

/// Reads a password without it ever touching argv or the shell history.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (12 characters or more): ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == second, "the two passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
