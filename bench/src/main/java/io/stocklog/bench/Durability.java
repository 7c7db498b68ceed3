package io.stocklog.bench;

import java.util.Locale;

/**
 * How far an answered decision has gone when the contender answers, so that figures are compared like with
 * like: what a crash at that moment could still lose. Weakest first.
 */
enum Durability {

  /** In a server's memory only: a crash of that server loses it (Redis without an append-only file). */
  MEMORY,
  /**
   * Written to the operating system's page cache, not yet fsynced: a server crash keeps it, a machine crash
   * may not (one Kafka broker acknowledges acks=all before any fsync; Redis with {@code appendfsync everysec}, which
   * writes the append-only file as it answers and fsyncs it every second).
   * Postgres with {@code synchronous_commit=off} is counted here too, though it answers a little earlier still:
   * its WAL writer writes the commit out within three {@code wal_writer_delay}s.
   */
  PAGE_CACHE,
  /** Fsynced on one machine (Postgres by default, Redis with {@code appendfsync always}). */
  FSYNC_ONE_MACHINE,
  /** Acknowledged by several machines (Kafka with replication 3 and {@code min.insync.replicas=2}). */
  REPLICATED;

  /** How the results table and the README name the class. */
  String label() {
    return switch (this) {
      case MEMORY -> "memory only";
      case PAGE_CACHE -> "page cache";
      case FSYNC_ONE_MACHINE -> "fsync, one machine";
      case REPLICATED -> "replicated";
    };
  }

  /** The label, or nothing for a contender that did not run (its class was never asked). */
  static String labelOf(Durability d) {
    return d == null ? "" : d.label();
  }

  /**
   * The class of a Postgres commit under the server's settings, as {@code SHOW} prints them.
   *
   * @param fsync {@code fsync}: off means commits are written out but never flushed
   * @param synchronousCommit {@code synchronous_commit} as the session sees it
   * @param synchronousStandbyNames {@code synchronous_standby_names}: empty when no standby must confirm
   */
  static Durability ofPostgres(String fsync, String synchronousCommit, String synchronousStandbyNames) {
    String commit = synchronousCommit.trim().toLowerCase(Locale.ROOT);
    boolean standbys = synchronousStandbyNames != null && !synchronousStandbyNames.isBlank();
    // on, remote_write and remote_apply wait for the synchronous standbys when there are any; local never does.
    if (standbys && (commit.equals("on") || commit.equals("remote_write") || commit.equals("remote_apply"))) {
      return REPLICATED;
    }
    if (commit.equals("off") || isOff(fsync)) {
      return PAGE_CACHE;
    }
    return FSYNC_ONE_MACHINE;
  }

  /**
   * The class of a Redis write under the server's settings, as {@code CONFIG GET} prints them. RDB snapshots
   * ({@code save}) are periodic, not per write, so they do not count.
   */
  static Durability ofRedis(String appendonly, String appendfsync) {
    if (isOff(appendonly)) {
      return MEMORY;
    }
    // "always" fsyncs the append-only file before the reply; with the others it is written (normally before the
    // reply) and fsynced later.
    return appendfsync.trim().equalsIgnoreCase("always") ? FSYNC_ONE_MACHINE : PAGE_CACHE;
  }

  private static boolean isOff(String setting) {
    String s = setting.trim().toLowerCase(Locale.ROOT);
    return s.equals("off") || s.equals("no") || s.equals("false") || s.equals("0");
  }
}
