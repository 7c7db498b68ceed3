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
  final List<StandInSink> sinks = new CopyOnWriteArrayList<>();
  /** What was closed, in order: "decider" or "sink". */
  final List<String> closed = new CopyOnWriteArrayList<>();

  @Override
  public Decider startDecider(Projection projection, Map<Integer, Long> publishFrom) {
    StandInDecider decider = new StandInDecider(closed);
    deciders.add(decider);
    return decider;
  }

  @Override
  public Sink startSink(Projection projection) {
    StandInSink sink = new StandInSink(closed);
    sinks.add(sink);
    return sink;
  }

  static final class StandInDecider implements Decider {
    /** Counted down when close() is entered. */
    final CountDownLatch closing = new CountDownLatch(1);
    private volatile CountDownLatch mayClose = new CountDownLatch(0);
    volatile KafkaStreams.State state = KafkaStreams.State.RUNNING;
    volatile String failure;
    private final List<String> closed;

    StandInDecider(List<String> closed) {
      this.closed = closed;
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
      closed.add("decider");
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
