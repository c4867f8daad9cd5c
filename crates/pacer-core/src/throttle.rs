//! Sign-in back-off: how long a sign-in must wait after failures, so that guessing passwords is
//! slow while the real user is never locked out. A fixed lock after N failures would let anyone
//! who knows a user name (or shares an office address) keep that user, an admin included, out.
//!
//! Failures are counted under three keys. The account and address together (one attacker at
//! one place) back off hard; the account alone (guesses from many places) and the address alone
//! (one place trying many accounts, or an office behind one address) back off gently, so that
//! the real user elsewhere, or a colleague behind the same address, waits seconds at most.

/// How failures under one key slow the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Failures allowed without any wait.
    pub free_failures: i64,
    /// The longest wait, in seconds.
    pub max_wait_s: i64,
}

/// The three keys a sign-in is counted under, with their back-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleKey {
    /// This account from this address.
    AccountAtAddress,
    /// This account from anywhere.
    Account,
    /// Any account from this address.
    Address,
}

/// Failures are counted over this window; older ones are forgotten.
pub const WINDOW_S: i64 = 60 * 60;

impl ThrottleKey {
    /// Every key, strictest first.
    pub const ALL: [ThrottleKey; 3] = [ThrottleKey::AccountAtAddress, ThrottleKey::Account, ThrottleKey::Address];

    /// The back-off of this key.
    pub fn backoff(self) -> Backoff {
        match self {
            ThrottleKey::AccountAtAddress => Backoff { free_failures: 5, max_wait_s: 15 * 60 },
            ThrottleKey::Account => Backoff { free_failures: 10, max_wait_s: 60 },
            ThrottleKey::Address => Backoff { free_failures: 30, max_wait_s: 30 },
        }
    }

    /// The stored key for an account name and an address.
    pub fn key(self, username: &str, address: &str) -> String {
        let user = username.trim().to_ascii_lowercase();
        match self {
            ThrottleKey::AccountAtAddress => format!("pair:{user}|{address}"),
            ThrottleKey::Account => format!("user:{user}"),
            ThrottleKey::Address => format!("addr:{address}"),
        }
    }
}

impl Backoff {
    /// The wait after `failures` failures: none while they are free, then 1 s, 2 s, 4 s...
    /// doubling up to the maximum.
    pub fn wait_s(self, failures: i64) -> i64 {
        let over = failures - self.free_failures;
        if over < 0 {
            return 0;
        }
        // 2^over overflows past 62; the maximum is reached long before.
        let doubled = 1i64.checked_shl(over.min(62) as u32).unwrap_or(i64::MAX);
        doubled.min(self.max_wait_s)
    }

    /// Seconds still to wait at `now` after `failures` failures, the last at `last_failure_at`.
    pub fn remaining_s(self, failures: i64, last_failure_at: i64, now: i64) -> i64 {
        (last_failure_at + self.wait_s(failures) - now).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn waits_double_after_the_free_failures_up_to_the_maximum() {
        let pair = ThrottleKey::AccountAtAddress.backoff();
        let waits: Vec<i64> = (0..=16).map(|n| pair.wait_s(n)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(pair.wait_s(1_000_000), 900);
        assert_eq!(ThrottleKey::Account.backoff().wait_s(40), 60, "the real user elsewhere waits a minute at most");
        assert_eq!(ThrottleKey::Address.backoff().wait_s(500), 30, "an office behind one address is never locked");
    }

    #[test]
    fn the_remaining_wait_counts_from_the_last_failure() {
        let pair = ThrottleKey::AccountAtAddress.backoff();
        assert_eq!(pair.remaining_s(7, 1_000, 1_001), 3);
        assert_eq!(pair.remaining_s(7, 1_000, 1_004), 0);
        assert_eq!(pair.remaining_s(2, 1_000, 1_000), 0);
    }

    #[test]
    fn keys_ignore_the_case_of_the_account_name() {
        assert_eq!(ThrottleKey::AccountAtAddress.key(" Ops ", "10.0.0.1"), "pair:ops|10.0.0.1");
        assert_eq!(ThrottleKey::Account.key("OPS", "10.0.0.1"), "user:ops");
        assert_eq!(ThrottleKey::Address.key("ops", "10.0.0.1"), "addr:10.0.0.1");
    }

    proptest! {
        #[test]
        fn waits_never_shrink_with_more_failures_and_never_pass_the_maximum(n in 0i64..10_000) {
            for key in ThrottleKey::ALL {
                let b = key.backoff();
                prop_assert!(b.wait_s(n) <= b.wait_s(n + 1));
                prop_assert!(b.wait_s(n) <= b.max_wait_s);
            }
        }
    }
}
