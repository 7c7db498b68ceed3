package io.stocklog.bench;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Contender 7: {@code SET lock NX PX ttl} on one Redis around the Postgres read-modify-write; each
 * acquisition takes a fencing token from {@code INCR}, and the write only lands if no later token has
 * written. Released by a compare-and-delete script so a holder never frees someone else's lock.
 */
final class RedisLockFenced extends LockContender {

  static final String UNLOCK = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
      return 0
      """;
  private static final String FENCE = RedisLua.PREFIX + "fence";

  private final JedisPooled redis;
  private final long ttlMs;

  RedisLockFenced(BenchDatabase db, String host, int port, int clients, long ttlMs) throws SQLException {
    super(db, clients);
    ConnectionPoolConfig pc = new ConnectionPoolConfig();
    pc.setMaxTotal(clients);
    pc.setMaxIdle(clients);
    this.redis = new JedisPooled(pc, host, port);
    this.ttlMs = ttlMs;
  }

  @Override
  public String name() {
    return "Redis SET NX PX lock + fencing";
  }

  @Override
  Held lock(String sku) {
    String key = RedisLua.PREFIX + "lock:" + sku;
    String value = UUID.randomUUID().toString();
    for (int tries = 0; ; tries++) {
      if ("OK".equals(redis.set(key, value, SetParams.setParams().nx().px(ttlMs)))) {
        return new Held(value, redis.incr(FENCE), tries);
      }
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000, 1_000_000));
    }
  }

  @Override
  void unlock(String sku, Held held) {
    redis.eval(UNLOCK, List.of(RedisLua.PREFIX + "lock:" + sku), List.of((String) held.handle()));
  }

  @Override
  public void close() {
    super.close();
    RedisLua.clear(redis);
    redis.close();
  }
}
