//! A stock snapshot and its canonical form.

use crate::digest::sha256_hex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counted quantities per SKU at one warehouse, at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Warehouse code, such as `HAM-1`.
    pub warehouse: String,
    /// RFC 3339 time of the count.
    pub counted_at: String,
    /// Quantity per SKU; a BTreeMap so the canonical JSON has a stable key order.
    pub counts: BTreeMap<String, u64>,
}

impl Snapshot {
    /// The content id: SHA-256 of the canonical JSON.
    pub fn id(&self) -> anyhow::Result<String> {
        Ok(sha256_hex(&serde_json::to_vec(self)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_depends_only_on_content() {
        let mut counts = BTreeMap::new();
        counts.insert("SKU-10042".to_string(), 12);
        counts.insert("SKU-10043".to_string(), 0);
        let a = Snapshot { warehouse: "HAM-1".into(), counted_at: "2024-06-01T06:00:00Z".into(), counts };
        let b = a.clone();
        assert_eq!(a.id().unwrap(), b.id().unwrap());
        assert_eq!(a.id().unwrap().len(), 64);
    }
}
