//! `atazan run` as a child process against the fake Bot API: start it, talk
//! to it as Telegram users, stop it with SIGTERM or kill it.

use super::ContentCopy;
use fake_bot_api::{Call, Chat, FakeApi, Message, User, TOKEN};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long the bot may take to answer one update in a test.
/// (teloxide itself waits 10 s after any 5xx before the retry can happen.)
pub const REPLY: Duration = Duration::from_secs(30);

/// A running `atazan run`.
pub struct BotProcess {
    pub fake: FakeApi,
    pub data: PathBuf,
    pub content: PathBuf,
    child: Mutex<Option<Child>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// How to start the bot.
#[derive(Clone, Default)]
pub struct Setup {
    /// Extra environment variables (override the test defaults).
    pub env: Vec<(String, String)>,
    /// Extra arguments after `run`.
    pub args: Vec<String>,
    /// Do not wait for the first long poll (webhook mode never polls).
    pub no_wait: bool,
}

impl Setup {
    pub fn env(mut self, k: &str, v: &str) -> Setup {
        self.env.push((k.into(), v.into()));
        self
    }
    pub fn arg(mut self, a: &str) -> Setup {
        self.args.push(a.into());
        self
    }

    /// Webhook mode for `https://bot.example.org/tg`, listening on `port`
    /// with `secret`; the start does not wait for a long poll.
    pub fn webhook(self, port: u16, secret: &str) -> Setup {
        Setup {
            no_wait: true,
            ..self
        }
        .env("ATAZAN_WEBHOOK_SECRET", secret)
        .arg("--webhook-url")
        .arg("https://bot.example.org/tg")
        .arg("--listen")
        .arg(&format!("127.0.0.1:{port}"))
    }
}

/// Runs `atazan run` on `content` with `token` until it exits by itself: for
/// start-ups that must fail (a bad token, no valid content ever stored).
pub fn run_to_exit(fake: &FakeApi, content: &ContentCopy, token: &str) -> super::Run {
    let mut cmd = content.atazan();
    cmd.env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", fake.url())
        .env("ATAZAN_HTTP", "off")
        .arg("run");
    super::run(&mut cmd, b"")
}

impl BotProcess {
    /// Starts the bot on `content` (data in `<tmp>/data`) with test defaults:
    /// no outgoing throttle, no HTTP server, a flood limit tests do not
    /// reach, `RUST_LOG=info`; waits until it long-polls.
    pub fn start(fake: &FakeApi, content: &ContentCopy, setup: Setup) -> BotProcess {
        let data = content.data();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_atazan"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", fake.url())
            .env("ATAZAN_THROTTLE", "off")
            .env("ATAZAN_HTTP", "off")
            // Tests talk faster than people; the flood test sets its own.
            .env("ATAZAN_FLOOD_MESSAGES", "100")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .arg("--content")
            .arg(&content.dir)
            .arg("--data")
            .arg(&data)
            .arg("run")
            .args(&setup.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in &setup.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn atazan run");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            use std::io::Read;
            let mut pipe = pipe;
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let bot = BotProcess {
            fake: fake.clone(),
            data,
            content: content.dir.clone(),
            child: Mutex::new(Some(child)),
            stderr,
        };
        if !setup.no_wait {
            bot.wait_polling();
        }
        bot
    }

    /// Waits until the bot long-polls (it is up and idle), failing the test
    /// if it exited or took too long.
    pub fn wait_polling(&self) {
        let started = Instant::now();
        while !self.fake.is_polling() {
            self.assert_running();
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the bot did not start polling:\n{}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// What the bot logged so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Fails the test if the bot exited.
    pub fn assert_running(&self) {
        if let Some(child) = self.child.lock().unwrap().as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the bot exited ({status}):\n{}", self.stderr());
            }
        }
    }

    /// Waits until something listens on `port`, failing the test if the bot
    /// exited or `within` passed.
    pub fn wait_listening(&self, port: u16, within: Duration) {
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            self.assert_running();
            assert!(
                started.elapsed() < within,
                "nothing on {port}:\n{}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.lock().unwrap().as_ref().expect("running").id()
    }

    /// Sends `text` to the bot in `user`'s private chat and waits for the
    /// reply; returns it as the fake stores it.
    pub fn ask(&self, user: &User, text: &str) -> Message {
        let chat = Chat::private(user);
        self.say(user, &chat, text)
    }

    /// Sends `text` in `chat` and waits for the bot's message there.
    pub fn say(&self, user: &User, chat: &Chat, text: &str) -> Message {
        self.reply_after(chat.id, || self.fake.message(user, chat, text))
    }

    /// Runs `send` (a user's update to the bot) and waits for the bot's next
    /// message in `chat`.
    pub fn reply_after<T>(&self, chat: i64, send: impl FnOnce() -> T) -> Message {
        let mark = self.fake.mark();
        send();
        self.reply_in(chat, mark)
    }

    /// Waits for the bot's next message in `chat` after call `mark`.
    pub fn reply_in(&self, chat: i64, mark: u64) -> Message {
        // A failed attempt (429, 502) is not the reply: its retry is.
        let call = self.wait_call(mark, |c| {
            c.is("sendMessage") && c.chat_id() == Some(chat) && c.ok()
        });
        self.fake
            .bot_messages(chat)
            .into_iter()
            .rev()
            .find(|m| m.text.as_deref() == call.text())
            .expect("the sent message is stored")
    }

    /// Waits for a call matching `pred` after `mark`, failing the test after
    /// [`REPLY`].
    pub fn wait_call(&self, mark: u64, pred: impl Fn(&Call) -> bool) -> Call {
        match self.fake.wait_for_blocking_since(mark, pred, REPLY) {
            Some(c) => c,
            None => {
                let calls: Vec<String> = self
                    .fake
                    .calls()
                    .iter()
                    .filter(|c| c.seq >= mark && !c.is("getUpdates"))
                    .map(|c| format!("{} {} {:?}", c.method, c.status, c.error))
                    .collect();
                panic!(
                    "no such call within {REPLY:?}; calls since: {calls:#?}\nbot log:\n{}",
                    self.stderr()
                )
            }
        }
    }

    /// Presses button `data` under `message` as `user`; returns the call
    /// log mark from before the press and the bot's answerCallbackQuery.
    pub fn press(&self, user: &User, message: &Message, data: &str) -> (u64, Call) {
        let mark = self.fake.mark();
        self.fake.callback(user, message, data);
        let answer = self.wait_call(mark, |c| c.is("answerCallbackQuery"));
        (mark, answer)
    }

    /// The bot's current version of `message` (after edits).
    pub fn current(&self, message: &Message) -> Message {
        self.fake
            .messages(message.chat_id)
            .into_iter()
            .find(|m| m.message_id == message.message_id)
            .expect("message still stored")
    }

    /// Sends SIGTERM and waits for the exit.
    pub fn terminate(self) -> (ExitStatus, String) {
        let mut child = self.child.lock().unwrap().take().expect("running");
        signal(child.id(), "TERM");
        let status = super::wait_deadline(
            &mut child,
            Duration::from_secs(20),
            &format!("the bot (log so far:\n{})", self.stderr()),
        );
        thread::sleep(Duration::from_millis(50));
        (status, self.stderr())
    }

    /// Sends SIGTERM and asserts a clean exit: status 0, no panic in the log.
    /// Returns the log.
    pub fn stop_cleanly(self) -> String {
        let (status, log) = self.terminate();
        assert!(status.success(), "exit {status}:\n{log}");
        assert!(!log.contains("panicked"), "{log}");
        log
    }

    /// Kills the process at once (SIGKILL).
    pub fn kill(self) -> String {
        if let Some(mut child) = self.child.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.stderr()
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.lock().unwrap().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends a signal (`TERM`, `HUP`, `KILL`) to a process.
pub fn signal(pid: u32, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .expect("run kill")
        .success();
    assert!(ok, "kill -{name} {pid}");
}

/// A free port on 127.0.0.1 (bound, then released for the bot to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
