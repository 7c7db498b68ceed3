package io.stocklog.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Contender 8: Redlock over three independent Redis servers. The lock is held when a majority accepted
 * {@code SET NX PX} within the validity time (ttl minus elapsed minus drift); otherwise whatever was taken
 * is released and the client retries after a random delay. Redlock yields no fencing token, so the
 * Postgres write is unfenced, as the algorithm is usually deployed.
 */
final class Redlock extends LockContender {

  private final List<JedisPooled> servers = new ArrayList<>();
  private final long ttlMs;

  Redlock(BenchDatabase db, List<Integer> ports, int clients, long ttlMs) throws SQLException {
    super(db, clients);
    for (int port : ports) {
      ConnectionPoolConfig pc = new ConnectionPoolConfig();
      pc.setMaxTotal(clients);
      pc.setMaxIdle(clients);
      servers.add(new JedisPooled(pc, "127.0.0.1", port));
    }
    this.ttlMs = ttlMs;
  }

  @Override
  public String name() {
    return "Redlock (3 Redis)";
  }

  @Override
  Held lock(String sku) {
    String key = RedisLua.PREFIX + "redlock:" + sku;
    String value = UUID.randomUUID().toString();
    int quorum = servers.size() / 2 + 1;
    for (int tries = 0; ; tries++) {
      long start = System.nanoTime();
      int got = 0;
      for (JedisPooled s : servers) {
        try {
          if ("OK".equals(s.set(key, value, SetParams.setParams().nx().px(ttlMs)))) {
            got++;
          }
        } catch (RuntimeException e) {
          // A server that does not answer counts as a refusal, as the algorithm says.
        }
      }
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      long drift = ttlMs / 100 + 2;
      if (got >= quorum && elapsedMs < ttlMs - drift) {
        return new Held(value, -1, tries);
      }
      release(key, value);
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000, 2_000_000));
    }
  }

  private void release(String key, String value) {
    for (JedisPooled s : servers) {
      try {
        s.eval(RedisLockFenced.UNLOCK, List.of(key), List.of(value));
      } catch (RuntimeException e) {
        // Its key expires by itself.
      }
    }
  }

  @Override
  void unlock(String sku, Held held) {
    release(RedisLua.PREFIX + "redlock:" + sku, (String) held.handle());
  }

  @Override
  public void close() {
    super.close();
    servers.forEach(JedisPooled::close);
  }
}
