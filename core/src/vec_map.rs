//! A small ordered map kept as a sorted `Vec`, for maps of a handful of
//! entries (topics, groups, members, brokers, replicas).
//!
//! Why not `BTreeMap`: each `BTreeMap<K, V>` pair type brings its own copy of
//! the B-tree's insert, remove and rebalancing code, 3–6 KB per type in the
//! wasm bundle (SPEC §6 budgets it). A sorted `Vec` costs a binary search and
//! a memmove per type. Iteration is in key order and `Debug` prints what
//! `BTreeMap` prints, so traces (hashed from `Debug`) do not change.
//! Insert and remove are O(n): keep this to maps of tens of entries.

use std::borrow::Borrow;
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

type Pairs<'a, K, V> =
    std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
type PairsMut<'a, K, V> =
    std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn iter(&self) -> Pairs<'_, K, V> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> PairsMut<'_, K, V> {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.0.into_iter().map(|(_, v)| v)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.0.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.0.last().map(|(k, v)| (k, v))
    }

    /// Keeps the entries `keep` returns true for, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: ?Sized + Ord>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: ?Sized + Ord>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut<Q: ?Sized + Ord>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key<Q: ?Sized + Ord>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// As `BTreeMap::insert`: the old value of an equal key is returned (the
    /// key itself is kept).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: ?Sized + Ord>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    /// Index of the first entry whose key is not below `key`.
    fn lower_bound(&self, key: &K) -> usize {
        self.0.partition_point(|(k, _)| k < key)
    }

    /// The entries with keys in `start..end`, in order (empty if `end <= start`).
    pub fn range(&self, start: &K, end: &K) -> Pairs<'_, K, V> {
        let lo = self.lower_bound(start);
        let hi = self.lower_bound(end).max(lo);
        self.0[lo..hi].iter().map(|(k, v)| (k, v))
    }

    /// The entries with keys from `start` on, in order.
    pub fn range_from(&self, start: &K) -> Pairs<'_, K, V> {
        self.0[self.lower_bound(start)..]
            .iter()
            .map(|(k, v)| (k, v))
    }

    /// As `BTreeMap::split_off`: moves the entries at `key` and above out.
    pub fn split_off(&mut self, key: &K) -> Self {
        let at = self.lower_bound(key);
        Self(self.0.split_off(at))
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }
}

/// `BTreeMap`'s entry, reduced to what streamlab uses.
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.0.insert(i, (self.key, make()));
                i
            }
        };
        &mut self.map.0[i].1
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(self, f: impl FnOnce(&mut V)) -> Self {
        if let Ok(i) = self.at {
            f(&mut self.map.0[i].1);
        }
        self
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut m = Self::new();
        m.extend(items);
        m
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(items: [(K, V); N]) -> Self {
        items.into_iter().collect()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Pairs<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = PairsMut<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// `map[&key]`, as on `BTreeMap`: panics when the key is missing, so only
/// for keys known to be there (tests, mostly).
impl<K: Ord + Borrow<Q>, Q: ?Sized + Ord, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry found for key"),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// Read as a `BTreeMap` reads (a map, any order, a later duplicate wins).
impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>> serde::Deserialize<'de>
    for VecMap<K, V>
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        std::collections::BTreeMap::<K, V>::deserialize(d).map(|m| Self(m.into_iter().collect()))
    }
}

/// The set counterpart of [`VecMap`]: a sorted `Vec` without duplicates.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VecSet<T>(Vec<T>);

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.0.last()
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep);
    }
}

impl<T: Ord> VecSet<T> {
    pub fn contains<Q: ?Sized + Ord>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.binary_search_by(|v| v.borrow().cmp(value)).is_ok()
    }

    /// False if the value was already there (the old one is kept).
    pub fn insert(&mut self, value: T) -> bool {
        match self.0.binary_search(&value) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, value);
                true
            }
        }
    }

    pub fn remove<Q: ?Sized + Ord>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.0.binary_search_by(|v| v.borrow().cmp(value)) {
            Ok(i) => {
                self.0.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Values in `self` and not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.0.iter().filter(move |v| !other.contains(*v))
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut s = Self::new();
        s.extend(items);
        s
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for v in items {
            self.insert(v);
        }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.iter()).finish()
    }
}

impl<T: serde::Serialize> serde::Serialize for VecSet<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// `range`, `range_from` and `split_off` select what `BTreeMap`'s do,
    /// for bounds on, between and outside the keys.
    #[test]
    fn ranges_and_split_off_like_btreemap() {
        let keys = [2, 3, 5, 8, 13];
        let v: VecMap<i32, i32> = keys.iter().map(|&k| (k, k * 10)).collect();
        let b: BTreeMap<i32, i32> = keys.iter().map(|&k| (k, k * 10)).collect();
        for start in 0..15 {
            assert!(v.range_from(&start).eq(b.range(start..)), "{start}..");
            for end in start..16 {
                assert!(
                    v.range(&start, &end).eq(b.range(start..end)),
                    "{start}..{end}"
                );
            }
            let (mut v2, mut b2) = (v.clone(), b.clone());
            let (vt, bt) = (v2.split_off(&start), b2.split_off(&start));
            assert!(
                v2.iter().eq(b2.iter()) && vt.iter().eq(bt.iter()),
                "split {start}"
            );
        }
        assert_eq!(v.range(&9, &4).count(), 0);
    }

    #[test]
    fn serde_round_trip_sorts_keys() {
        let v: VecMap<String, i32> =
            serde_json::from_str(r#"{"b":2,"a":1,"c":3}"#).expect("a JSON map");
        assert_eq!(v.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(
            serde_json::to_string(&v).expect("serialises"),
            r#"{"a":1,"b":2,"c":3}"#
        );
    }

    /// The same operations on a `VecMap` and a `BTreeMap` leave the same
    /// entries, in the same order, printed the same way.
    #[test]
    fn behaves_like_btreemap() {
        let mut v = VecMap::new();
        let mut b = BTreeMap::new();
        let ops: [(&str, i32); 9] = [
            ("m", 1),
            ("c", 2),
            ("x", 3),
            ("c", 4),
            ("a", 5),
            ("-x", 0),
            ("z", 6),
            ("-q", 0),
            ("b", 7),
        ];
        for (k, val) in ops {
            if let Some(k) = k.strip_prefix('-') {
                assert_eq!(v.remove(k), b.remove(k));
            } else {
                assert_eq!(v.insert(k.to_string(), val), b.insert(k.to_string(), val));
            }
        }
        *v.entry("n".to_string()).or_default() += 10;
        *b.entry("n".to_string()).or_default() += 10;
        *v.entry("a".to_string()).or_insert(0) += 1;
        *b.entry("a".to_string()).or_insert(0) += 1;
        v.retain(|k, _| k != "b");
        b.retain(|k, _| k != "b");
        assert_eq!(format!("{v:?}"), format!("{b:?}"));
        assert!(v.iter().eq(b.iter()));
        assert_eq!(v.get("c"), Some(&4));
        assert_eq!(v.get("q"), None);
        assert_eq!(v.len(), b.len());
        assert_eq!(v.first_key_value(), b.first_key_value());
        assert_eq!(v.last_key_value(), b.last_key_value());
        assert_eq!(
            serde_json::to_string(&v).expect("serializes"),
            serde_json::to_string(&b).expect("serializes")
        );
    }
    #[test]
    fn set_behaves_like_btreeset() {
        use std::collections::BTreeSet;
        let mut v = VecSet::new();
        let mut b = BTreeSet::new();
        for x in [5, 1, 9, 5, 3, 7, 1] {
            assert_eq!(v.insert(x), b.insert(x));
        }
        assert_eq!(v.remove(&9), b.remove(&9));
        assert_eq!(v.remove(&4), b.remove(&4));
        assert_eq!(format!("{v:?}"), format!("{b:?}"));
        assert!(v.iter().eq(b.iter()));
        let w: VecSet<i32> = [3, 8].into();
        let bw: BTreeSet<i32> = [3, 8].into();
        assert!(v.difference(&w).eq(b.difference(&bw)));
        assert!(v.contains(&7) && !v.contains(&8));
        assert_eq!(
            serde_json::to_string(&v).expect("serializes"),
            serde_json::to_string(&b).expect("serializes")
        );
    }
}
