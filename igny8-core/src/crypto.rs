//! Secrets at rest (XChaCha20-Poly1305 under the deployment's key) and passwords (Argon2id).
//!
//! A sealed secret is bound to the row it belongs to: the row's identity (for example
//! `integration:12:openai`) is the cipher's associated data, so a sealed value copied into
//! another row or account does not open there. The deployment key can be rotated: with the old
//! key configured as the previous one, values sealed with it still open, and the caller writes
//! back the re-sealed value that [`Opened::resealed`] hands it.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::error::{Error, Result};

/// The first stored format: no associated data (values sealed before rows were bound).
const FORMAT_UNBOUND: &str = "v1";
/// The current stored format: the row's identity is the associated data.
const FORMAT_BOUND: &str = "v2";

/// Encrypts and decrypts secrets (API keys, application passwords) with the deployment's key.
///
/// Stored forms: `v2:<base64 nonce>:<base64 ciphertext>`, sealed with the row's identity as
/// associated data, and the older `v1:<base64 nonce>:<base64 ciphertext>` without it, which
/// still opens and is re-sealed as `v2` when read. The keys never leave this type; its `Debug`
/// output is redacted.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    previous: Option<XChaCha20Poly1305>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<redacted>)")
    }
}

/// A secret read back by [`SecretBox::open`].
#[derive(Debug)]
pub struct Opened {
    /// The secret in clear.
    pub plain: String,
    /// The secret sealed again with the current key and the row's identity, when the stored
    /// value was sealed with the previous key or in the unbound `v1` form: store it in place
    /// of the old value.
    pub resealed: Option<String>,
}

fn cipher_of(key: &[u8]) -> Result<XChaCha20Poly1305> {
    if key.len() != 32 {
        return Err(Error::Config(format!(
            "the secret key must be 32 bytes, not {}",
            key.len()
        )));
    }
    Ok(XChaCha20Poly1305::new(&Key::try_from(key).map_err(
        |_| Error::Config("the secret key must be 32 bytes".into()),
    )?))
}

fn decode_key(key: &str) -> Result<Vec<u8>> {
    STANDARD
        .decode(key.trim())
        .map_err(|_| Error::Config("the secret key is not valid base64".into()))
}

impl SecretBox {
    /// A box from a 32-byte key given as base64 (standard alphabet) — the `IGNY8_SECRET_KEY` form.
    pub fn from_base64(key: &str) -> Result<Self> {
        Self::from_bytes(&decode_key(key)?)
    }

    /// A box from 32 raw key bytes.
    pub fn from_bytes(key: &[u8]) -> Result<Self> {
        Ok(Self {
            cipher: cipher_of(key)?,
            previous: None,
        })
    }

    /// The same box, also opening values sealed with `key` (base64), the key used before the
    /// current one (`IGNY8_SECRET_KEY_PREVIOUS`).
    pub fn with_previous_base64(mut self, key: &str) -> Result<Self> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| Error::Config("the previous secret key is not valid base64".into()))?;
        if bytes.len() != 32 {
            return Err(Error::Config(format!(
                "the previous secret key must be 32 bytes, not {}",
                bytes.len()
            )));
        }
        self.previous = Some(cipher_of(&bytes)?);
        Ok(self)
    }

    /// A fresh random key, base64-encoded (for `print-config` and first-run set-up).
    pub fn generate_key() -> String {
        STANDARD.encode(Key::generate())
    }

    /// Encrypts `plain` for the row named by `context` (e.g. `integration:12:openai`).
    pub fn seal(&self, plain: &str, context: &str) -> Result<String> {
        let nonce = XNonce::generate();
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::Internal("encryption failed".into()))?;
        Ok(format!(
            "{FORMAT_BOUND}:{}:{}",
            STANDARD.encode(nonce),
            STANDARD.encode(sealed)
        ))
    }

    /// Decrypts what [`SecretBox::seal`] produced for the same `context`, with the current key
    /// or else the previous one. Fails, with a message that names neither the secret nor the
    /// key, if it was made for another row, with another key, or altered.
    pub fn open(&self, stored: &str, context: &str) -> Result<Opened> {
        let bad = || {
            Error::Config(
                "a stored secret can't be decrypted: it was sealed for another record or \
                 with a key this installation no longer has; enter the secret again (an \
                 operator who changed keys keeps the old one configured as the previous key: \
                 IGNY8_SECRET_KEY_PREVIOUS)"
                    .into(),
            )
        };
        let mut parts = stored.splitn(3, ':');
        let (Some(format), Some(nonce), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let aad: &[u8] = match format {
            FORMAT_BOUND => context.as_bytes(),
            FORMAT_UNBOUND => b"",
            _ => return Err(bad()),
        };
        let nonce = STANDARD.decode(nonce).map_err(|_| bad())?;
        let body = STANDARD.decode(body).map_err(|_| bad())?;
        let nonce = XNonce::try_from(nonce.as_slice()).map_err(|_| bad())?;
        let payload = || Payload {
            msg: body.as_ref(),
            aad,
        };
        let (plain, with_previous) = match self.cipher.decrypt(&nonce, payload()) {
            Ok(plain) => (plain, false),
            Err(_) => match &self.previous {
                Some(previous) => (
                    previous.decrypt(&nonce, payload()).map_err(|_| bad())?,
                    true,
                ),
                None => return Err(bad()),
            },
        };
        let plain = String::from_utf8(plain).map_err(|_| bad())?;
        let resealed = if with_previous || format == FORMAT_UNBOUND {
            Some(self.seal(&plain, context)?)
        } else {
            None
        };
        Ok(Opened { plain, resealed })
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
        let sealed = a
            .seal("sk-test-1234567890", "integration:1:openai")
            .unwrap();
        assert!(sealed.starts_with("v2:") && !sealed.contains("sk-test"));
        let opened = a.open(&sealed, "integration:1:openai").unwrap();
        assert_eq!(opened.plain, "sk-test-1234567890");
        assert!(opened.resealed.is_none());
        assert!(b.open(&sealed, "integration:1:openai").is_err());
        assert_ne!(
            a.seal("x", "c").unwrap(),
            a.seal("x", "c").unwrap(),
            "nonces differ"
        );
        assert!(SecretBox::from_bytes(&[0; 16]).is_err());
        assert_eq!(mask_secret("sk-test-1234567890"), "••••7890");
        assert_eq!(format!("{a:?}"), "SecretBox(<redacted>)");
    }

    #[test]
    fn a_secret_copied_to_another_row_does_not_open() {
        let a = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let sealed = a
            .seal("sk-live-abcdef123456", "integration:1:openai")
            .unwrap();
        for other in [
            "integration:2:openai",
            "integration:1:runware",
            "site-wordpress:1:1",
        ] {
            let err = a.open(&sealed, other).unwrap_err().to_string();
            assert!(err.contains("sealed for another record"), "{err}");
            assert!(err.contains("enter the secret again"), "{err}");
            assert!(
                !err.contains("  "),
                "one sentence, as a person reads it: {err}"
            );
            assert!(!err.contains("sk-live") && !err.contains(&sealed), "{err}");
        }
    }

    #[test]
    fn rotation_opens_old_values_and_reseals_them_with_the_new_key() {
        let (key_a, key_b) = (SecretBox::generate_key(), SecretBox::generate_key());
        let a = SecretBox::from_base64(&key_a).unwrap();
        let sealed = a.seal("wp-app-password", "site-wordpress:3:4").unwrap();
        let rotated = SecretBox::from_base64(&key_b)
            .unwrap()
            .with_previous_base64(&key_a)
            .unwrap();
        let opened = rotated.open(&sealed, "site-wordpress:3:4").unwrap();
        assert_eq!(opened.plain, "wp-app-password");
        let resealed = opened.resealed.expect("re-sealed with the current key");
        let b = SecretBox::from_base64(&key_b).unwrap();
        assert_eq!(
            b.open(&resealed, "site-wordpress:3:4").unwrap().plain,
            "wp-app-password"
        );
        assert!(a.open(&resealed, "site-wordpress:3:4").is_err());
        // The previous key doesn't lift the binding to the row.
        assert!(rotated.open(&sealed, "site-wordpress:3:5").is_err());
        assert!(
            SecretBox::from_base64(&key_b)
                .unwrap()
                .with_previous_base64("not base64!")
                .unwrap_err()
                .to_string()
                .contains("previous secret key")
        );
    }

    #[test]
    fn values_sealed_before_rows_were_bound_still_open() {
        // The v1 form: no associated data.
        let key = SecretBox::generate_key();
        let cipher = XChaCha20Poly1305::new(
            &Key::try_from(STANDARD.decode(&key).unwrap().as_slice()).unwrap(),
        );
        let nonce = XNonce::generate();
        let body = cipher.encrypt(&nonce, b"old-secret".as_ref()).unwrap();
        let v1 = format!("v1:{}:{}", STANDARD.encode(nonce), STANDARD.encode(body));
        let secrets = SecretBox::from_base64(&key).unwrap();
        let opened = secrets.open(&v1, "integration:9:openai").unwrap();
        assert_eq!(opened.plain, "old-secret");
        let resealed = opened.resealed.expect("upgraded to the bound form");
        assert!(resealed.starts_with("v2:"));
        assert!(secrets.open(&resealed, "integration:8:openai").is_err());
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
