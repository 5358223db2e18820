//! Automatic replica placement: Kafka's rack-unaware algorithm
//! (`AdminUtils.assignReplicasToBrokersRackUnaware`), bit for bit.

use crate::error::CommandError;
use crate::ids::{BrokerId, PartitionId};

/// Where each new partition's replicas go. `brokers` must be sorted by id,
/// as Kafka sorts the broker metadata before placing.
///
/// The first replica of partition `p` is broker `(p + start_index) % n`;
/// replica `j + 1` is `(first + 1 + (shift + j) % (n - 1)) % n`, and `shift`
/// grows by one every `n` partitions so later replicas spread out.
pub fn assign_replicas_to_brokers(
    brokers: &[BrokerId],
    partitions: i32,
    replication_factor: i32,
    start_index: u32,
    replica_shift: u32,
    start_partition_id: PartitionId,
) -> Result<Vec<Vec<BrokerId>>, CommandError> {
    if partitions <= 0 {
        return Err(CommandError::PartitionsNotPositive);
    }
    // Bounded before the allocation below (`place --partitions 2147483647`).
    if partitions > crate::limits::MAX_PARTITIONS_PER_TOPIC {
        return Err(CommandError::TooManyPartitions {
            requested: i64::from(partitions),
            limit: crate::limits::MAX_PARTITIONS_PER_TOPIC,
        });
    }
    if replication_factor <= 0 {
        return Err(CommandError::ReplicationFactorNotPositive);
    }
    let n = brokers.len() as i64;
    if i64::from(replication_factor) > n {
        return Err(CommandError::ReplicationFactorTooLarge {
            requested: replication_factor,
            available: n as i32,
        });
    }
    let start_index = i64::from(start_index) % n;
    let mut shift = i64::from(replica_shift);
    let first_id = i64::from(start_partition_id.max(0));
    let mut out = Vec::with_capacity(partitions as usize);
    for current in first_id..first_id + i64::from(partitions) {
        if current > 0 && current % n == 0 {
            shift += 1;
        }
        let first = (current + start_index) % n;
        let mut replicas = Vec::with_capacity(replication_factor as usize);
        replicas.push(brokers[first as usize]);
        for j in 0..i64::from(replication_factor) - 1 {
            let offset = 1 + (shift + j) % (n - 1);
            replicas.push(brokers[((first + offset) % n) as usize]);
        }
        out.push(replicas);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SPEC's vector: 5 brokers, 10 partitions, RF 3, start 0, shift 0.
    #[test]
    fn spec_test_vector() {
        let a = assign_replicas_to_brokers(&[0, 1, 2, 3, 4], 10, 3, 0, 0, 0).expect("valid");
        let holding = |replica: usize, broker: BrokerId| -> Vec<usize> {
            (0..10).filter(|&p| a[p][replica] == broker).collect()
        };
        for b in 0..5 {
            assert_eq!(
                holding(0, b),
                vec![b as usize, b as usize + 5],
                "first replicas on b{b}"
            );
        }
        let second = [[4, 8], [0, 9], [1, 5], [2, 6], [3, 7]];
        let third = [[3, 7], [4, 8], [0, 9], [1, 5], [2, 6]];
        for b in 0..5 {
            assert_eq!(
                holding(1, b as BrokerId),
                second[b].to_vec(),
                "second replicas on b{b}"
            );
            assert_eq!(
                holding(2, b as BrokerId),
                third[b].to_vec(),
                "third replicas on b{b}"
            );
        }
    }

    #[test]
    fn replication_factor_larger_than_brokers() {
        let err = assign_replicas_to_brokers(&[0, 1, 2], 1, 4, 0, 0, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Replication factor: 4 larger than available brokers: 3."
        );
    }

    #[test]
    fn no_repeats_within_a_partition() {
        for n in 1..8 {
            let brokers: Vec<BrokerId> = (0..n).collect();
            for rf in 1..=n {
                for start in 0..n as u32 {
                    let a = assign_replicas_to_brokers(&brokers, 20, rf, start, start, 0)
                        .expect("valid");
                    for replicas in a {
                        let mut s = replicas.clone();
                        s.sort_unstable();
                        s.dedup();
                        assert_eq!(s.len(), replicas.len());
                    }
                }
            }
        }
    }

    #[test]
    fn rejects_non_positive_counts() {
        assert!(assign_replicas_to_brokers(&[0], 0, 1, 0, 0, 0).is_err());
        assert!(assign_replicas_to_brokers(&[0], 1, 0, 0, 0, 0).is_err());
        assert!(assign_replicas_to_brokers(&[], 1, 1, 0, 0, 0).is_err());
    }
}
