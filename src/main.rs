//! The `smarterbase` command: `serve` (the default), `export`, `rebuild-indexes`.

use clap::{Args, Parser, Subcommand};
use smarterbase::config::{AuthMethod, Config, IoBackend};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "smarterbase", version, about = "A PostgreSQL-compatible server that keeps its data as plain JSON files")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// `smarterbase --port 5433 --data ./data` serves too.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the PostgreSQL wire protocol over a data directory.
    Serve(ServeArgs),
    /// Write a PostgreSQL dump (schema, data, indexes) of a data directory.
    Export(ExportArgs),
    /// Rebuild the offset and JSON indexes from the JSONL files; report bad lines.
    RebuildIndexes(RebuildArgs),
}

#[derive(Args)]
struct RebuildArgs {
    /// Data directory
    #[arg(long, default_value = "./data")]
    data: PathBuf,
    /// Only this table
    #[arg(long)]
    table: Option<String>,
}

impl RebuildArgs {
    /// Prints one line per table and every line that failed; fails if any did.
    fn run(self) -> smarterbase::Result<()> {
        let store = smarterbase::storage::Store::open(&self.data)?;
        let reports = store.rebuild_indexes(self.table.as_deref())?;
        let mut failed = 0;
        for r in &reports {
            if r.errors.is_empty() {
                println!("{}: {} rows indexed in {:.1} ms", r.table, r.rows, r.elapsed.as_secs_f64() * 1000.0);
            } else {
                println!("{}: {} line(s) failed to parse; its index files were left as they were", r.table, r.errors.len());
                for e in &r.errors {
                    println!("  {}", e.message);
                }
                failed += r.errors.len();
            }
        }
        store.close()?;
        if failed > 0 {
            return Err(smarterbase::Error::corrupt(format!("{failed} line(s) failed to parse")));
        }
        Ok(())
    }
}

#[derive(Args)]
struct ExportArgs {
    /// Data directory
    #[arg(long, default_value = "./data")]
    data: PathBuf,
    /// Write the dump here instead of stdout
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Only the schema: tables, indexes, constraints
    #[arg(long, conflicts_with = "data_only")]
    ddl_only: bool,
    /// Only the data (to load into a schema made by --ddl-only)
    #[arg(long)]
    data_only: bool,
    /// Only these tables (comma-separated)
    #[arg(long, value_delimiter = ',')]
    tables: Vec<String>,
    /// Multi-row INSERT statements instead of COPY blocks
    #[arg(long)]
    inserts: bool,
    /// Target PostgreSQL major version (18 has uuidv7() built in)
    #[arg(long, default_value_t = 15)]
    pg_version: u32,
}

impl ExportArgs {
    fn run(self) -> smarterbase::Result<()> {
        use smarterbase::export::{export, ExportOptions};
        let store = smarterbase::storage::Store::open(&self.data)?;
        let snapshot = store.snapshot()?;
        let opts = ExportOptions {
            ddl_only: self.ddl_only,
            data_only: self.data_only,
            tables: self.tables,
            inserts: self.inserts,
            pg_version: self.pg_version,
            progress: true,
        };
        match &self.output {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| smarterbase::Error::io(path, "create", e))?;
                export(&snapshot, &opts, &mut std::io::BufWriter::new(file))
            }
            None => export(&snapshot, &opts, &mut std::io::BufWriter::new(std::io::stdout().lock())),
        }
    }
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1]
    #[arg(long)]
    host: Option<String>,
    /// Port to listen on [default: 5433]
    #[arg(long)]
    port: Option<u16>,
    /// Data directory [default: ./data]
    #[arg(long)]
    data: Option<PathBuf>,
    /// Require this password; no password means trust.
    #[arg(long, env = "SMARTERBASE_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// How to ask for the password: scram-sha-256, or md5 / password (cleartext) for old clients [default: scram-sha-256]
    #[arg(long, value_enum)]
    auth: Option<AuthMethod>,
    /// Configuration file [default: ./smarterbase.yaml when present]
    #[arg(long)]
    config: Option<PathBuf>,
    /// Maximum concurrent connections [default: 100]
    #[arg(long)]
    max_connections: Option<usize>,
    /// IO backend [default: auto]
    #[arg(long, value_enum)]
    io: Option<IoBackend>,
}

impl ServeArgs {
    fn into_config(self) -> smarterbase::Result<Config> {
        let file = Config::load(self.config.as_deref())?;
        Ok(Config {
            host: self.host.unwrap_or(file.host),
            port: self.port.unwrap_or(file.port),
            data: self.data.unwrap_or(file.data),
            password: self.password.or(file.password),
            auth: self.auth.unwrap_or(file.auth),
            max_connections: self.max_connections.unwrap_or(file.max_connections),
            io: self.io.unwrap_or(file.io),
        })
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "smarterbase=info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve(args)) => args.into_config().and_then(smarterbase::server::serve),
        Some(Command::Export(args)) => args.run(),
        Some(Command::RebuildIndexes(args)) => args.run(),
        None => cli.serve.into_config().and_then(smarterbase::server::serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smarterbase: {}", e.message);
            ExitCode::FAILURE
        }
    }
}
