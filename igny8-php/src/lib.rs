//! IGNY8 inside WordPress.
