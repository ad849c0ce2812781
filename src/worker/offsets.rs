//! Ordered offset tracking: which offset of each partition may be committed, when messages
//! are processed concurrently and their outputs are acknowledged in any order.
//!
//! Messages are registered in the order the consumer hands them out (ascending offsets per
//! partition, possibly with gaps: compaction, transaction markers). Each one is finished when
//! its output is acknowledged. The commit point of a partition is the lowest offset still
//! pending, or one past the last registered offset when nothing is pending: never past an
//! unacknowledged message, whatever order the acknowledgements come in.
//!
//! A partition's state carries an *epoch*, renewed on every assignment and rewind: a task
//! still running for a revoked (or rewound) partition finishes into the void instead of
//! moving the commit point of the partition's next owner-epoch.

use std::collections::{BTreeMap, BTreeSet};

/// A topic and partition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tp {
    pub topic: String,
    pub partition: i32,
}

impl Tp {
    pub fn new(topic: impl Into<String>, partition: i32) -> Tp {
        Tp {
            topic: topic.into(),
            partition,
        }
    }
}

/// Proof that a message was registered; given back when its output is acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub tp: Tp,
    pub offset: i64,
    epoch: u64,
}

#[derive(Debug, Default)]
struct PartitionState {
    epoch: u64,
    /// Registered, not yet finished.
    pending: BTreeSet<i64>,
    /// The highest registered offset.
    last_registered: Option<i64>,
    /// The first offset registered in this epoch: where a rewind goes when nothing was
    /// committed yet.
    first_registered: Option<i64>,
    /// The commit point last handed to the consumer (stored or committed).
    stored: Option<i64>,
    /// The commit point of the last successful commit (exactly-once: transaction commit).
    committed: Option<i64>,
    /// A finished message failed (exactly-once: its transaction must abort).
    failed: bool,
}

impl PartitionState {
    fn commit_point(&self) -> Option<i64> {
        match self.pending.first() {
            Some(&lowest) => {
                // Everything registered below `lowest` is finished; if nothing is, there is
                // nothing new to commit.
                match self.first_registered {
                    Some(first) if lowest > first => Some(lowest),
                    _ => self.committed.or(self.stored),
                }
            }
            None => self.last_registered.map(|o| o + 1),
        }
    }
}

/// Per-partition pending offsets and commit points.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    partitions: BTreeMap<Tp, PartitionState>,
    next_epoch: u64,
}

impl OffsetTracker {
    pub fn new() -> OffsetTracker {
        OffsetTracker::default()
    }

    /// Starts tracking `tp` afresh (assignment): a new epoch, nothing pending.
    pub fn assign(&mut self, tp: Tp) {
        self.next_epoch += 1;
        self.partitions.insert(
            tp,
            PartitionState {
                epoch: self.next_epoch,
                ..PartitionState::default()
            },
        );
    }

    /// Stops tracking `tp` (revocation). Later finishes of its tickets are ignored.
    pub fn revoke(&mut self, tp: &Tp) {
        self.partitions.remove(tp);
    }

    /// Forgets pending work of `tp` and renews its epoch, keeping what was committed
    /// (exactly-once abort). Returns where consumption must resume: the last committed point,
    /// or the first offset registered when nothing was committed yet.
    pub fn rewind(&mut self, tp: &Tp) -> Option<i64> {
        self.next_epoch += 1;
        let epoch = self.next_epoch;
        let state = self.partitions.get_mut(tp)?;
        let resume = state.committed.or(state.first_registered);
        *state = PartitionState {
            epoch,
            committed: state.committed,
            stored: state.committed,
            ..PartitionState::default()
        };
        resume
    }

    /// Registers a consumed message. Offsets of one partition must come in ascending order;
    /// an unknown partition is assigned on the fly (a message can precede the callback that
    /// announces its assignment only in manual assignment, but be safe).
    pub fn register(&mut self, tp: Tp, offset: i64) -> Ticket {
        if !self.partitions.contains_key(&tp) {
            self.assign(tp.clone());
        }
        let state = self.partitions.entry(tp.clone()).or_default();
        state.pending.insert(offset);
        state.last_registered = Some(state.last_registered.map_or(offset, |o| o.max(offset)));
        if state.first_registered.is_none() {
            state.first_registered = Some(offset);
        }
        Ticket {
            tp,
            offset,
            epoch: state.epoch,
        }
    }

    /// Marks a message finished (its output acknowledged, or, with `ok == false`, failed).
    /// Returns false if the ticket belongs to a revoked or rewound epoch.
    pub fn finish(&mut self, ticket: &Ticket, ok: bool) -> bool {
        match self.partitions.get_mut(&ticket.tp) {
            Some(state) if state.epoch == ticket.epoch => {
                let was_pending = state.pending.remove(&ticket.offset);
                if !ok {
                    state.failed = true;
                }
                was_pending
            }
            _ => false,
        }
    }

    /// Whether the ticket's partition is still tracked in the ticket's epoch (not revoked,
    /// not rewound since).
    pub fn is_current(&self, ticket: &Ticket) -> bool {
        self.partitions
            .get(&ticket.tp)
            .is_some_and(|s| s.epoch == ticket.epoch)
    }

    /// The offset that may be committed for `tp` (the next offset to consume), if any.
    pub fn commit_point(&self, tp: &Tp) -> Option<i64> {
        self.partitions
            .get(tp)
            .and_then(PartitionState::commit_point)
    }

    /// Commit points that moved since they were last taken, marking them stored.
    pub fn take_new_commit_points(&mut self) -> Vec<(Tp, i64)> {
        let mut out = Vec::new();
        for (tp, state) in self.partitions.iter_mut() {
            if let Some(point) = state.commit_point() {
                if state.stored.is_none_or(|s| point > s) {
                    state.stored = Some(point);
                    out.push((tp.clone(), point));
                }
            }
        }
        out
    }

    /// Current commit points of every partition that has one.
    pub fn commit_points(&self) -> Vec<(Tp, i64)> {
        self.partitions
            .iter()
            .filter_map(|(tp, s)| s.commit_point().map(|p| (tp.clone(), p)))
            .collect()
    }

    /// The point last committed for `tp` (exactly-once).
    pub fn committed_point(&self, tp: &Tp) -> Option<i64> {
        self.partitions.get(tp).and_then(|s| s.committed)
    }

    /// Records that the commit points were committed (exactly-once transaction committed).
    pub fn mark_committed(&mut self, points: &[(Tp, i64)]) {
        for (tp, point) in points {
            if let Some(state) = self.partitions.get_mut(tp) {
                state.committed = Some(*point);
                state.stored = Some(*point);
            }
        }
    }

    /// Messages pending in `tps` (all partitions if `None`).
    pub fn pending(&self, tps: Option<&[Tp]>) -> usize {
        match tps {
            None => self.partitions.values().map(|s| s.pending.len()).sum(),
            Some(tps) => tps
                .iter()
                .filter_map(|tp| self.partitions.get(tp))
                .map(|s| s.pending.len())
                .sum(),
        }
    }

    /// Whether any finished message failed since the last rewind.
    pub fn any_failed(&self) -> bool {
        self.partitions.values().any(|s| s.failed)
    }

    /// Whether anything was registered since the last commit (a transaction has content).
    pub fn has_uncommitted(&self) -> bool {
        self.partitions
            .values()
            .any(|s| s.last_registered.is_some() && s.commit_point() != s.committed)
    }

    /// Whether a transaction holds anything: registered work not yet committed, or pending.
    pub fn has_uncommitted_or_pending(&self) -> bool {
        self.pending(None) > 0 || self.has_uncommitted()
    }

    /// The partitions tracked.
    pub fn partitions(&self) -> Vec<Tp> {
        self.partitions.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tp() -> Tp {
        Tp::new("t", 0)
    }

    #[test]
    fn commit_point_waits_for_the_lowest_pending() {
        let mut t = OffsetTracker::new();
        t.assign(tp());
        let a = t.register(tp(), 10);
        let b = t.register(tp(), 11);
        let c = t.register(tp(), 15); // a gap (compaction, control record)
        assert_eq!(t.commit_point(&tp()), None);
        assert!(t.finish(&b, true));
        assert_eq!(t.commit_point(&tp()), None);
        assert!(t.finish(&a, true));
        assert_eq!(t.commit_point(&tp()), Some(15));
        assert!(t.finish(&c, true));
        assert_eq!(t.commit_point(&tp()), Some(16));
        assert_eq!(t.take_new_commit_points(), vec![(tp(), 16)]);
        assert_eq!(t.take_new_commit_points(), vec![]);
    }

    #[test]
    fn revoked_epochs_are_ignored() {
        let mut t = OffsetTracker::new();
        t.assign(tp());
        let old = t.register(tp(), 5);
        t.revoke(&tp());
        t.assign(tp());
        let new = t.register(tp(), 5);
        assert!(!t.finish(&old, true));
        assert_eq!(t.commit_point(&tp()), None);
        assert!(t.finish(&new, true));
        assert_eq!(t.commit_point(&tp()), Some(6));
    }

    #[test]
    fn rewind_returns_to_the_committed_point() {
        let mut t = OffsetTracker::new();
        t.assign(tp());
        let a = t.register(tp(), 0);
        t.finish(&a, true);
        let points = t.commit_points();
        t.mark_committed(&points);
        let b = t.register(tp(), 1);
        let _c = t.register(tp(), 2);
        t.finish(&b, false);
        assert!(t.any_failed());
        assert_eq!(t.rewind(&tp()), Some(1));
        assert!(!t.any_failed());
        assert_eq!(t.pending(None), 0);
        assert!(!t.finish(&b, true));
        // Nothing committed yet: rewind goes to the first offset seen.
        let mut t = OffsetTracker::new();
        t.register(tp(), 7);
        assert_eq!(t.rewind(&tp()), Some(7));
    }

    proptest! {
        /// Whatever order acknowledgements arrive in, the commit point is exactly the lowest
        /// unacknowledged offset (or one past the last when all are acknowledged), never
        /// beyond it, and never moves backwards.
        #[test]
        fn commit_point_never_passes_an_unacked_message(
            gaps in proptest::collection::vec(1i64..4, 1..60),
            order in Just(()).prop_perturb(|_, mut rng| {
                let mut v: Vec<usize> = (0..60).collect();
                for i in (1..v.len()).rev() {
                    let j = (rng.next_u32() as usize) % (i + 1);
                    v.swap(i, j);
                }
                v
            }),
        ) {
            let mut t = OffsetTracker::new();
            let mut offset = 100i64;
            let mut tickets = Vec::new();
            for g in &gaps {
                tickets.push(t.register(tp(), offset));
                offset += g;
            }
            let last = tickets.last().map(|t| t.offset).unwrap();
            let mut acked = vec![false; tickets.len()];
            let mut previous: Option<i64> = None;
            for &i in order.iter().filter(|&&i| i < tickets.len()) {
                prop_assert!(t.finish(&tickets[i], true));
                acked[i] = true;
                let lowest_unacked = tickets
                    .iter()
                    .zip(&acked)
                    .find(|(_, a)| !**a)
                    .map(|(tk, _)| tk.offset);
                let point = t.commit_point(&tp());
                match lowest_unacked {
                    Some(lowest) => {
                        if let Some(p) = point {
                            prop_assert!(p <= lowest);
                            prop_assert_eq!(p, lowest);
                        } else {
                            prop_assert_eq!(lowest, tickets[0].offset);
                        }
                    }
                    None => prop_assert_eq!(point, Some(last + 1)),
                }
                if let (Some(prev), Some(p)) = (previous, point) {
                    prop_assert!(p >= prev);
                }
                if point.is_some() {
                    previous = point;
                }
                for (_, p) in t.take_new_commit_points() {
                    if let Some(lowest) = lowest_unacked {
                        prop_assert!(p <= lowest);
                    }
                }
            }
        }
    }
}
