package io.stocklog.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Contender 6: one Lua script checks and decrements the stock and records the order in a hash, atomically
 * on the Redis server. The order record lives in Redis memory and in whatever persistence the server is
 * configured with, which the contender asks the server for ({@link #durability()}): the local server (no
 * append-only file, memory only), or one the harness starts with {@code appendfsync always} (fsynced before the
 * answer), running the same script.
 */
final class RedisLua extends BlockingContender {

  static final String PREFIX = "bench:";
  private static final String ORDERS = PREFIX + "orders";
  private static final String RESERVE = """
      local left = tonumber(redis.call('GET', KEYS[1]) or '-1')
      local q = tonumber(ARGV[2])
      if left < q then return 0 end
      redis.call('DECRBY', KEYS[1], q)
      redis.call('HSET', KEYS[2], ARGV[1], 'HELD')
      return 1
      """;
  private static final String CONFIRM = """
      if redis.call('HGET', KEYS[2], ARGV[1]) ~= 'HELD' then return 0 end
      redis.call('HSET', KEYS[2], ARGV[1], 'CONFIRMED')
      return 1
      """;
  private static final String CANCEL = """
      if redis.call('HGET', KEYS[2], ARGV[1]) ~= 'HELD' then return 0 end
      redis.call('HSET', KEYS[2], ARGV[1], 'CANCELLED')
      redis.call('INCRBY', KEYS[1], tonumber(ARGV[2]))
      return 1
      """;

  private final String name;
  private final JedisPooled redis;
  private final String reserveSha;
  private final String confirmSha;
  private final String cancelSha;
  private final Durability durability;
  private final String durabilityNote;

  RedisLua(String name, String host, int port, int clients) {
    super(clients);
    this.name = name;
    ConnectionPoolConfig pc = new ConnectionPoolConfig();
    pc.setMaxTotal(clients);
    pc.setMaxIdle(clients);
    redis = new JedisPooled(pc, host, port);
    reserveSha = redis.scriptLoad(RESERVE);
    confirmSha = redis.scriptLoad(CONFIRM);
    cancelSha = redis.scriptLoad(CANCEL);
    String appendonly = null;
    String appendfsync = null;
    try (Jedis admin = new Jedis(host, port)) {
      appendonly = admin.configGet("appendonly").get("appendonly");
      appendfsync = admin.configGet("appendfsync").get("appendfsync");
    } catch (RuntimeException configRefused) {
      // A server may rename or forbid CONFIG; then claim nothing beyond memory.
    }
    if (appendonly == null || appendfsync == null) {
      durability = Durability.MEMORY;
      durabilityNote = "the server's appendonly/appendfsync could not be read: durability assumed memory only";
    } else {
      durability = Durability.ofRedis(appendonly, appendfsync);
      durabilityNote = "";
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Durability durability() {
    return durability;
  }

  @Override
  public String note() {
    return durabilityNote;
  }

  static String stockKey(String sku) {
    return PREFIX + "stock:" + sku;
  }

  @Override
  public void load(Map<String, Long> stock) {
    clear(redis);
    List<String> kv = new ArrayList<>();
    for (var e : stock.entrySet()) {
      kv.add(stockKey(e.getKey()));
      kv.add(Long.toString(e.getValue()));
      if (kv.size() >= 2000) {
        redis.mset(kv.toArray(String[]::new));
        kv.clear();
      }
    }
    if (!kv.isEmpty()) {
      redis.mset(kv.toArray(String[]::new));
    }
  }

  /** Removes every key the benchmark made, and nothing else: the server is shared. */
  static void clear(JedisPooled redis) {
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, new ScanParams().match(PREFIX + "*").count(1000));
      if (!page.getResult().isEmpty()) {
        redis.unlink(page.getResult().toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private Answer run(String sha, String sku, String orderId, int quantity) {
    Object r = redis.evalsha(sha, List.of(stockKey(sku), ORDERS), List.of(orderId, Integer.toString(quantity)));
    return Answer.of(((Long) r) == 1L, 0);
  }

  @Override
  Answer reserveNow(String sku, String orderId, int quantity) {
    return run(reserveSha, sku, orderId, quantity);
  }

  @Override
  Answer confirmNow(String sku, String orderId, int quantity) {
    return run(confirmSha, sku, orderId, quantity);
  }

  @Override
  Answer cancelNow(String sku, String orderId, int quantity) {
    return run(cancelSha, sku, orderId, quantity);
  }

  @Override
  public Map<String, Long> remaining(Iterable<String> skus) {
    Map<String, Long> left = new HashMap<>();
    for (String sku : skus) {
      String v = redis.get(stockKey(sku));
      if (v != null) {
        left.put(sku, Long.parseLong(v));
      }
    }
    return left;
  }

  @Override
  public void close() {
    super.close();
    clear(redis);
    redis.close();
  }
}
