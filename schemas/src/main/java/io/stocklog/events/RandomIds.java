package io.stocklog.events;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random version-4 UUIDs for IDs that must be unique but need not be secret (event IDs, request IDs): drawn from
 * {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}'s {@code SecureRandom}, which reads the
 * kernel's entropy on every call and was a measurable part of answering a request. The 122 random bits come from
 * generators seeded from the system's secure seed source, so two IDs collide no more often than two
 * {@code randomUUID()}s do; what is lost is only unpredictability, which no ID of the system relies on (none
 * is a credential).
 */
public final class RandomIds {

  private RandomIds() {}

  /** A new random UUID, in its usual text form. */
  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(high, low).toString();
  }
}
