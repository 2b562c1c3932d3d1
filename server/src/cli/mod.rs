//! The command line. Each command parses its arguments and delegates to
//! the library.

pub mod demo;
mod demo_exemplars;
mod demo_operators;
mod demo_reports;
mod demo_supervision;

use crate::Config;
use crate::accounts::passwords::{check_new_password, check_username, hash_password};
use crate::accounts::store::{NewUser, Role, Scope};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xuncha_core::template::{TemplateFile, resolve_variant};

#[derive(Debug, Parser)]
#[command(name = "xuncha-server", version, about = "Xuncha (巡查) inspection server")]
struct Cli {
    /// Configuration file (TOML); XUNCHA_* environment variables override it.
    #[arg(long, global = true, env = "XUNCHA_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (database and photos).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// A PostgreSQL database (`postgres://user@host:port/db`) instead of
    /// SQLite in the data directory (or `[database] url`, XUNCHA_DATABASE__URL).
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves the API until interrupted.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
    },
    /// Creates the database and the first administrator.
    Init {
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The administrator's password (or XUNCHA_ADMIN_PASSWORD).
        #[arg(long, env = "XUNCHA_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Seeds demo data: a province, city, county, townships, centres of all four types, users of every role, assignments and inspections with photos.
    Demo,
    /// Manages users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manages the centre registry.
    #[command(subcommand)]
    Centres(CentresCommand),
    /// Communities (社区) for the plan norms.
    #[command(subcommand)]
    Communities(CommunitiesCommand),
    /// City populations for the 2018 pilot targets.
    #[command(subcommand)]
    Regions(RegionsCommand),
    /// Evaluation templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Moves a deployment: the SQLite database into PostgreSQL, and (with
    /// --photos-to) the photos into object storage. Verifies counts, heads
    /// and photo hashes; re-run with --resume after an interruption.
    Migrate {
        /// The SQLite database, `sqlite:PATH` (e.g. sqlite:data/xuncha.db).
        #[arg(long)]
        from: String,
        /// The PostgreSQL database, `postgres://user@host:port/db`.
        #[arg(long)]
        to: String,
        /// An object store URL for the photos (`s3://bucket/prefix`); its
        /// options are `[photo_store] options` of the configuration. The
        /// photos are read from the data directory's `blobs/`.
        #[arg(long)]
        photos_to: Option<String>,
        /// Go on with a migration that was interrupted (the target holds data).
        #[arg(long)]
        resume: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// inspector, supervisor or administrator
        #[arg(long, value_parser = |s: &str| s.parse::<Role>())]
        role: Role,
        #[arg(long, default_value = "")]
        province: String,
        #[arg(long, default_value = "")]
        city: String,
        #[arg(long, default_value = "")]
        county: String,
        #[arg(long, env = "XUNCHA_USER_PASSWORD", hide_env_values = true)]
        password: String,
    },
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
    /// Sets a new password; ends the user's sessions and revokes their
    /// devices (a reset usually means the old password is known to someone).
    ResetPassword {
        username: String,
        #[arg(long, env = "XUNCHA_USER_PASSWORD", hide_env_values = true)]
        password: String,
        /// Keep the user's enrolled devices: for a forgotten password, when a
        /// phone holds work not yet synced (a revoked device cannot send it).
        #[arg(long)]
        keep_devices: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CentresCommand {
    /// Imports a registry CSV; any bad row refuses the whole file.
    Import { csv: PathBuf },
}

#[derive(Debug, Subcommand)]
enum CommunitiesCommand {
    /// Imports community records (社区) for the plan norms; any bad row refuses the whole file.
    Import { csv: PathBuf },
}

#[derive(Debug, Subcommand)]
enum RegionsCommand {
    /// Imports `province,city,population` rows (resident population, persons).
    Import { csv: PathBuf },
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// Checks a template or variant file and lists every problem.
    Validate { file: PathBuf },
}

type Res = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_target(false)
        // Colours for people at a terminal, plain text for log files and journald.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Res {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    if let Some(url) = cli.database {
        config.database.url = Some(url);
    }
    match cli.command {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            serve(config)
        }
        Command::Init { admin, password } => {
            check_new_password(&admin, &password)?;
            let state = crate::open(config)?;
            let user = NewUser {
                username: admin,
                display_name: "管理员".into(),
                role: Role::Administrator,
                scope: Scope::default(),
                centres: Vec::new(),
                password_hash: hash_password(&password)?,
            };
            let u = state.store.create_user(user, crate::storage::now_ms())?;
            println!("created administrator `{}`", u.username);
            Ok(())
        }
        Command::Demo => {
            let state = crate::open(config)?;
            let summary = demo::seed(&state)?;
            println!("{summary}");
            Ok(())
        }
        Command::User(cmd) => user(config, cmd),
        Command::Migrate { from, to, photos_to, resume } => migrate(&config, &from, &to, photos_to, resume),
        Command::Centres(CentresCommand::Import { csv }) => {
            let state = crate::open(config)?;
            let bytes = std::fs::read(&csv)?;
            let n = crate::catalog::import::import_centres(state.store.as_ref(), &bytes)?;
            println!("imported {n} centres");
            Ok(())
        }
        Command::Communities(CommunitiesCommand::Import { csv }) => {
            let rows = crate::catalog::communities::parse_communities(&std::fs::read(&csv)?)
                .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
            let state = crate::open(config)?;
            let unknown = crate::catalog::service::centre_problems(state.store.as_ref(), &rows)?;
            if !unknown.is_empty() {
                return Err(unknown.join("\n").into());
            }
            let n = state.store.upsert_communities(&rows, crate::storage::now_ms())?;
            println!("imported {n} communities");
            Ok(())
        }
        Command::Regions(RegionsCommand::Import { csv }) => {
            let rows = crate::catalog::import::parse_populations(&std::fs::read(&csv)?)
                .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
            let state = crate::open(config)?;
            let n = state.store.set_populations(&rows, crate::storage::now_ms())?;
            println!("imported {n} city populations");
            Ok(())
        }
        Command::Templates(TemplatesCommand::Validate { file }) => {
            let text = std::fs::read_to_string(&file)?;
            let name = file.display().to_string();
            match xuncha_core::template::TemplateFile::parse(&name, &text) {
                Ok(TemplateFile::Template(_)) => println!("{name}: valid"),
                // A variant is valid only once applied to its base: an override
                // of an item the base lacks is an error of the resolved template.
                Ok(TemplateFile::Variant(v)) => {
                    let bases = xuncha_core::template::builtin_templates().map_err(|e| e.to_string())?;
                    let base = bases
                        .iter()
                        .find(|b| b.reference() == v.base)
                        .ok_or_else(|| format!("{name}: variant of `{}`, which is not a built-in template", v.base))?;
                    let resolved = resolve_variant(&v, base, &name).map_err(|e| e.to_string())?;
                    println!("{name}: valid variant; resolves to `{}` version {}", resolved.id, resolved.version);
                }
                Err(e) => return Err(e.to_string().into()),
            }
            Ok(())
        }
    }
}

fn user(config: Config, cmd: UserCommand) -> Res {
    let state = crate::open(config)?;
    let store = &state.store;
    match cmd {
        UserCommand::Add { username, name, role, province, city, county, password } => {
            check_username(&username)?;
            check_new_password(&username, &password)?;
            let scope = Scope { province, city, county };
            scope.check_for(role)?;
            if role == Role::Operator {
                return Err("centre operators are created by a supervisor in the dashboard (or POST \
                            /api/v1/operators), which checks their centres"
                    .into());
            }
            let password_hash = hash_password(&password)?;
            let u = NewUser { username, display_name: name, role, scope, centres: Vec::new(), password_hash };
            let u = store.create_user(u, crate::storage::now_ms())?;
            println!("created {} `{}`", u.role.as_str(), u.username);
        }
        UserCommand::Disable { username } | UserCommand::Enable { username }
            if store.user_by_name(&username)?.is_none() =>
        {
            return Err(format!("no user `{username}`").into());
        }
        UserCommand::Disable { username } => {
            store.set_user_disabled(&username, true)?;
            println!("disabled `{username}` (sessions ended; devices stop syncing)");
        }
        UserCommand::Enable { username } => {
            store.set_user_disabled(&username, false)?;
            println!("enabled `{username}`");
        }
        UserCommand::ResetPassword { username, password, keep_devices } => {
            check_new_password(&username, &password)?;
            if !store.set_password(&username, &hash_password(&password)?, !keep_devices)? {
                return Err(format!("no user `{username}`").into());
            }
            match keep_devices {
                true => println!("password of `{username}` reset (sessions ended; devices kept)"),
                false => println!("password of `{username}` reset (sessions ended, devices revoked)"),
            }
        }
    }
    Ok(())
}

fn migrate(config: &Config, from: &str, to: &str, photos_to: Option<String>, resume: bool) -> Res {
    let path = from.strip_prefix("sqlite:").ok_or("--from is sqlite:PATH")?;
    if !to.starts_with("postgres://") && !to.starts_with("postgresql://") {
        return Err("--to is a postgres:// URL".into());
    }
    let done = crate::db::transfer::sqlite_to_postgres(std::path::Path::new(path), to, resume)?;
    println!("{done}");
    if let Some(url) = photos_to {
        use crate::photos::bytes::{PhotoBytes, PhotoStoreSettings};
        let source = PhotoBytes::local(&config.blob_dir())?;
        let target = PhotoBytes::open(
            &PhotoStoreSettings { url: Some(url), options: config.photo_store.options.clone() },
            &config.blob_dir(),
        )?;
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (copied, kept) = rt.block_on(source.copy_to(&target))?;
        println!("photos: {copied} objects copied, {kept} already there");
    }
    println!("done: set [database] url (and [photo_store] url) to the targets and start the server");
    Ok(())
}

fn serve(config: Config) -> Res {
    // A bounded blocking pool: past it, blocking work queues instead of
    // starting threads, each of which would keep an allocator arena.
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(64).build()?;
    rt.block_on(async move {
        let bind = config.bind;
        if config.secure_cookies() {
            tracing::warn!(%bind, "secure cookies are on: the dashboard signs in only over HTTPS (a TLS reverse proxy); \
                set secure_cookies = false to use it over plain HTTP on a network");
        }
        let state = crate::open(config)?;
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, "serving");
        // Scripts and tests read the bound address (port 0 picks one) from stdout.
        println!("listening on {addr}");
        crate::serve(listener, state, shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
