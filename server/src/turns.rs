//! Turns per member: how many requests one signed-in account has the server working on at
//! once. A member who loads heavy pages in a loop (or a script with their cookie) queues
//! behind their own requests, not in front of everyone else's; a phone or a browser tab
//! never has more than a couple in flight, so people never notice the bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Requests one account has in flight at once; the next waits for one to finish.
pub const PER_MEMBER: usize = 2;

/// Accounts whose turns are remembered at once before the idle ones are forgotten.
const REMEMBERED: usize = 4096;

pub struct MemberTurns {
    per_member: usize,
    members: Mutex<HashMap<i64, Arc<Semaphore>>>,
}

impl Default for MemberTurns {
    fn default() -> Self {
        MemberTurns::new(PER_MEMBER)
    }
}

impl MemberTurns {
    pub fn new(per_member: usize) -> Self {
        MemberTurns {
            per_member: per_member.max(1),
            members: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for one of `user_id`'s turns; the turn ends when the permit is dropped.
    pub async fn take(&self, user_id: i64) -> OwnedSemaphorePermit {
        let turns = {
            let mut members = self.members.lock().unwrap_or_else(|e| e.into_inner());
            if members.len() >= REMEMBERED && !members.contains_key(&user_id) {
                // Forget the accounts with nothing in flight (no permit, no waiter
                // holds their semaphore but the map).
                members.retain(|_, turns| Arc::strong_count(turns) > 1);
            }
            members
                .entry(user_id)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_member)))
                .clone()
        };
        turns
            .acquire_owned()
            .await
            .expect("a member's turns are never closed")
    }

    /// Accounts remembered now (for tests).
    pub fn remembered(&self) -> usize {
        self.members.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_member_waits_for_their_own_turns_only() {
        let turns = MemberTurns::new(2);
        let a1 = turns.take(1).await;
        let _a2 = turns.take(1).await;
        // A third of member 1's requests waits; member 2's does not.
        let third = tokio::time::timeout(Duration::from_millis(50), turns.take(1)).await;
        assert!(third.is_err(), "member 1's third request waits");
        let other = tokio::time::timeout(Duration::from_millis(50), turns.take(2)).await;
        assert!(other.is_ok(), "member 2 is not held by member 1");
        drop(a1);
        let third = tokio::time::timeout(Duration::from_millis(50), turns.take(1)).await;
        assert!(third.is_ok(), "a finished request frees a turn");
    }

    #[tokio::test]
    async fn idle_accounts_are_forgotten_when_many() {
        let turns = MemberTurns::new(1);
        for user in 0..REMEMBERED as i64 {
            drop(turns.take(user).await);
        }
        assert_eq!(turns.remembered(), REMEMBERED);
        let _busy = turns.take(REMEMBERED as i64).await;
        assert_eq!(turns.remembered(), 1, "only the account in flight is kept");
    }
}
