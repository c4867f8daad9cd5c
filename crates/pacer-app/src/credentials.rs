//! Credentials: password hashing (Argon2id) and the random secrets of
//! sessions and API tokens, stored only as their SHA-256.

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::encode_b64(&rand::rng().random::<[u8; 16]>())
        .map_err(|e| AppError::internal(format!("password salt failed: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Spends the same time as a real check when the account does not exist, so
/// that timing does not tell whether a user name is taken.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// A new random secret: 32 bytes as 64 hex digits.
pub fn random_secret() -> String {
    hex::encode(rand::rng().random::<[u8; 32]>())
}

/// A new API token secret, recognisable by its prefix.
pub fn new_api_token() -> String {
    format!("pacer_{}", random_secret())
}

/// SHA-256 of a secret, hex: what is stored for session and API tokens.
/// (They are long random strings, so a fast hash is enough; passwords use Argon2id.)
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn token_hashes_are_stable_hex() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(random_secret().len(), 64);
        assert!(new_api_token().starts_with("pacer_"));
    }
}
