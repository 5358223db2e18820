//! B-tree maps and sets built by inserting, not by `collect()`.
//!
//! `collect()` into a `BTreeMap`/`BTreeSet` sorts its input first, and every
//! call site gets its own copy of the sort in the wasm bundle (about 4 KB
//! each; SPEC §6 budgets the bundle). Inserting shares the `insert` each map
//! type already has. As with `collect()`, the last value of an equal key wins.

use std::collections::{BTreeMap, BTreeSet};

/// `items.into_iter().collect::<BTreeMap<_, _>>()`, without the sort.
pub fn map<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    m.extend(items);
    m
}

/// `items.into_iter().collect::<BTreeSet<_>>()`, without the sort.
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut s = BTreeSet::new();
    s.extend(items);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_collect_including_duplicate_keys() {
        let pairs = [(3, "c"), (1, "a"), (3, "z"), (2, "b"), (1, "y")];
        let collected: BTreeMap<_, _> = pairs.iter().copied().collect();
        assert_eq!(map(pairs), collected);
        assert_eq!(map(pairs)[&3], "z");
        let keys = [5, 1, 5, 3, 1];
        let collected: BTreeSet<_> = keys.iter().copied().collect();
        assert_eq!(set(keys), collected);
        assert!(map(Vec::<(i32, i32)>::new()).is_empty());
    }
}
