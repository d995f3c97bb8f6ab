//! Helpers shared by the integration tests: running the `atazan` binary with a
//! deadline, copying the real content folder into a temporary directory, and
//! `atazan run` as a child process ([`bot`]) against the emulated Telegram
//! Bot API server of the `fake-bot-api` crate.
#![allow(dead_code)] // Each test file uses its own subset.

pub mod bot;
pub mod http;
pub mod postgres;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long one run of the binary may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(15);

/// The real content folder of the crate.
pub fn real_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The `atazan` binary, with a clean environment for what it reads.
pub fn atazan() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atazan"));
    cmd.env_remove("TELOXIDE_TOKEN")
        .env_remove("TELOXIDE_API_URL")
        .env_remove("ATAZAN_DATA")
        .env_remove("RUST_LOG")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// What one run printed.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub stdout_bytes: Vec<u8>,
    pub elapsed: Duration,
}

impl Run {
    /// Whether the process exited with 0.
    pub fn ok(&self) -> bool {
        self.status.success()
    }

    /// The stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// Runs `cmd` with `stdin` as its input, fails the test if it takes longer
/// than [`DEADLINE`] or if anything panicked.
pub fn run(cmd: &mut Command, stdin: &[u8]) -> Run {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn atazan");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = thread::spawn(move || {
        // The process may exit without reading everything: not an error here.
        let _ = input.write_all(&data);
    });
    let out = reader(child.stdout.take().expect("stdout"));
    let err = reader(child.stderr.take().expect("stderr"));
    let status = wait_deadline(&mut child, DEADLINE, &format!("{cmd:?}"));
    let _ = writer.join();
    let stdout_bytes = out.join().expect("stdout reader");
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr reader")).into_owned();
    let run = Run {
        status,
        stdout: String::from_utf8_lossy(&stdout_bytes).into_owned(),
        stdout_bytes,
        stderr,
        elapsed: started.elapsed(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "{cmd:?} panicked:\n{}",
        run.stderr
    );
    run
}

/// Runs `atazan ARGS` with empty stdin.
pub fn run_args(args: &[&str]) -> Run {
    run(atazan().args(args), b"")
}

/// Reads a pipe to its end on a thread.
pub fn reader(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

/// Waits for `child`, killing it and failing the test after `limit` with
/// `what` (the command, or what it printed) in the message.
pub fn wait_deadline(
    child: &mut Child,
    limit: Duration,
    what: &dyn std::fmt::Display,
) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Calls `probe` every `every` until it returns `Ok`, and returns that; fails
/// the test with the last `Err` once `within` has passed.
pub fn poll<T>(
    within: Duration,
    every: Duration,
    mut probe: impl FnMut() -> Result<T, String>,
) -> T {
    let started = Instant::now();
    loop {
        match probe() {
            Ok(done) => return done,
            Err(why) => assert!(started.elapsed() < within, "{why}"),
        }
        thread::sleep(every);
    }
}

/// The string `field` of every object in the JSON array `list`.
pub fn strings_of<'a>(list: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|item| item[field].as_str().expect("a string"))
        .collect()
}

/// Copies a folder recursively (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("list folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A temporary copy of the real content folder, at `<tmp>/content`.
pub struct ContentCopy {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

impl ContentCopy {
    pub fn new() -> ContentCopy {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("content");
        copy_dir(&real_content(), &dir);
        ContentCopy { tmp, dir }
    }

    /// A path inside the copy.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// A fresh data folder next to the copy.
    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read content file")
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(path, text).expect("write content file");
    }

    /// Rewrites `rel` as `f(its text)`.
    pub fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        self.write(rel, f(self.read(rel)));
    }

    /// `atazan --content <the copy> --data <its data folder>`, for the
    /// arguments that follow.
    pub fn atazan(&self) -> Command {
        let mut cmd = atazan();
        cmd.arg("--content")
            .arg(&self.dir)
            .arg("--data")
            .arg(self.data());
        cmd
    }

    /// Runs `atazan check` on the copy, with the copy's data folder.
    pub fn check(&self) -> Run {
        let data = self.data();
        run_args(&[
            "--data",
            data.to_str().unwrap(),
            "check",
            self.dir.to_str().unwrap(),
        ])
    }

    /// Appends `extra` to the first answer line of the English section of `rel`.
    pub fn edit_english(&self, rel: &str, extra: &str) {
        let text = self.read(rel);
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let en = lines
            .iter()
            .position(|l| l.starts_with("## en:"))
            .expect("an English section");
        let body = (en + 1..lines.len())
            .find(|&i| !lines[i].trim().is_empty() && !lines[i].starts_with('?'))
            .expect("English text");
        lines[body].push_str(extra);
        self.write(rel, lines.join("\n"));
    }
}

/// The passage files of a content folder, as `passages/<topic>/<id>.md`, sorted.
pub fn passage_files(content: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let root = content.join("passages");
    for topic in std::fs::read_dir(&root).expect("list passages") {
        let topic = topic.expect("entry");
        if !topic.file_type().expect("type").is_dir() {
            continue;
        }
        for file in std::fs::read_dir(topic.path()).expect("list topic") {
            let file = file.expect("entry");
            let name = file.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") && !name.starts_with('.') {
                out.push(format!(
                    "passages/{}/{name}",
                    topic.file_name().to_string_lossy()
                ));
            }
        }
    }
    out.sort();
    out
}

/// The first passage file of a topic folder, as `passages/<topic>/<id>.md`.
pub fn first_passage(content: &Path, topic: &str) -> String {
    passage_files(content)
        .into_iter()
        .find(|p| p.starts_with(&format!("passages/{topic}/")))
        .unwrap_or_else(|| panic!("no passage in topic {topic}"))
}

/// The passage id of `passages/<topic>/<id>.md`.
pub fn id_of(rel: &str) -> String {
    rel.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".md")
        .to_string()
}

/// A child process started on the folders, stopped on drop.
pub struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Holder {
    /// Starts `atazan chat` on the folders and waits for its first prompt.
    /// It does not watch the content folder: a test that edits the folder
    /// while the chat holds it must find the chat on the version it started
    /// with, not on whatever its watcher picked up.
    pub fn chat(content: &Path, data: &Path) -> Holder {
        let mut cmd: Command = atazan();
        cmd.env("ATAZAN_WATCH", "off")
            .arg("--content")
            .arg(content)
            .arg("--data")
            .arg(data)
            .arg("chat");
        Holder::start(cmd, "\n> ")
    }

    /// Starts `cmd` and waits until its stdout contains `marker`.
    pub fn start(mut cmd: Command, marker: &str) -> Holder {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().expect("spawn the holder");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Keep draining after the marker: a closed pipe would make the
            // holder fail on its next write.
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let _ = tx.send(buf[..n].to_vec());
            }
        });
        let holder = Holder { child, stdin };
        let deadline = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        while !String::from_utf8_lossy(&seen).contains(marker) {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(chunk) => seen.extend(chunk),
                Err(_) => panic!(
                    "{cmd:?} never printed {marker:?}:\n{}",
                    String::from_utf8_lossy(&seen)
                ),
            }
        }
        holder
    }

    /// Closes its input and waits for a clean exit.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        let status = wait_deadline(&mut self.child, DEADLINE, &format!("{:?}", atazan()));
        assert!(status.success(), "holder exit: {status:?}");
    }

    /// SIGKILLs it (`Child::kill` is SIGKILL on Unix) and reaps it.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        let status = self.child.wait().unwrap();
        assert!(!status.success(), "killed: {status:?}");
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
