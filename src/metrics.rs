//! Metrics (being built).
