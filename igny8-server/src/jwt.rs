//! Short-lived access tokens: JWT (RFC 7519) signed with HMAC-SHA-256.
//!
//! Ours rather than `jsonwebtoken`: the server signs and checks one algorithm with its own key,
//! so this is a fixed header, HMAC-SHA-256 from the `hmac`/`sha2` crates already in the tree
//! and an expiry check against the server's clock (a test's clock in tests). `jsonwebtoken`
//! would bring its algorithm negotiation and a choice of crypto back-end for nothing we use;
//! the test below refuses `alg: none`, another key, forged claims and expired tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: i64,
    /// The user's account (none for operators without one).
    pub acc: Option<i64>,
    /// The user's role in the account.
    pub role: String,
    /// A platform operator.
    #[serde(default)]
    pub su: bool,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a JWT of ours.
    Malformed,
    /// The signature doesn't match.
    BadSignature,
    /// Past its expiry.
    Expired,
}

/// Signs and checks access tokens with one secret.
#[derive(Clone)]
pub struct Signer {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

impl Signer {
    /// A signer with `secret` (at least 32 bytes).
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("the JWT secret must be at least 32 bytes".into());
        }
        let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|e| e.to_string())?;
        Ok(Self { mac })
    }

    /// The token for `claims`.
    pub fn sign(&self, claims: &Claims) -> String {
        let header = URL_SAFE_NO_PAD.encode(HEADER);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac.clone();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// A tag for `data` under the same key, for another `purpose` (the web app's form
    /// tokens): HMAC-SHA-256 over `purpose`, a zero byte and `data`, URL-safe base64. A token's
    /// signing input is base64 and never holds a zero byte, so no tag passes as a signature.
    pub fn tag(&self, purpose: &str, data: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// The claims of a valid, unexpired token (`now` in seconds since the epoch).
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let header_json = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| TokenError::Malformed)?;
        let header_value: serde_json::Value =
            serde_json::from_slice(&header_json).map_err(|_| TokenError::Malformed)?;
        if header_value.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err(TokenError::Malformed);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac.clone();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
        if claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: 7,
            acc: Some(3),
            role: "editor".into(),
            su: false,
            iat: 0,
            exp,
        }
    }

    #[test]
    fn tokens_round_trip_and_tampering_fails() {
        let s = Signer::new(&[7; 32]).unwrap();
        let t = s.sign(&claims(100));
        assert_eq!(s.verify(&t, 50).unwrap(), claims(100));
        assert_eq!(s.verify(&t, 100), Err(TokenError::Expired));
        let other = Signer::new(&[8; 32]).unwrap();
        assert_eq!(other.verify(&t, 50), Err(TokenError::BadSignature));
        let mut parts: Vec<&str> = t.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Claims {
                role: "owner".into(),
                ..claims(100)
            })
            .unwrap(),
        );
        parts[1] = &forged;
        assert_eq!(
            s.verify(&parts.join("."), 50),
            Err(TokenError::BadSignature)
        );
        assert_eq!(s.verify("a.b", 50), Err(TokenError::Malformed));
        let none_alg = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            parts[1]
        );
        assert_eq!(s.verify(&none_alg, 50), Err(TokenError::Malformed));
        assert!(Signer::new(b"short").is_err());
    }
}
