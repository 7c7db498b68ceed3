package io.stocklog.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Contender 10: etcd's lock API (jetcd) around the Postgres read-modify-write, one lease (session) per
 * client thread kept alive for its life: etcd names the lock key after the lease, so threads sharing a
 * lease would all "hold" the lock at once. The lock key's create revision is monotonic in grant order, so it serves as the fencing token.
 */
final class EtcdLock extends LockContender {

  private final Client client;
  private final ThreadLocal<Long> lease = new ThreadLocal<>();
  private final java.util.List<CloseableClient> keepAlives = new java.util.concurrent.CopyOnWriteArrayList<>();

  EtcdLock(BenchDatabase db, String endpoint, int clients) throws Exception {
    super(db, clients);
    client = Client.builder().endpoints(endpoint).build();
  }

  private long lease() throws Exception {
    Long id = lease.get();
    if (id != null) {
      return id;
    }
    long leaseId = client.getLeaseClient().grant(30).get(20, TimeUnit.SECONDS).getID();
    keepAlives.add(client.getLeaseClient().keepAlive(leaseId, new StreamObserver<LeaseKeepAliveResponse>() {
      @Override
      public void onNext(LeaseKeepAliveResponse value) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    }));
    lease.set(leaseId);
    return leaseId;
  }

  @Override
  public String name() {
    return "etcd lock (jetcd, lease)";
  }

  @Override
  Held lock(String sku) throws Exception {
    LockResponse r = client.getLockClient()
        .lock(ByteSequence.from("bench/locks/" + sku, StandardCharsets.UTF_8), lease()).get(30, TimeUnit.SECONDS);
    // The lock key's create revision orders holders as etcd grants the lock: that is the fencing token.
    var kvs = client.getKVClient().get(r.getKey()).get(30, TimeUnit.SECONDS).getKvs();
    if (kvs.isEmpty()) {
      throw new IllegalStateException("etcd lock on " + sku + " lost (lease expired) before its token was read");
    }
    long token = kvs.get(0).getCreateRevision();
    return new Held(r.getKey(), token, 0);
  }

  @Override
  void unlock(String sku, Held held) throws Exception {
    client.getLockClient().unlock((ByteSequence) held.handle()).get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    super.close();
    keepAlives.forEach(CloseableClient::close);
    client.close();
  }
}
