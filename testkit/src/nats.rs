//! A `nats-server -js` of a test's or bench's own on 127.0.0.1: a free port, a
//! temporary store, killed (`kill -9`) and restarted on demand, killed when
//! dropped. Without `nats-server` the tests are skipped with a message,
//! except under `CI=true`, where they fail.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream;

/// A running `nats-server -js` on 127.0.0.1; see the module docs.
#[derive(Debug)]
pub struct Server {
    child: Option<Child>,
    port: u16,
    store: tempfile::TempDir,
    binary: PathBuf,
}

/// The `nats-server` binary, or `None` to skip (never under CI).
fn binary() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")])
            .map(|dir| dir.join("nats-server"))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|ci| ci == "true") {
            panic!("the NATS tests need nats-server (Debian package nats-server)");
        }
        eprintln!("skipping the NATS test: nats-server is not installed");
    }
    found
}

impl Server {
    /// A fresh server, or `None` when `nats-server` is missing outside CI.
    pub fn start() -> Option<Server> {
        let binary = binary()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut server = Server {
            child: None,
            port,
            store: tempfile::tempdir().expect("a store directory"),
            binary,
        };
        server.spawn();
        Some(server)
    }

    fn spawn(&mut self) {
        let child = Command::new(&self.binary)
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(self.store.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nats-server did not listen on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// `kill -9`: the server stops at once, without flushing anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    /// Starts the server again on the same port and store.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// A client that reconnects quickly, and its JetStream context with a
    /// short request timeout.
    pub async fn jetstream(&self) -> jetstream::Context {
        let client = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .reconnect_delay_callback(|_| Duration::from_millis(100))
            .connect(self.url())
            .await
            .expect("connected");
        let mut context = jetstream::new(client);
        context.set_timeout(Duration::from_secs(2));
        context
    }

    /// A stream named `name` over `subjects`, stored in files.
    pub async fn stream(&self, name: &str, subjects: &[&str]) -> jetstream::Context {
        let context = self.jetstream().await;
        add_stream(&context, name, subjects).await;
        context
    }
}

/// Creates a stream named `name` over `subjects`, stored in files, through
/// `context`.
pub async fn add_stream(context: &jetstream::Context, name: &str, subjects: &[&str]) {
    context
        .create_stream(jetstream::stream::Config {
            name: name.to_owned(),
            subjects: subjects.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        })
        .await
        .expect("stream created");
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `future` on a multi-threaded runtime, failing after `limit`.
pub fn run<F: std::future::Future<Output = ()>>(limit: Duration, future: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async {
            tokio::time::timeout(limit, future)
                .await
                .unwrap_or_else(|_| panic!("the test took longer than {limit:?}"));
        });
}
