//! Cross-crate integration tests of IGNY8 live in `tests/`.
