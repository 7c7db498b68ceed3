package io.stocklog.projector;

import io.stocklog.projector.RunningProjections.Decider;
import io.stocklog.projector.RunningProjections.Sink;
import io.stocklog.readmodel.OutcomeSink;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Stand-ins for what the {@link ProjectionReconciler} starts, with no broker and no database behind them:
 * each runs at once, and a decider can be told to stop only when the test lets it, as Kafka Streams may take
 * its time to close.
 */
final class StandInProjections implements ProjectionReconciler.Launcher {

  final List<StandInDecider> deciders = new CopyOnWriteArrayList<>();
  final List<StandInDecider> followers = new CopyOnWriteArrayList<>();
  final List<StandInDecider> prepared = new CopyOnWriteArrayList<>();
  final List<StandInSink> sinks = new CopyOnWriteArrayList<>();
  /** What was closed, in order: "decider", "sink", "follower p" or "prepared p". */
  final List<String> closed = new CopyOnWriteArrayList<>();
  /** What was started, in order: "decider p from {...}", "follower p", "prepared p", "promoted p from {...}". */
  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public Decider startDecider(Projection projection, Map<Integer, Long> publishFrom) {
    StandInDecider decider = new StandInDecider(closed, "decider", events);
    deciders.add(decider);
    events.add("decider " + projection.name() + " from " + publishFrom);
    return decider;
  }

  @Override
  public Decider startFollower(Projection projection) {
    StandInDecider follower = new StandInDecider(closed, "follower " + projection.name(), events);
    followers.add(follower);
    events.add("follower " + projection.name());
    return follower;
  }

  @Override
  public ProjectionReconciler.PreparedDecider prepareDecider(Projection projection) {
    StandInDecider decider = new StandInDecider(closed, "prepared " + projection.name(), events);
    prepared.add(decider);
    events.add("prepared " + projection.name());
    return decider;
  }

  @Override
  public Sink startSink(Projection projection) {
    StandInSink sink = new StandInSink(closed);
    sinks.add(sink);
    return sink;
  }

  static final class StandInDecider implements ProjectionReconciler.PreparedDecider {
    /** Counted down when close() is entered. */
    final CountDownLatch closing = new CountDownLatch(1);
    private volatile CountDownLatch mayClose = new CountDownLatch(0);
    volatile KafkaStreams.State state = KafkaStreams.State.RUNNING;
    volatile String failure;
    private final List<String> closed;
    private final String what;
    private final List<String> events;

    StandInDecider(List<String> closed) {
      this(closed, "decider", new CopyOnWriteArrayList<>());
    }

    StandInDecider(List<String> closed, String what, List<String> events) {
      this.closed = closed;
      this.what = what;
      this.events = events;
    }

    @Override
    public void promote(Map<Integer, Long> publishFrom) {
      events.add("promoted " + what.substring(what.indexOf(' ') + 1) + " from " + publishFrom);
    }

    StandInDecider() {
      this(new CopyOnWriteArrayList<>());
    }

    /** From now on close() returns only once {@link #letClose()} is called. */
    void holdClose() {
      mayClose = new CountDownLatch(1);
    }

    void letClose() {
      mayClose.countDown();
    }

    @Override
    public KafkaStreams.State state() {
      return state;
    }

    @Override
    public boolean ready() {
      return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    @Override
    public String failure() {
      return failure;
    }

    @Override
    public Projector projector() {
      return null;
    }

    @Override
    public void close() {
      closing.countDown();
      try {
        if (!mayClose.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never let the decider close");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      state = KafkaStreams.State.NOT_RUNNING;
      closed.add(what);
      events.add("closed " + what);
    }
  }

  static final class StandInSink implements Sink {
    volatile boolean running = true;
    volatile boolean databaseDown;
    volatile String failure;
    private final List<String> closed;

    StandInSink(List<String> closed) {
      this.closed = closed;
    }

    StandInSink() {
      this(new CopyOnWriteArrayList<>());
    }

    @Override
    public boolean running() {
      return running;
    }

    @Override
    public boolean databaseDown() {
      return databaseDown;
    }

    @Override
    public String failure() {
      return failure;
    }

    @Override
    public OutcomeSink outcomeSink() {
      return null;
    }

    @Override
    public void close() {
      running = false;
      closed.add("sink");
    }
  }
}
