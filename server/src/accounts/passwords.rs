//! Passwords (argon2, and the policy a new one must meet), user names, and
//! secret tokens (random, stored only as SHA-256).

use super::AccountError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use sha2::{Digest, Sha256};

pub const DEVICE_PREFIX: &str = "xd_";
const SESSION_PREFIX: &str = "xs_";
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_BYTES: usize = 256;

pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| AccountError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Internal(e.to_string()))
}

/// Stored hashes are the server's own; a cost past this is refused, not computed.
const MAX_ARGON2_KIB: u32 = 64 * 1024;

thread_local! {
    /// argon2's working memory (19 MiB by default), allocated once per thread
    /// and reused: freed and allocated anew per check, the allocator kept
    /// every copy (measured: +19 MiB resident per sign-in, never returned).
    static ARGON2_MEMORY: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Checks `password` against a PHC-format argon2 hash, in constant time.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let Ok(params) = argon2::Params::try_from(&parsed) else { return false };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm) else { return false };
    let version = match parsed.version.map(argon2::Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    if params.m_cost() > MAX_ARGON2_KIB {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let argon = Argon2::new(algorithm, version, params.clone());
    let computed = ARGON2_MEMORY.with(|memory| {
        let mut blocks = memory.borrow_mut();
        blocks.resize(params.block_count(), argon2::Block::default());
        argon2::password_hash::Output::init_with(expected.len(), |out| {
            argon.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut blocks[..]).map_err(Into::into)
        })
    });
    // `Output`'s equality is constant-time.
    computed.is_ok_and(|c| c == expected)
}

/// The password policy: 8 characters or more, not one of the commonly
/// leaked passwords, not the user name, not one character repeated.
pub fn check_new_password(username: &str, password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountError::Invalid(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters and at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    let lower = password.to_lowercase();
    let common = COMMON_PASSWORDS.lines().any(|l| !l.starts_with('#') && l.trim() == lower);
    let repeated = password.chars().all(|c| password.starts_with(c));
    if common || repeated || lower == username.to_lowercase() {
        return Err(AccountError::Invalid("this password is too easy to guess; choose another".into()));
    }
    Ok(())
}

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

pub fn check_username(name: &str) -> Result<(), AccountError> {
    let ok = (2..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::Invalid("a user name has 2 to 64 letters, digits, `.`, `_` or `-`".into()))
    }
}

/// A new secret token and the hash the server keeps of it.
pub fn new_token(device: bool) -> (String, [u8; 32]) {
    let prefix = if device { DEVICE_PREFIX } else { SESSION_PREFIX };
    let token = format!("{prefix}{}", hex::encode(rand::random::<[u8; 32]>()));
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "wrong horse"));
        assert!(!verify_password("not a hash", "x"));
        let (t, hash) = new_token(true);
        assert!(t.starts_with(DEVICE_PREFIX));
        assert_eq!(token_hash(&t), hash);
        assert!(check_new_password("wang", "short").is_err());
        assert!(check_new_password("wang", "Password123").is_err(), "a common password");
        assert!(check_new_password("wang1234", "WANG1234").is_err(), "the user name");
        assert!(check_new_password("wang", "zzzzzzzzzz").is_err());
        assert!(check_new_password("wang", "correct-horse-42").is_ok());
    }

    #[test]
    fn a_thread_checks_passwords_in_one_working_memory() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password(&h, "correct horse"));
        let first = ARGON2_MEMORY.with(|m| (m.borrow().as_ptr() as usize, m.borrow().capacity()));
        for _ in 0..3 {
            assert!(!verify_password(&h, "wrong horse"));
        }
        let after = ARGON2_MEMORY.with(|m| (m.borrow().as_ptr() as usize, m.borrow().capacity()));
        assert_eq!(first, after, "no new allocation per check");
        assert_eq!(first.1, 19 * 1024, "argon2's default 19 MiB, once");
    }
}
