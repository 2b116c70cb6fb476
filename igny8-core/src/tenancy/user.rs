//! Users and their passwords.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::error::Result;
use crate::ids::{AccountId, UserId};
use crate::validate::Check;

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// The account; `None` only for platform operators created without one.
    pub account_id: Option<AccountId>,
    /// Email, lowercased; unique across the platform.
    pub email: String,
    /// Display name, 1–255 characters.
    pub name: String,
    /// Role inside the account; decides the permissions of the user's scope.
    pub role: Role,
    /// A platform operator: [`super::Auth::operator`] accepts the user when also active.
    pub is_superuser: bool,
    /// Whether the user may sign in; a deactivated user's sessions and API keys stop working.
    pub is_active: bool,
    /// Last successful password sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user last changed.
    pub updated_at: DateTime<Utc>,
}

/// Input for a new user.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct NewUser {
    /// Email address: trimmed, lowercased, at most 254 characters; unique across the platform.
    pub email: String,
    /// Password in clear, [`MIN_PASSWORD_LEN`]`..=`[`MAX_PASSWORD_LEN`] characters (hashed with
    /// Argon2id before it is stored).
    pub password: String,
    /// Display name, 1–255 characters (defaults to the email's local part).
    pub name: Option<String>,
    /// Role inside the account (default viewer); never above the creator's.
    pub role: Option<Role>,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish()
    }
}

/// Minimum password length.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Maximum password length (bounds the hashing work an attacker can ask for).
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Normalises an email (trim, lowercase) and checks its shape.
pub(crate) fn check_email(check: &mut Check, field: &str, email: &str) -> String {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'));
    if !valid {
        check.fail(field, "must be a valid email address");
    }
    email
}

pub(crate) fn check_password(check: &mut Check, field: &str, password: &str) {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        check.fail(
            field,
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        );
    } else if len > MAX_PASSWORD_LEN {
        check.fail(
            field,
            format!("must be at most {MAX_PASSWORD_LEN} characters"),
        );
    }
}

impl NewUser {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        self.email = check_email(&mut check, "email", &self.email);
        check_password(&mut check, "password", &self.password);
        let default_name = self.email.split('@').next().unwrap_or_default().to_owned();
        let name = check.name("name", self.name.as_deref().unwrap_or(&default_name), 255);
        self.name = Some(if name.is_empty() { default_name } else { name });
        check.finish()?;
        Ok(self)
    }
}

/// Changes to a user.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserPatch {
    /// New display name, 1–255 characters; the only change users may make to themselves.
    pub name: Option<String>,
    /// New role (admins; never above their own, and the last active owner stays an owner).
    pub role: Option<Role>,
    /// Enable or disable sign-in (admins; the last active owner can't be disabled).
    pub is_active: Option<bool>,
}

impl UserPatch {
    pub(crate) fn validate(mut self) -> Result<Self> {
        let mut check = Check::new();
        if let Some(name) = &self.name {
            self.name = Some(check.name("name", name, 255));
        }
        check.finish()?;
        Ok(self)
    }
}

/// What a new sign-up sends: the account and its owner.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Registration {
    /// Owner's email.
    pub email: String,
    /// Owner's password.
    pub password: String,
    /// The new account's name.
    pub account_name: String,
    /// Owner's display name.
    pub name: Option<String>,
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("account_name", &self.account_name)
            .finish()
    }
}
