//! A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` on a
//! temporary folder, listening on a free loopback port (its socket in the
//! folder too), stopped and deleted on drop.
//!
//! The server binaries are found through `pg_config --bindir`, then
//! Debian's `/usr/lib/postgresql/*/bin`. Missing binaries fail the test:
//! CI installs them (`.ci/run`), so nothing is silently skipped. PostgreSQL
//! refuses to run as root; as root, the cluster runs as `nobody`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A running cluster.
pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The loopback port it listens on.
    pub port: u16,
    /// Whose account the server runs under, when not ours.
    user: Option<String>,
}

/// The folder holding `initdb`, `pg_ctl` and `postgres`.
pub fn bindir() -> PathBuf {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has(&dir) {
            return dir;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| has(d))
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries (initdb, pg_ctl) not found via `pg_config --bindir` or /usr/lib/postgresql/*/bin: install Debian's `postgresql` package (.ci/run does)"
        )
    })
}

/// A free port on 127.0.0.1 (bound, then released for the server).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Cluster {
    /// Creates and starts a cluster with a trusted user `atazan`.
    pub fn start() -> Cluster {
        let bin = bindir();
        let dir = tempfile::Builder::new()
            .prefix("atazan-pg-")
            .tempdir()
            .expect("temp folder");
        let user = is_root().then(|| "nobody".to_string());
        if user.is_some() {
            // The server's account owns its folder.
            let ok = Command::new("chown")
                .args(["-R", "nobody:"])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown the cluster folder to nobody");
        }
        let port = free_port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            user,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "atazan",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        cluster.pg_ctl_start();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let out = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("run {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stops the server (fast: connections are closed at once).
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }

    /// Starts the server again after [`Cluster::stop`], on the same port.
    pub fn restart(&self) {
        self.pg_ctl_start();
    }

    /// The URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://atazan@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates an empty database named `db`; returns its URL.
    pub fn create_db(&self, db: &str) -> String {
        let mut client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .expect("connect to the test cluster");
        client
            .batch_execute(&format!("CREATE DATABASE \"{db}\""))
            .expect("create database");
        self.url(db)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                self.data().to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }
}
