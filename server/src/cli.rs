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
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    crate::telemetry::init(&settings);
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
            let store = crate::store::open(&settings.database_url).await?;
            println!(
                "{} database at {} is up to date",
                store.backend(),
                settings.database_url
            );
            Ok(())
        }
        Command::Demo { force } => {
            let store = crate::store::open(&settings.database_url).await?;
            match crate::demo::seed(store.as_ref(), force).await? {
                Some(name) => println!("demo campaign '{name}' created"),
                None => println!("the database already has campaigns; demo skipped (use --force to add it anyway)"),
            }
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
