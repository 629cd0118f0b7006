//! Load from outside the process and an outside anchor to compare with: Debian's `wrk`
//! (`scripts/setup.sh --bench` installs it) sends the requests, so the server's process
//! holds nothing but the server, and Debian's nginx serves the same bytes for a ratio.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// What one `wrk --latency` run reported.
#[derive(Clone, Debug, Default)]
pub struct WrkFigures {
    pub requests_per_sec: f64,
    pub requests: u64,
    /// Answers outside 2xx and 3xx.
    pub non_success: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Lines the run's Lua script printed (`name value`).
    pub script: Vec<(String, f64)>,
}

impl WrkFigures {
    pub fn script_value(&self, name: &str) -> f64 {
        self.script
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0.0, |(_, v)| *v)
    }
}

/// A `wrk` run: `connections` keep-alive connections on two threads for `duration`.
pub struct Wrk<'a> {
    pub url: &'a str,
    pub connections: usize,
    pub duration: Duration,
    pub headers: &'a [&'a str],
    /// A Lua script (its text), e.g. to post forms or count answers by status.
    pub script: Option<&'a str>,
}

impl Wrk<'_> {
    /// Runs wrk to the end, on a thread of its own (the server may share this runtime).
    pub async fn run(&self) -> WrkFigures {
        let mut command = Command::new("wrk");
        command
            .arg("--latency")
            .arg("-t2")
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{}s", self.duration.as_secs()))
            .arg("--timeout")
            .arg("10s");
        for header in self.headers {
            command.arg("-H").arg(header);
        }
        let script_file = self.script.map(|text| {
            let mut file = tempfile::NamedTempFile::with_suffix(".lua").unwrap();
            file.write_all(text.as_bytes()).unwrap();
            file
        });
        if let Some(file) = &script_file {
            command.arg("-s").arg(file.path());
        }
        command.arg(self.url);
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .expect("wrk runs (make bench installs it: scripts/setup.sh --bench)");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "wrk failed:\n{text}");
        parse(&text)
    }
}

fn parse(text: &str) -> WrkFigures {
    let mut figures = WrkFigures::default();
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", value] => figures.p50_ms = millis(value),
            ["99%", value] => figures.p99_ms = millis(value),
            ["Requests/sec:", value] => figures.requests_per_sec = value.parse().unwrap_or(0.0),
            ["Non-2xx", "or", "3xx", "responses:", value] => {
                figures.non_success = value.parse().unwrap_or(0)
            }
            [count, "requests", "in", ..] => figures.requests = count.parse().unwrap_or(0),
            [name, value] if name.starts_with("script:") => {
                if let Ok(value) = value.parse() {
                    figures
                        .script
                        .push((name.trim_start_matches("script:").to_owned(), value));
                }
            }
            _ => {}
        }
    }
    figures
}

/// wrk writes `812.00us`, `1.25ms` or `2.01s`.
fn millis(value: &str) -> f64 {
    let (number, factor) = if let Some(n) = value.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = value.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (value, 1.0)
    };
    number.parse::<f64>().map_or(f64::NAN, |n| n * factor)
}

/// A Lua script for wrk that tells the answers apart by status and prints the counts as
/// `script:<status> <count>` lines once the run ends. Each thread knows its number (`id`),
/// and a script appended to this one may count its requests in `n`.
pub const COUNT_STATUSES: &str = r#"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args) statuses = {}; n = 0 end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, n in pairs(counted) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("script:%d %d\n", status, n)) end
end
"#;

/// Debian's nginx serving `root` on a port of its own, for as long as this lives.
pub struct Nginx {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// Serves the files under `root`, tuned as a production static server would be
    /// (sendfile, no access log, long keep-alive), one worker per core.
    pub fn serve(root: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let prefix = dir.path().display();
        let config = format!(
            "worker_processes auto;\n\
             daemon off;\n\
             pid {prefix}/nginx.pid;\n\
             error_log {prefix}/error.log;\n\
             events {{ worker_connections 4096; }}\n\
             http {{\n\
               access_log off;\n\
               sendfile on;\n\
               tcp_nopush on;\n\
               tcp_nodelay on;\n\
               keepalive_requests 1000000;\n\
               client_body_temp_path {prefix}/body;\n\
               proxy_temp_path {prefix}/proxy;\n\
               fastcgi_temp_path {prefix}/fastcgi;\n\
               uwsgi_temp_path {prefix}/uwsgi;\n\
               scgi_temp_path {prefix}/scgi;\n\
               types {{ text/html html; text/css css; application/wasm wasm; }}\n\
               server {{\n\
                 listen 127.0.0.1:{port};\n\
                 root {root};\n\
                 location / {{ try_files $uri =404; }}\n\
               }}\n\
             }}\n",
            root = root.display(),
        );
        let config_path: PathBuf = dir.path().join("nginx.conf");
        std::fs::write(&config_path, config).unwrap();
        let child = Command::new(nginx_binary())
            .arg("-c")
            .arg(&config_path)
            .arg("-p")
            .arg(dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("nginx starts (make bench installs it: scripts/setup.sh --bench)");
        wait_for_port(port);
        Self {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: nginx's master stops its workers on the way out, while a
        // killed master leaves them running, each still holding the port.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listens on port {port}");
}

/// This process's resident memory, in MiB.
pub fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}
