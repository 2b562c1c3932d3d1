//! Workspace integration test helpers (filled by the server and device issues).
