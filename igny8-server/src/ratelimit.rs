//! Rate limits shared by every server process: fixed one-minute windows counted in the
//! database, or in Redis when `IGNY8_REDIS_URL` is set.
//!
//! Redis is spoken through the `redis` crate's [`ConnectionManager`] rather than a client of
//! our own: one multiplexed connection that every request shares without a lock and that is
//! re-opened in the background when it drops, `rediss://` over rustls (the server's only TLS
//! stack, trusting the system's certificate store), Redis 6+ ACL users and database numbers
//! taken from the URL. Nothing in speaking RESP is ours, so we keep none of it.

use std::time::Duration;

use igny8_core::Igny8;
use igny8_core::store::RateLimitStore;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// The window every limit counts in.
pub const WINDOW: Duration = Duration::from_secs(60);

/// How long connecting (TCP, TLS, `AUTH`, `SELECT`) or waiting for one reply may take before
/// the request is let through uncounted.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// Where hits are counted.
#[derive(Clone)]
pub enum Limiter {
    /// The database every process shares.
    Store(Igny8),
    /// A Redis server (`IGNY8_REDIS_URL`), shared by every process pointed at it; a request it
    /// doesn't answer for within 2 s goes through uncounted.
    Redis(Redis),
}

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Under the limit: handle the request.
    Allow,
    /// Refuse; retry after this many seconds.
    Deny(u64),
}

impl Limiter {
    /// Redis when a URL is given, else the database. Fails when Redis can't be reached or
    /// refuses the credentials; the error names the URL without its password.
    pub async fn new(core: Igny8, redis_url: Option<&str>) -> Result<Self, String> {
        match redis_url {
            Some(url) => Redis::connect(url)
                .await
                .map(Self::Redis)
                .map_err(|e| format!("redis at {}: {e}", igny8_core::store::redact_url(url))),
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

/// Counters in Redis. Cheap to clone: clones share one connection.
#[derive(Clone)]
pub struct Redis {
    conn: ConnectionManager,
}

/// Counts a hit in `KEYS[1]`, starting its window (`ARGV[1]` ms) on the first; answers the
/// hits so far and the milliseconds the window has left.
const HIT_SCRIPT: &str = "local c = redis.call('INCR', KEYS[1]) \
    if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end \
    return {c, redis.call('PTTL', KEYS[1])}";

impl Redis {
    /// Checks `redis[s]://[[user]:password@]host[:port][/db]` without connecting.
    fn client(url: &str) -> Result<redis::Client, String> {
        if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
            return Err("the Redis URL must start with redis:// or rediss://".into());
        }
        redis::Client::open(url).map_err(|e| e.to_string())
    }

    /// Connects to `redis[s]://[[user]:password@]host[:port][/db]` and checks the server answers.
    ///
    /// A dropped connection is re-opened by the manager when a command finds it gone; that
    /// command fails (its request is let through), later ones use the new connection. Each
    /// re-open is tried once, not retried with back-off, so while Redis is down a request
    /// waits at most two seconds before it is let through, as before.
    pub async fn connect(url: &str) -> Result<Self, String> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(0);
        let conn = ConnectionManager::new_with_config(Self::client(url)?, config)
            .await
            .map_err(|e| e.to_string())?;
        let redis = Self { conn };
        let pong: String = redis
            .query(&redis::cmd("PING"))
            .await
            .map_err(|e| e.to_string())?;
        if pong != "PONG" {
            return Err(format!("unexpected answer to PING: {pong:?}"));
        }
        Ok(redis)
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> redis::RedisResult<T> {
        cmd.query_async(&mut self.conn.clone()).await
    }

    /// Counts a hit; the hits in the window and the seconds until it ends.
    async fn hit(&self, bucket: &str, window: Duration) -> Result<(u64, u64), String> {
        let mut eval = redis::cmd("EVAL");
        eval.arg(HIT_SCRIPT)
            .arg(1)
            .arg(format!("igny8:rl:{bucket}"))
            .arg(window.as_millis() as u64);
        let (hits, ttl): (i64, i64) = self.query(&eval).await.map_err(|e| e.to_string())?;
        Ok((hits.max(0) as u64, (ttl.max(0) as u64).div_ceil(1000)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redis::ConnectionAddr;

    #[test]
    fn urls() {
        let info = |url| Redis::client(url).unwrap().get_connection_info().clone();
        let tls = info("rediss://app:s%40cret@cache.example:6380/2");
        assert!(matches!(
            tls.addr(),
            ConnectionAddr::TcpTls { host, port: 6380, insecure: false, .. } if host == "cache.example"
        ));
        let settings = tls.redis_settings();
        assert_eq!(
            (settings.username(), settings.password(), settings.db()),
            (Some("app"), Some("s@cret"), 2)
        );
        let plain = info("redis://:pw@10.0.0.1:6380/3");
        assert!(matches!(plain.addr(), ConnectionAddr::Tcp(host, 6380) if host == "10.0.0.1"));
        let settings = plain.redis_settings();
        assert_eq!(
            (settings.username(), settings.password(), settings.db()),
            (None, Some("pw"), 3)
        );
        let bare = info("redis://localhost");
        assert!(matches!(bare.addr(), ConnectionAddr::Tcp(host, 6379) if host == "localhost"));
        assert_eq!(bare.redis_settings().password(), None);
        let err = Redis::client("http://x").err().unwrap();
        assert_eq!(err, "the Redis URL must start with redis:// or rediss://");
        assert!(Redis::client("redis://localhost/not-a-number").is_err());
    }

    /// `IGNY8_TEST_REDIS_URL`, or `None` to skip (failing instead when `IGNY8_TEST_REQUIRE`
    /// names redis).
    fn redis_url() -> Option<String> {
        let url = std::env::var("IGNY8_TEST_REDIS_URL").ok();
        let required = std::env::var("IGNY8_TEST_REQUIRE")
            .is_ok_and(|v| v.split(',').any(|b| b.trim() == "redis"));
        assert!(
            url.is_some() || !required,
            "IGNY8_TEST_REDIS_URL is not set, but IGNY8_TEST_REQUIRE asks for redis"
        );
        url
    }

    /// A name no other run or process uses.
    fn unique(prefix: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("{prefix}-{}-{nanos}", std::process::id())
    }

    /// `url` with `user:password` as its credentials.
    fn with_user(url: &str, user: &str, password: &str) -> String {
        let (scheme, rest) = url.split_once("://").unwrap();
        let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        format!("{scheme}://{user}:{password}@{host}")
    }

    async fn run<T: redis::FromRedisValue>(redis: &Redis, args: &[&str]) -> T {
        let mut cmd = redis::Cmd::new();
        for arg in args {
            cmd.arg(*arg);
        }
        redis.query(&cmd).await.unwrap()
    }

    #[tokio::test]
    async fn an_acl_user_in_the_url_counts_hits() {
        let Some(url) = redis_url() else { return };
        let admin = Redis::connect(&url).await.unwrap();
        let user = unique("igny8-test-limiter");
        let password = unique("pw");
        // What the limiter needs (the script, the commands it calls, its own keys), and
        // `ACL WHOAMI` to show whose connection it is.
        let _: String = run(
            &admin,
            &[
                "ACL",
                "SETUSER",
                &user,
                "reset",
                "on",
                &format!(">{password}"),
                "~igny8:rl:*",
                "+ping",
                "+eval",
                "+incr",
                "+pexpire",
                "+pttl",
                "+select",
                "+acl|whoami",
            ],
        )
        .await;
        let bucket = unique("test:acl");
        let counted = async {
            let redis = Redis::connect(&with_user(&url, &user, &password)).await?;
            let whoami: String = redis
                .query(redis::cmd("ACL").arg("WHOAMI"))
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>((
                whoami,
                redis.hit(&bucket, WINDOW).await?,
                redis.hit(&bucket, WINDOW).await?,
            ))
        }
        .await;
        let wrong = Redis::connect(&with_user(&url, &user, "not-the-password")).await;
        let _: i64 = run(&admin, &["ACL", "DELUSER", &user]).await;

        let (whoami, first, second) = counted.unwrap();
        assert_eq!(whoami, user);
        assert_eq!((first.0, second.0), (1, 2));
        assert!((1..=60).contains(&second.1), "{second:?}");
        let err = wrong.err().expect("a wrong password is refused");
        assert!(!err.contains("not-the-password"), "{err}");
    }

    #[tokio::test]
    async fn counting_goes_on_after_the_connection_drops() {
        let Some(url) = redis_url() else { return };
        let redis = Redis::connect(&url).await.unwrap();
        let limiter = Limiter::Redis(redis.clone());
        let bucket = unique("test:reconnect");
        for _ in 0..3 {
            assert_eq!(limiter.check(&bucket, 4).await, Verdict::Allow);
        }
        let before: i64 = run(&redis, &["CLIENT", "ID"]).await;
        let admin = Redis::connect(&url).await.unwrap();
        let killed: i64 = run(&admin, &["CLIENT", "KILL", "ID", &before.to_string()]).await;
        assert_eq!(killed, 1);

        // The command that finds the connection gone fails (and would let its request
        // through); the next one goes over a new connection to the same counter.
        let hits = match redis.hit(&bucket, WINDOW).await {
            Ok((hits, _)) => hits,
            Err(_) => redis.hit(&bucket, WINDOW).await.unwrap().0,
        };
        assert_eq!(hits, 4);
        let after: i64 = run(&redis, &["CLIENT", "ID"]).await;
        assert_ne!(after, before);
        assert!(matches!(
            limiter.check(&bucket, 4).await,
            Verdict::Deny(1..=60)
        ));
    }
}
