//! The admin server (being built).
