package io.stocklog.local.faults;

import io.stocklog.local.faults.CommandClient.Answer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every command a fault test sent and what the service said, from the caller's side: which events it was
 * told were appended (the accepted event IDs, checked against the log afterwards), which it was refused, and
 * anything the contract does not allow.
 *
 * <p>Accepted: a 202, or an outcome (200, 201, or a 409 that is not an ID conflict): each names the event
 * it appended. Refused: a 503. Unanswered: no HTTP answer at all. Anything else is unexpected.
 */
final class Ledger {

  /** The caller's ID (receipt or order ID) and what came back. */
  record Sent(String sku, String subjectId, Answer answer) {}

  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final Map<String, String> lastPositionBySku = new ConcurrentHashMap<>();
  private final Set<String> refusedSubjects = ConcurrentHashMap.newKeySet();
  private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Sent> unexpected = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Sent> all = new ConcurrentLinkedQueue<>();
  private final AtomicLong maxRefusalMillis = new AtomicLong();
  private final AtomicLong maxMillis = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();

  /** Records {@code answer} to a command about {@code subjectId} of {@code sku}; returns it. */
  Answer record(String sku, String subjectId, Answer answer) {
    Sent sent = new Sent(sku, subjectId, answer);
    all.add(sent);
    byStatus.computeIfAbsent(answer.status(), s -> new AtomicLong()).incrementAndGet();
    maxMillis.accumulateAndGet(answer.millis(), Math::max);
    switch (answer.status()) {
      case 200, 201, 202 -> accept(sent);
      case 409 -> {
        if ("ID_CONFLICT".equals(answer.text("reason"))) {
          unexpected.add(sent); // the loads never reuse an ID with another amount
        } else {
          accept(sent);
        }
      }
      case 503 -> {
        refusedSubjects.add(sku + "/" + subjectId);
        maxRefusalMillis.accumulateAndGet(answer.millis(), Math::max);
        if (answer.retryAfter() == null) {
          unexpected.add(sent); // a 503 must say when to come back
        }
      }
      case -1 -> { /* no answer: neither accepted nor refused; counted */ }
      default -> unexpected.add(sent);
    }
    return answer;
  }

  private void accept(Sent sent) {
    String eventId = sent.answer().text("eventId");
    String position = sent.answer().text("position");
    if (eventId == null || position == null) {
      unexpected.add(sent); // every acceptance names its event and its place
      return;
    }
    if (sent.answer().body().path("duplicate").asBoolean(false)) {
      // The original's event (appended once, earlier); this repeat, if appended at all, was not named.
      duplicates.incrementAndGet();
    }
    accepted.add(eventId);
    lastPositionBySku.merge(sent.sku(), position, Ledger::later);
  }

  private static String later(String a, String b) {
    return io.stocklog.outcomes.Position.parse(a).offset() >= io.stocklog.outcomes.Position.parse(b).offset() ? a : b;
  }

  /** The event IDs the service said it appended. */
  Set<String> acceptedEventIds() {
    return Set.copyOf(accepted);
  }

  int accepted() {
    return accepted.size();
  }

  /** The highest offset handed out as accepted, per events partition. */
  Map<Integer, Long> lastAcceptedOffsets() {
    Map<Integer, Long> last = new TreeMap<>();
    for (String token : lastPositionBySku.values()) {
      io.stocklog.outcomes.Position p = io.stocklog.outcomes.Position.parse(token);
      last.merge(p.partition(), p.offset(), Math::max);
    }
    return last;
  }

  /** The latest position token handed out for each SKU. */
  Map<String, String> lastPositionBySku() {
    return Map.copyOf(lastPositionBySku);
  }

  /** {@code sku/subjectId} of every command answered 503. */
  Set<String> refusedSubjects() {
    return Set.copyOf(refusedSubjects);
  }

  long count(int status) {
    AtomicLong n = byStatus.get(status);
    return n == null ? 0 : n.get();
  }

  long sent() {
    return all.size();
  }

  Map<Integer, Long> byStatus() {
    Map<Integer, Long> counts = new TreeMap<>();
    byStatus.forEach((status, n) -> counts.put(status, n.get()));
    return counts;
  }

  List<Sent> unexpected() {
    return List.copyOf(unexpected);
  }

  List<Sent> unanswered() {
    List<Sent> none = new ArrayList<>();
    for (Sent s : all) {
      if (s.answer().status() == -1) {
        none.add(s);
      }
    }
    return Collections.unmodifiableList(none);
  }

  /** Answers that were a repeat's original outcome ({@code duplicate: true}). */
  long duplicateAnswers() {
    return duplicates.get();
  }

  long maxRefusalMillis() {
    return maxRefusalMillis.get();
  }

  long maxMillis() {
    return maxMillis.get();
  }

  List<Sent> all() {
    return List.copyOf(all);
  }
}
