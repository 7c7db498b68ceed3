/**
 * Replaying the events log and checking a read model against it: the core of the operator's {@code verify}
 * and of the invariant checks the fault tests and the benchmark run.
 *
 * <ul>
 *   <li>{@link io.stocklog.verify.PartitionFold}: one partition's records folded in memory exactly as the
 *       projector decides them (same decoding and dead-lettering, same {@link io.stocklog.inventory.Inventory},
 *       same position stamps);
 *   <li>{@link io.stocklog.verify.LogReplay}: the events topic read from its first record with a plain
 *       consumer and folded, partition by partition, up to given offsets;
 *   <li>{@link io.stocklog.verify.ExpectedReadModel}: the rows the read model must hold after a sequence of
 *       outcomes, derived from the read model's documented rules without the writer's code;
 *   <li>{@link io.stocklog.verify.ReadModelDiff}: a read model's snapshot compared row by row with a replay of
 *       the log up to exactly the snapshot's positions;
 *   <li>{@link io.stocklog.verify.InvariantChecker}: the invariants (for every SKU {@code 0 <= reserved <=
 *       onHand}, {@code reserved} the sum of the live holds, the read model a fold of the log up to its position,
 *       every accepted command in the log once), as a list of violations.
 * </ul>
 */
package io.stocklog.verify;
