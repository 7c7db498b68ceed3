package io.stocklog.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A contender whose client blocks (JDBC, Jedis, Curator, a lock then JDBC): {@code clients} platform
 * threads each run one request at a time, as that many application threads would.
 */
abstract class BlockingContender implements Contender {

  private final int clients;
  private final ExecutorService pool;

  BlockingContender(int clients) {
    this.clients = clients;
    this.pool = Executors.newFixedThreadPool(clients, Thread.ofPlatform().name(getClass().getSimpleName() + "-", 0)
        .daemon(true).factory());
  }

  interface Op {
    Answer run() throws Exception;
  }

  abstract Answer reserveNow(String sku, String orderId, int quantity) throws Exception;

  abstract Answer confirmNow(String sku, String orderId, int quantity) throws Exception;

  abstract Answer cancelNow(String sku, String orderId, int quantity) throws Exception;

  private CompletableFuture<Answer> submit(Op op) {
    CompletableFuture<Answer> f = new CompletableFuture<>();
    pool.execute(() -> {
      try {
        f.complete(op.run());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Override
  public CompletableFuture<Answer> reserve(String sku, String orderId, int quantity) {
    return submit(() -> reserveNow(sku, orderId, quantity));
  }

  @Override
  public CompletableFuture<Answer> confirm(String sku, String orderId, int quantity) {
    return submit(() -> confirmNow(sku, orderId, quantity));
  }

  @Override
  public CompletableFuture<Answer> cancel(String sku, String orderId, int quantity) {
    return submit(() -> cancelNow(sku, orderId, quantity));
  }

  @Override
  public int concurrency() {
    return clients;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
