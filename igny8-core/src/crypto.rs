//! Secrets at rest (XChaCha20-Poly1305 under the deployment's key) and passwords (Argon2id).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, Generate, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::error::{Error, Result};

/// Version tag of the stored format.
const FORMAT: &str = "v1";

/// Encrypts and decrypts secrets (API keys, application passwords) with the deployment's key.
///
/// Stored form: `v1:<base64 nonce>:<base64 ciphertext>`. The key never leaves this type;
/// its `Debug` output is redacted.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<redacted>)")
    }
}

impl SecretBox {
    /// A box from a 32-byte key given as base64 (standard alphabet) — the `IGNY8_SECRET_KEY` form.
    pub fn from_base64(key: &str) -> Result<Self> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| Error::Config("the secret key is not valid base64".into()))?;
        Self::from_bytes(&bytes)
    }

    /// A box from 32 raw key bytes.
    pub fn from_bytes(key: &[u8]) -> Result<Self> {
        if key.len() != 32 {
            return Err(Error::Config(format!(
                "the secret key must be 32 bytes, not {}",
                key.len()
            )));
        }
        Ok(Self {
            cipher: XChaCha20Poly1305::new(
                &Key::try_from(key)
                    .map_err(|_| Error::Config("the secret key must be 32 bytes".into()))?,
            ),
        })
    }

    /// A fresh random key, base64-encoded (for `print-config` and first-run set-up).
    pub fn generate_key() -> String {
        STANDARD.encode(Key::generate())
    }

    /// Encrypts `plain`.
    pub fn seal(&self, plain: &str) -> Result<String> {
        let nonce = XNonce::generate();
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| Error::Internal("encryption failed".into()))?;
        Ok(format!(
            "{FORMAT}:{}:{}",
            STANDARD.encode(nonce),
            STANDARD.encode(sealed)
        ))
    }

    /// Decrypts what [`SecretBox::seal`] produced; fails if it was made with another key or altered.
    pub fn open(&self, stored: &str) -> Result<String> {
        let bad =
            || Error::Config("a stored secret cannot be decrypted with the configured key".into());
        let mut parts = stored.splitn(3, ':');
        let (Some(FORMAT), Some(nonce), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let nonce = STANDARD.decode(nonce).map_err(|_| bad())?;
        let body = STANDARD.decode(body).map_err(|_| bad())?;
        if nonce.len() != 24 {
            return Err(bad());
        }
        let plain = self
            .cipher
            .decrypt(
                &XNonce::try_from(nonce.as_slice()).map_err(|_| bad())?,
                body.as_ref(),
            )
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

/// A masked hint of a secret for display: its last four characters, e.g. `••••3xYz`.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 8 {
        return "••••".into();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("••••{tail}")
}

/// Hashes a password with Argon2id (the crate's recommended parameters), PHC string form.
pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

/// Whether `password` matches `hash` (constant-time comparison inside argon2).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_fail_with_another_key() {
        let a = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let b = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let sealed = a.seal("sk-test-1234567890").unwrap();
        assert!(!sealed.contains("sk-test"));
        assert_eq!(a.open(&sealed).unwrap(), "sk-test-1234567890");
        assert!(b.open(&sealed).is_err());
        assert_ne!(a.seal("x").unwrap(), a.seal("x").unwrap(), "nonces differ");
        assert!(SecretBox::from_bytes(&[0; 16]).is_err());
        assert_eq!(mask_secret("sk-test-1234567890"), "••••7890");
        assert_eq!(format!("{a:?}"), "SecretBox(<redacted>)");
    }

    #[test]
    fn passwords_use_argon2id() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
