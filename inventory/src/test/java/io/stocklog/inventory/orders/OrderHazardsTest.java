package io.stocklog.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.events.Event;
import io.stocklog.events.Events;
import io.stocklog.events.OrderConfirmed;
import io.stocklog.events.OrderPlaced;
import io.stocklog.inventory.Reservation;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.OrderOutcome;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hazards issue 14 names, one test each (and a few more the design brings), on a cluster of three partitions
 * where the two SKUs and the order each live in a partition of their own, so every message between them is a record
 * in the log and each partition's clock can be moved on its own.
 */
class OrderHazardsTest {

  private static final Instant T0 = Cluster.T0;

  private final Cluster cluster = new Cluster(3);
  private final String a = keyIn(0, "sku-a");
  private final String b = keyIn(1, "sku-b");
  private final String order = keyIn(2, "o");

  private String keyIn(int partition, String prefix) {
    for (int i = 0; ; i++) {
      if (cluster.partitionOf(prefix + i) == partition) {
        return prefix + i;
      }
    }
  }

  private void stock(String sku, long units) {
    cluster.append(Events.received(sku, "r-" + sku, units, T0));
  }

  private OrderPlaced place(String orderId, int holdSeconds, Instant at, Object... skuAndQuantity) {
    List<OrderPlaced.Line> lines = new java.util.ArrayList<>();
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      lines.add(new OrderPlaced.Line((String) skuAndQuantity[i], ((Number) skuAndQuantity[i + 1]).longValue()));
    }
    OrderPlaced placed = Events.placed(orderId, holdSeconds, lines, at);
    cluster.append(placed);
    return placed;
  }

  /** The one decision a request got: neither the order's expiry nor the PENDING a new order shows at once. */
  private OrderOutcome answer(Event request) {
    List<OrderOutcome> answers = cluster.answersTo(request.eventId()).stream()
        .filter(o -> o.decision() != Decision.EXPIRED && o.decision() != Decision.PENDING).toList();
    assertThat(answers).as("one answer to %s", request).hasSize(1);
    return answers.getFirst();
  }

  private ReservationStatus lineStatus(String sku) {
    return cluster.line(sku, order).status();
  }

  private long reserved(String sku) {
    return cluster.stock().get(sku).reserved();
  }

  private void heldOrderOnAAndB() {
    stock(a, 5);
    stock(b, 5);
    OrderPlaced placed = place(order, 60, T0, a, 1, b, 1);
    cluster.settle();
    assertThat(answer(placed).decision()).isEqualTo(Decision.HELD);
    assertThat(lineStatus(a)).isEqualTo(ReservationStatus.HELD);
    assertThat(lineStatus(b)).isEqualTo(ReservationStatus.HELD);
  }

  @Test
  void aLinePartitionWhoseClockRanPastTheDeadlineMakesTheConfirmExpireTheWholeOrderNotHalfOfIt() {
    heldOrderOnAAndB();
    // B's partition leads: its clock passes the deadline, so its line expires there; the coordinator's has not.
    cluster.tick(1, T0.plusSeconds(61));
    cluster.settle();
    assertThat(lineStatus(b)).isEqualTo(ReservationStatus.EXPIRED);

    OrderConfirmed confirm = Events.orderConfirmed(order, T0.plusSeconds(30));
    cluster.append(confirm);
    cluster.settle();

    OrderOutcome answer = answer(confirm);
    assertThat(answer.decision()).isEqualTo(Decision.REJECTED);
    assertThat(answer.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(answer.status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(lineStatus(a)).as("A was prepared, then released").isEqualTo(ReservationStatus.CANCELLED);
    assertThat(lineStatus(b)).isEqualTo(ReservationStatus.EXPIRED);
    assertThat(reserved(a)).isZero();
    assertThat(reserved(b)).isZero();
    assertThat(cluster.stock().get(a).onHand()).as("nothing of A left").isEqualTo(5);
  }

  @Test
  void aConfirmDecidedBeforeTheDeadlineConfirmsEveryLineEvenWhenTheirClocksPassTheDeadlineMeanwhile() {
    heldOrderOnAAndB();
    OrderConfirmed confirm = Events.orderConfirmed(order, T0.plusSeconds(59));
    cluster.append(confirm);
    cluster.process(2, Integer.MAX_VALUE, false); // the coordinator decides: prepare every line
    cluster.process(0, Integer.MAX_VALUE, false);
    cluster.process(1, Integer.MAX_VALUE, false); // both prepared, reports on their way
    // Both line partitions pass the deadline before the coordinator has even sent the confirms.
    cluster.tick(0, T0.plusSeconds(120));
    cluster.tick(1, T0.plusSeconds(120));
    cluster.process(0, Integer.MAX_VALUE, false);
    cluster.process(1, Integer.MAX_VALUE, false);
    assertThat(lineStatus(a)).as("a prepared line does not expire").isEqualTo(ReservationStatus.PREPARED);
    assertThat(reserved(a)).isEqualTo(1);
    cluster.settle(); // the reports reach the coordinator, which confirms every line

    assertThat(answer(confirm).decision()).isEqualTo(Decision.CONFIRMED);
    assertThat(cluster.order(order).status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(lineStatus(a)).isEqualTo(ReservationStatus.CONFIRMED);
    assertThat(lineStatus(b)).isEqualTo(ReservationStatus.CONFIRMED);
    assertThat(cluster.stock().get(a).onHand()).isEqualTo(4);
    assertThat(cluster.stock().get(b).onHand()).isEqualTo(4);
  }

  @Test
  void aCoordinatorThatStopsAfterAskingForTheHoldsStrandsNothingPastTheHold() {
    stock(a, 5);
    stock(b, 5);
    place(order, 60, T0, a, 2, b, 3);
    cluster.process(2, Integer.MAX_VALUE, true); // crashed mid-transaction: nothing went out
    cluster.process(2, Integer.MAX_VALUE, false); // the redo appends the same holds (the cluster checks it)
    cluster.process(0, Integer.MAX_VALUE, false);
    cluster.process(1, Integer.MAX_VALUE, false);
    assertThat(reserved(a)).isEqualTo(2);
    assertThat(reserved(b)).isEqualTo(3);
    // The coordinator never runs again. The lines carry the order's deadline and expire by their own clocks.
    cluster.tick(0, T0.plusSeconds(59));
    cluster.tick(1, T0.plusSeconds(59));
    cluster.process(0, Integer.MAX_VALUE, false);
    cluster.process(1, Integer.MAX_VALUE, false);
    assertThat(reserved(a)).as("still within the hold").isEqualTo(2);

    cluster.tick(0, T0.plusSeconds(60));
    cluster.tick(1, T0.plusSeconds(60));
    cluster.process(0, Integer.MAX_VALUE, false);
    cluster.process(1, Integer.MAX_VALUE, false);

    assertThat(reserved(a)).isZero();
    assertThat(reserved(b)).isZero();
    assertThat(lineStatus(a)).isEqualTo(ReservationStatus.EXPIRED);
  }

  @Test
  void aNewOrderIsPendingAtOnceWithItsLinesUndecidedThenDecided() {
    stock(a, 5);
    stock(b, 5);
    OrderPlaced placed = place(order, 60, T0, a, 1, b, 2, a, 1);
    cluster.process(2, Integer.MAX_VALUE, false); // the coordinator only: no line has answered yet

    List<OrderOutcome> first = cluster.answersTo(placed.eventId());
    assertThat(first).hasSize(1);
    OrderOutcome pending = first.getFirst();
    assertThat(pending).extracting(OrderOutcome::eventType, OrderOutcome::decision, OrderOutcome::status,
        OrderOutcome::reason, OrderOutcome::expiresAt, OrderOutcome::duplicate)
        .containsExactly(OrderPlaced.TYPE, Decision.PENDING, OrderStatus.PENDING, null, null, false);
    assertThat(pending.lines()).containsExactly(
        new OrderOutcome.Line(a, 2, null, null, null), new OrderOutcome.Line(b, 2, null, null, null));

    cluster.settle();
    assertThat(cluster.answersTo(placed.eventId())).extracting(OrderOutcome::decision)
        .containsExactly(Decision.PENDING, Decision.HELD);
  }

  @Test
  void linesOfTheSameSkuCountTogether() {
    stock(a, 3);
    OrderPlaced tooMuch = place(order, 60, T0, a, 2, a, 2);
    OrderPlaced fits = place(keyIn(2, "o-fits"), 60, T0, a, 1, a, 2);
    cluster.settle();

    OrderOutcome rejected = answer(tooMuch);
    assertThat(rejected.decision()).isEqualTo(Decision.REJECTED);
    assertThat(rejected.reason()).isEqualTo(Reason.OUT_OF_STOCK);
    assertThat(rejected.lines()).containsExactly(
        new OrderOutcome.Line(a, 4, ReservationStatus.REJECTED, Reason.OUT_OF_STOCK, 3L));
    OrderOutcome held = answer(fits);
    assertThat(held.decision()).isEqualTo(Decision.HELD);
    assertThat(held.lines()).extracting(OrderOutcome.Line::quantity).containsExactly(3L);
    assertThat(reserved(a)).isEqualTo(3);
  }

  @Test
  void aRepeatedOrderPlacedYieldsTheFirstOutcomeAndHoldsNothingMore() {
    stock(a, 5);
    stock(b, 5);
    OrderPlaced placed = place(order, 60, T0, a, 1, b, 2);
    cluster.append(placed); // delivered twice before it is decided
    cluster.settle();
    cluster.append(placed); // and once more after
    OrderPlaced sameBody = Events.placed(order, 60, placed.lines(), T0.plusSeconds(1));
    cluster.append(sameBody);
    OrderPlaced another = Events.placed(order, 60, List.of(new OrderPlaced.Line(a, 5)), T0.plusSeconds(1));
    cluster.append(another);
    cluster.settle();

    List<OrderOutcome> answers = cluster.answersTo(placed.eventId());
    assertThat(answers).extracting(OrderOutcome::decision)
        .containsExactly(Decision.PENDING, Decision.HELD, Decision.HELD, Decision.HELD);
    assertThat(answers).extracting(OrderOutcome::duplicate).containsExactly(false, false, true, true);
    assertThat(answer(sameBody)).extracting(OrderOutcome::decision, OrderOutcome::duplicate)
        .containsExactly(Decision.HELD, true);
    assertThat(answer(another)).extracting(OrderOutcome::decision, OrderOutcome::reason)
        .containsExactly(Decision.REJECTED, Reason.ID_CONFLICT);
    assertThat(reserved(a)).isEqualTo(1);
    assertThat(reserved(b)).isEqualTo(2);
  }

  @Test
  void aConfirmThatReachesTheCoordinatorBeforeItsClockPassesTheDeadlineWins() {
    heldOrderOnAAndB();
    OrderConfirmed confirm = Events.orderConfirmed(order, T0.plusSeconds(59));
    cluster.append(confirm);
    cluster.tick(2, T0.plusSeconds(61)); // the tick is behind the confirm in the coordinator's log
    cluster.settle();

    assertThat(answer(confirm).decision()).isEqualTo(Decision.CONFIRMED);
    assertThat(List.of(lineStatus(a), lineStatus(b))).containsOnly(ReservationStatus.CONFIRMED);
  }

  @Test
  void aConfirmThatReachesTheCoordinatorAfterItsClockPassedTheDeadlineFindsTheOrderExpiredAndNoLineConfirmed() {
    heldOrderOnAAndB();
    cluster.tick(2, T0.plusSeconds(61)); // the tick is ahead of the confirm in the coordinator's log
    OrderConfirmed confirm = Events.orderConfirmed(order, T0.plusSeconds(59));
    cluster.append(confirm);
    cluster.settle();
    assertThat(answer(confirm)).extracting(OrderOutcome::decision, OrderOutcome::reason, OrderOutcome::status)
        .containsExactly(Decision.REJECTED, Reason.EXPIRED, OrderStatus.EXPIRED);
    assertThat(reserved(a)).as("A's partition has not reached the deadline yet").isEqualTo(1);

    cluster.tickAllAndSettle(T0.plusSeconds(61));

    assertThat(List.of(lineStatus(a), lineStatus(b))).containsOnly(ReservationStatus.EXPIRED);
    assertThat(reserved(a) + reserved(b)).isZero();
  }

  @Test
  void aCancelOfARejectedOrderIsRefusedAsNotHeldAndChangesNothing() {
    stock(a, 5);
    stock(b, 1);
    OrderPlaced placed = place(order, 60, T0, a, 2, b, 2);
    cluster.settle();
    assertThat(answer(placed).decision()).isEqualTo(Decision.REJECTED);
    assertThat(lineStatus(a)).as("held, then released").isEqualTo(ReservationStatus.CANCELLED);

    Event cancel = Events.orderCancelled(order, T0.plusSeconds(1));
    cluster.append(cancel);
    cluster.settle();

    assertThat(answer(cancel)).extracting(OrderOutcome::decision, OrderOutcome::reason, OrderOutcome::status)
        .containsExactly(Decision.REJECTED, Reason.NOT_HELD, OrderStatus.REJECTED);
    assertThat(reserved(a)).isZero();
    assertThat(reserved(b)).isZero();
  }

  @Test
  void anOrderIdAlreadyUsedByAReservationOnOneOfItsSkusRejectsThatLineAndLeavesTheReservationAlone() {
    stock(a, 5);
    stock(b, 5);
    cluster.append(Events.requested(a, order, 2, 600, T0));
    OrderPlaced placed = place(order, 60, T0, a, 1, b, 1);
    cluster.settle();

    OrderOutcome answer = answer(placed);
    assertThat(answer.decision()).isEqualTo(Decision.REJECTED);
    assertThat(answer.reason()).isEqualTo(Reason.ID_CONFLICT);
    assertThat(answer.lines()).extracting(OrderOutcome.Line::sku, OrderOutcome.Line::status, OrderOutcome.Line::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(a, ReservationStatus.REJECTED, Reason.ID_CONFLICT),
            org.assertj.core.groups.Tuple.tuple(b, ReservationStatus.CANCELLED, null));
    Reservation reservation = cluster.line(a, order);
    assertThat(reservation.line()).isFalse();
    assertThat(reservation.status()).isEqualTo(ReservationStatus.HELD);
    assertThat(reserved(a)).isEqualTo(2);
    assertThat(reserved(b)).isZero();
  }

  @Test
  void aSingleSkuConfirmOfAnOrdersLineIsRefusedSoNoLineMovesWithoutItsOrder() {
    heldOrderOnAAndB();
    cluster.append(Events.confirmed(a, order, T0.plusSeconds(1)));
    cluster.append(Events.cancelled(b, order, T0.plusSeconds(1)));
    cluster.settle();

    assertThat(lineStatus(a)).isEqualTo(ReservationStatus.HELD);
    assertThat(lineStatus(b)).isEqualTo(ReservationStatus.HELD);
    assertThat(cluster.stock().get(a).onHand()).isEqualTo(5);
  }

  @Test
  void requestsThatArriveWhileAStepIsUnderWayAreAnsweredInOrderOnceItEnds() {
    heldOrderOnAAndB();
    OrderConfirmed confirm = Events.orderConfirmed(order, T0.plusSeconds(1));
    Event cancel = Events.orderCancelled(order, T0.plusSeconds(1));
    cluster.append(confirm);
    cluster.append(cancel);
    cluster.settle();

    assertThat(answer(confirm).decision()).isEqualTo(Decision.CONFIRMED);
    assertThat(answer(cancel)).extracting(OrderOutcome::decision, OrderOutcome::reason)
        .containsExactly(Decision.REJECTED, Reason.ALREADY_CONFIRMED);
  }

  @Test
  void pastSixtyFourWaitingRequestsAnOrderAnswersBusy() {
    heldOrderOnAAndB();
    cluster.append(Events.orderConfirmed(order, T0.plusSeconds(1)));
    List<Event> waiting = new java.util.ArrayList<>();
    for (int i = 0; i < OrderFold.MAX_QUEUED + 1; i++) {
      Event e = Events.orderExtended(order, 60, T0.plusSeconds(1));
      waiting.add(e);
      cluster.append(e);
    }
    cluster.settle();

    assertThat(answer(waiting.getLast())).extracting(OrderOutcome::reason).isEqualTo(Reason.ORDER_BUSY);
    assertThat(answer(waiting.getFirst())).extracting(OrderOutcome::reason).isEqualTo(Reason.ALREADY_CONFIRMED);
  }

  @Test
  void anExtendedOrderOutlivesItsFirstDeadlineOnEveryLine() {
    heldOrderOnAAndB();
    Event extend = Events.orderExtended(order, 120, T0.plusSeconds(30));
    cluster.append(extend);
    cluster.settle();
    assertThat(answer(extend).decision()).isEqualTo(Decision.EXTENDED);

    cluster.tickAllAndSettle(T0.plusSeconds(100));
    assertThat(cluster.order(order).status()).isEqualTo(OrderStatus.HELD);
    assertThat(List.of(lineStatus(a), lineStatus(b))).containsOnly(ReservationStatus.HELD);

    cluster.tickAllAndSettle(T0.plusSeconds(150));
    assertThat(cluster.order(order).status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(List.of(lineStatus(a), lineStatus(b))).containsOnly(ReservationStatus.EXPIRED);
    cluster.assertRefoldGivesTheSameOutputs();
  }
}
