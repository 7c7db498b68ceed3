package io.stocklog.bench;

import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Contender 9: Apache Curator's {@link InterProcessMutex} (ephemeral sequential nodes, each waiter watching
 * its predecessor) around the Postgres read-modify-write. The recipe exposes no fencing token, so the write
 * is unfenced.
 */
final class ZkLock extends LockContender {

  private final CuratorFramework curator;
  private final ConcurrentHashMap<String, InterProcessMutex> mutexes = new ConcurrentHashMap<>();

  ZkLock(BenchDatabase db, String connectString, int clients) throws InterruptedException, SQLException {
    super(db, clients);
    curator = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(100, 5));
    curator.start();
    if (!curator.blockUntilConnected(20, TimeUnit.SECONDS)) {
      curator.close();
      throw new IllegalStateException("ZooKeeper at " + connectString + " did not answer in 20 s");
    }
  }

  @Override
  public String name() {
    return "ZooKeeper lock (Curator)";
  }

  @Override
  Held lock(String sku) throws Exception {
    InterProcessMutex m = mutexes.computeIfAbsent(sku, k -> new InterProcessMutex(curator, "/bench/locks/" + k));
    if (!m.acquire(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no ZooKeeper lock on " + sku + " in 30 s");
    }
    return new Held(m, -1, 0);
  }

  @Override
  void unlock(String sku, Held held) throws Exception {
    ((InterProcessMutex) held.handle()).release();
  }

  @Override
  public void close() {
    super.close();
    curator.close();
  }
}
