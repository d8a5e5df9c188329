//! Content-addressed stock snapshots: a snapshot is identified by the SHA-256 of its canonical
//! JSON, so two warehouses that count the same stock agree on the id without talking.

pub mod digest;
pub mod snapshot;
