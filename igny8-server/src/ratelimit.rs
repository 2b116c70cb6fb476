//! Rate limits shared by every server process: fixed one-minute windows counted in the
//! database, or in Redis when `IGNY8_REDIS_URL` is set.

use std::sync::Arc;
use std::time::Duration;

use igny8_core::Igny8;
use igny8_core::store::RateLimitStore;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// The window every limit counts in.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Where hits are counted.
#[derive(Clone)]
pub enum Limiter {
    /// The database every process shares.
    Store(Igny8),
    /// A Redis server.
    Redis(Arc<Redis>),
}

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go on.
    Allow,
    /// Refuse; retry after this many seconds.
    Deny(u64),
}

impl Limiter {
    /// Redis when a URL is given, else the database.
    pub async fn new(core: Igny8, redis_url: Option<&str>) -> Result<Self, String> {
        match redis_url {
            Some(url) => {
                let redis = Redis::new(url)?;
                redis
                    .ping()
                    .await
                    .map_err(|e| format!("redis at {}: {e}", igny8_core::store::redact_url(url)))?;
                Ok(Self::Redis(Arc::new(redis)))
            }
            None => Ok(Self::Store(core)),
        }
    }

    /// Counts a hit in `bucket` and checks it against `limit` per window. A counter that
    /// can't be reached lets the request through (and says so in the log).
    pub async fn check(&self, bucket: &str, limit: u32) -> Verdict {
        let counted = match self {
            Limiter::Store(core) => core
                .store()
                .hit(bucket, WINDOW)
                .await
                .map(|(hits, resets)| {
                    let wait = (resets - core.now()).num_milliseconds().max(0);
                    (hits, (wait as u64).div_ceil(1000))
                })
                .map_err(|e| e.to_string()),
            Limiter::Redis(redis) => redis.hit(bucket, WINDOW).await,
        };
        match counted {
            Ok((hits, _)) if hits <= u64::from(limit) => Verdict::Allow,
            Ok((_, retry_after)) => Verdict::Deny(retry_after.max(1)),
            Err(e) => {
                tracing::warn!(error = %e, "rate limit counter unavailable; request allowed");
                Verdict::Allow
            }
        }
    }
}

/// A minimal Redis client: one connection, re-opened after an error; enough for counters.
pub struct Redis {
    addr: String,
    password: Option<String>,
    db: Option<u32>,
    conn: Mutex<Option<BufReader<TcpStream>>>,
}

const HIT_SCRIPT: &str = "local c = redis.call('INCR', KEYS[1]) \
    if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end \
    return {c, redis.call('PTTL', KEYS[1])}";

#[derive(Debug)]
enum Reply {
    Int(i64),
    Text(String),
    Array(Vec<Reply>),
    Nil,
}

fn encode(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

async fn read_reply(conn: &mut BufReader<TcpStream>) -> Result<Reply, String> {
    let mut line = String::new();
    if conn.read_line(&mut line).await.map_err(|e| e.to_string())? == 0 {
        return Err("connection closed".into());
    }
    let line = line.trim_end();
    let (kind, rest) = line.split_at(1.min(line.len()));
    match kind {
        "+" => Ok(Reply::Text(rest.to_owned())),
        "-" => Err(rest.to_owned()),
        ":" => rest
            .parse()
            .map(Reply::Int)
            .map_err(|_| "bad integer".into()),
        "$" => {
            let len: i64 = rest.parse().map_err(|_| "bad length")?;
            if len < 0 {
                return Ok(Reply::Nil);
            }
            let mut buf = vec![0; len as usize + 2];
            tokio::io::AsyncReadExt::read_exact(conn, &mut buf)
                .await
                .map_err(|e| e.to_string())?;
            buf.truncate(len as usize);
            Ok(Reply::Text(String::from_utf8_lossy(&buf).into_owned()))
        }
        "*" => {
            let n: i64 = rest.parse().map_err(|_| "bad array length")?;
            let mut items = Vec::new();
            for _ in 0..n.max(0) {
                items.push(Box::pin(read_reply(conn)).await?);
            }
            Ok(Reply::Array(items))
        }
        _ => Err(format!("unexpected reply {line:?}")),
    }
}

impl Redis {
    /// A client for `redis://[:password@]host[:port][/db]`.
    pub fn new(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("redis://")
            .ok_or_else(|| "the Redis URL must start with redis://".to_owned())?;
        let (auth, host) = match rest.rsplit_once('@') {
            Some((auth, host)) => (Some(auth), host),
            None => (None, rest),
        };
        let (host, db) = match host.split_once('/') {
            Some((h, db)) if !db.is_empty() => (
                h,
                Some(db.parse().map_err(|_| "bad Redis database number")?),
            ),
            Some((h, _)) => (h, None),
            None => (host, None),
        };
        let addr = if host.contains(':') {
            host.to_owned()
        } else {
            format!("{host}:6379")
        };
        let password = auth
            .map(|a| a.rsplit(':').next().unwrap_or(a).to_owned())
            .filter(|p| !p.is_empty());
        Ok(Self {
            addr,
            password,
            db,
            conn: Mutex::new(None),
        })
    }

    async fn command(&self, args: &[&str]) -> Result<Reply, String> {
        let mut guard = self.conn.lock().await;
        if guard.is_none() {
            let stream =
                tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(&self.addr))
                    .await
                    .map_err(|_| "connect timed out".to_owned())?
                    .map_err(|e| e.to_string())?;
            stream.set_nodelay(true).ok();
            let mut conn = BufReader::new(stream);
            if let Some(p) = &self.password {
                conn.get_mut()
                    .write_all(&encode(&["AUTH", p]))
                    .await
                    .map_err(|e| e.to_string())?;
                read_reply(&mut conn).await?;
            }
            if let Some(db) = self.db {
                conn.get_mut()
                    .write_all(&encode(&["SELECT", &db.to_string()]))
                    .await
                    .map_err(|e| e.to_string())?;
                read_reply(&mut conn).await?;
            }
            *guard = Some(conn);
        }
        let conn = guard.as_mut().ok_or("no connection")?;
        let result = async {
            conn.get_mut()
                .write_all(&encode(args))
                .await
                .map_err(|e| e.to_string())?;
            tokio::time::timeout(Duration::from_secs(2), read_reply(conn))
                .await
                .map_err(|_| "reply timed out".to_owned())?
        }
        .await;
        if result.is_err() {
            *guard = None;
        }
        result
    }

    async fn ping(&self) -> Result<(), String> {
        match self.command(&["PING"]).await? {
            Reply::Text(pong) if pong == "PONG" => Ok(()),
            other => Err(format!("unexpected answer to PING: {other:?}")),
        }
    }

    /// Counts a hit; the hits in the window and the seconds until it ends.
    async fn hit(&self, bucket: &str, window: Duration) -> Result<(u64, u64), String> {
        let key = format!("igny8:rl:{bucket}");
        let ms = window.as_millis().to_string();
        match self.command(&["EVAL", HIT_SCRIPT, "1", &key, &ms]).await? {
            Reply::Array(items) => match items.as_slice() {
                [Reply::Int(hits), Reply::Int(ttl)] => {
                    Ok(((*hits).max(0) as u64, ((*ttl).max(0) as u64).div_ceil(1000)))
                }
                other => Err(format!("unexpected reply {other:?}")),
            },
            other => Err(format!("unexpected reply {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_encoding() {
        let r = Redis::new("redis://:pw@10.0.0.1:6380/2").unwrap();
        assert_eq!(
            (r.addr.as_str(), r.password.as_deref(), r.db),
            ("10.0.0.1:6380", Some("pw"), Some(2))
        );
        let r = Redis::new("redis://localhost").unwrap();
        assert_eq!(
            (r.addr.as_str(), r.password, r.db),
            ("localhost:6379", None, None)
        );
        assert!(Redis::new("http://x").is_err());
        assert_eq!(encode(&["GET", "k"]), b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }
}
