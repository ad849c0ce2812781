//! Repeated failures (a wrong password, an untrusted certificate, a broker that is down) come
//! back from librdkafka on every reconnect attempt, from each of the two clients, through both
//! its log and its error callbacks. Logged each time, they bury the one line an operator needs
//! under thousands. So each distinct cause is logged once per window at its level and its
//! repeats go to DEBUG; nothing is dropped.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How long a cause stays quiet after it was logged.
const WINDOW: Duration = Duration::from_secs(60);
/// Distinct causes remembered at once (keys are from bounded sets; this is a safety cap).
const MAX_KEYS: usize = 256;

static SEEN: LazyLock<Mutex<HashMap<String, Instant>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether `key` was not logged within the window (and records it as logged now).
pub fn first_in_window(key: &str) -> bool {
    first_in_window_at(key, Instant::now())
}

fn first_in_window_at(key: &str, now: Instant) -> bool {
    let Ok(mut seen) = SEEN.lock() else {
        return true;
    };
    if let Some(last) = seen.get(key) {
        if now.saturating_duration_since(*last) < WINDOW {
            return false;
        }
    }
    if seen.len() >= MAX_KEYS {
        seen.retain(|_, last| now.saturating_duration_since(*last) < WINDOW);
        if seen.len() >= MAX_KEYS {
            seen.clear();
        }
    }
    seen.insert(key.to_string(), now);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_within_the_window_are_quiet() {
        let t0 = Instant::now();
        assert!(first_in_window_at("test-a", t0));
        assert!(!first_in_window_at("test-a", t0 + Duration::from_secs(1)));
        assert!(first_in_window_at("test-b", t0 + Duration::from_secs(1)));
        assert!(first_in_window_at(
            "test-a",
            t0 + WINDOW + Duration::from_secs(1)
        ));
    }
}
