package io.stocklog.projector;

import io.stocklog.inventory.AppliedId;
import io.stocklog.inventory.Reservation;
import io.stocklog.inventory.StockLevel;
import io.stocklog.outcomes.Decision;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The projector's state records as the bytes its stores and changelogs hold: internal, not a contract (the
 * outcomes topic is the contract), so compact and cheap rather than JSON. Every value starts with a format
 * byte ({@value #FORMAT}), so a store written by an older layout is recognised and refused by name instead of
 * misread. Enum constants are written as fixed codes (a switch with no default per enum), never as ordinals, so
 * adding or reordering a constant cannot change what stored bytes mean; a new constant breaks the build here.
 *
 * <p>Keys are the records' identity, UTF-8, separated by 0x00 (IDs and SKUs are {@code [A-Za-z0-9._:-]}, all
 * above 0x00), most distinct part first: a reservation is {@code orderId 0x00 sku}, not the SKU first, so
 * the record cache's sorted map compares keys that differ early even when one hot SKU takes every order. An
 * applied ID is {@code kind id 0x00 sku}, kind first, so the unmatched events (the only ones with a timer)
 * are one range.
 *
 * <pre>
 *   stock        sku                          FORMAT onHand:8 reserved:8
 *   reservation  orderId 0x00 sku             FORMAT quantity:8 holdSeconds:4 status:1 rejectReason:1
 *                                                    expiresAt:8 updatedAt:8 [kind:1, 1 = an order's line]
 *   applied      kind:1 id 0x00 sku           FORMAT amount:8 decision:1 reason:1 at:8 noteLength:2 note
 * </pre>
 * (numbers big-endian; a reason or note that is absent is code 0 or length 0xFFFF.)
 */
final class StateCodec {

  /** The layout of every value written by this class; JSON values (an older layout) start with '{'. */
  static final byte FORMAT = 2;

  private static final int NO_NOTE = 0xFFFF;
  /** The kind byte that ends the value of an order's line; a single-SKU reservation has none. */
  private static final byte ORDER_LINE = 1;

  private StateCodec() {}

  // ---- keys ------------------------------------------------------------------------------------------------

  static byte[] stockKey(String sku) {
    return ascii(sku);
  }

  static byte[] reservationKey(String sku, String orderId) {
    return joined(null, orderId, sku);
  }

  static byte[] appliedKey(AppliedId.Kind kind, String id, String sku) {
    return joined(kindCode(kind), id, sku);
  }

  /** The first key of {@code kind}'s applied IDs, inclusive. */
  static byte[] appliedKindStart(AppliedId.Kind kind) {
    return new byte[] {kindCode(kind)};
  }

  /** The first key after {@code kind}'s applied IDs, exclusive. */
  static byte[] appliedKindEnd(AppliedId.Kind kind) {
    return new byte[] {(byte) (kindCode(kind) + 1)};
  }

  // ---- values ----------------------------------------------------------------------------------------------

  static byte[] encode(StockLevel s) {
    return ByteBuffer.allocate(17).put(FORMAT).putLong(s.onHand()).putLong(s.reserved()).array();
  }

  static StockLevel stock(byte[] key, byte[] value) {
    ByteBuffer b = read(value, "stock", key);
    return new StockLevel(text(key, 0, key.length), b.getLong(), b.getLong());
  }

  static byte[] encode(Reservation r) {
    ByteBuffer b = ByteBuffer.allocate(r.line() ? 32 : 31).put(FORMAT).putLong(r.quantity()).putInt(r.holdSeconds())
        .put(statusCode(r.status())).put(reasonCode(r.rejectReason()))
        .putLong(r.expiresAt()).putLong(r.updatedAt());
    if (r.line()) {
      b.put(ORDER_LINE);
    }
    return b.array();
  }

  static Reservation reservation(byte[] key, byte[] value) {
    ByteBuffer b = read(value, "reservation", key);
    int split = separator(key, 0);
    long quantity = b.getLong();
    int holdSeconds = b.getInt();
    ReservationStatus status = status(b.get());
    Reason reason = reason(b.get());
    long expiresAt = b.getLong();
    long updatedAt = b.getLong();
    // A single-SKU reservation has no kind byte, as before orders: stores written then read the same.
    boolean line = b.hasRemaining() && b.get() == ORDER_LINE;
    return new Reservation(text(key, split + 1, key.length), text(key, 0, split), quantity, holdSeconds, status,
        reason, expiresAt, updatedAt, line);
  }

  static byte[] encode(AppliedId a) {
    byte[] note = a.note() == null ? null : a.note().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(22 + (note == null ? 0 : note.length)).put(FORMAT).putLong(a.amount())
        .put(decisionCode(a.decision())).put(reasonCode(a.reason())).putLong(a.at());
    if (note == null) {
      b.putShort((short) NO_NOTE);
    } else {
      b.putShort((short) note.length).put(note);
    }
    return b.array();
  }

  static AppliedId applied(byte[] key, byte[] value) {
    ByteBuffer b = read(value, "applied ID", key);
    int split = separator(key, 1);
    long amount = b.getLong();
    Decision decision = decision(b.get());
    Reason reason = reason(b.get());
    long at = b.getLong();
    int noteLength = Short.toUnsignedInt(b.getShort());
    String note = null;
    if (noteLength != NO_NOTE) {
      note = new String(value, b.position(), noteLength, StandardCharsets.UTF_8);
    }
    return new AppliedId(text(key, split + 1, key.length), kind(key[0]), text(key, 1, split), amount, note, decision,
        reason, at);
  }

  // ---- codes -----------------------------------------------------------------------------------------------

  private static byte kindCode(AppliedId.Kind kind) {
    return switch (kind) {
      case RECEIPT -> 1;
      case ADJUSTMENT -> 2;
      case UNMATCHED_EVENT -> 3;
    };
  }

  private static AppliedId.Kind kind(byte code) {
    return switch (code) {
      case 1 -> AppliedId.Kind.RECEIPT;
      case 2 -> AppliedId.Kind.ADJUSTMENT;
      case 3 -> AppliedId.Kind.UNMATCHED_EVENT;
      default -> throw corrupt("applied ID kind", code);
    };
  }

  static byte statusCode(ReservationStatus status) {
    return switch (status) {
      case HELD -> 1;
      case CONFIRMED -> 2;
      case CANCELLED -> 3;
      case EXPIRED -> 4;
      case REJECTED -> 5;
      case PREPARED -> 6;
    };
  }

  static ReservationStatus status(byte code) {
    return switch (code) {
      case 1 -> ReservationStatus.HELD;
      case 2 -> ReservationStatus.CONFIRMED;
      case 3 -> ReservationStatus.CANCELLED;
      case 4 -> ReservationStatus.EXPIRED;
      case 5 -> ReservationStatus.REJECTED;
      case 6 -> ReservationStatus.PREPARED;
      default -> throw corrupt("reservation status", code);
    };
  }

  private static byte decisionCode(Decision decision) {
    return switch (decision) {
      case RECEIVED -> 1;
      case ADJUSTED -> 2;
      case HELD -> 3;
      case CONFIRMED -> 4;
      case CANCELLED -> 5;
      case EXPIRED -> 6;
      case EXTENDED -> 7;
      case REJECTED -> 8;
      case PREPARED -> 9;
      case PENDING -> 10;
    };
  }

  private static Decision decision(byte code) {
    return switch (code) {
      case 1 -> Decision.RECEIVED;
      case 2 -> Decision.ADJUSTED;
      case 3 -> Decision.HELD;
      case 4 -> Decision.CONFIRMED;
      case 5 -> Decision.CANCELLED;
      case 6 -> Decision.EXPIRED;
      case 7 -> Decision.EXTENDED;
      case 8 -> Decision.REJECTED;
      case 9 -> Decision.PREPARED;
      case 10 -> Decision.PENDING;
      default -> throw corrupt("decision", code);
    };
  }

  static byte reasonCode(Reason reason) {
    if (reason == null) {
      return 0;
    }
    return switch (reason) {
      case OUT_OF_STOCK -> 1;
      case INSUFFICIENT_STOCK -> 2;
      case EXPIRED -> 3;
      case UNKNOWN_RESERVATION -> 4;
      case NOT_HELD -> 5;
      case ALREADY_CONFIRMED -> 6;
      case ALREADY_CANCELLED -> 7;
      case ID_CONFLICT -> 8;
      case UNKNOWN_SKU -> 9;
      case UNKNOWN_ORDER -> 10;
      case ORDER_BUSY -> 11;
      case ORDER_LINE -> 12;
    };
  }

  static Reason reason(byte code) {
    return switch (code) {
      case 0 -> null;
      case 1 -> Reason.OUT_OF_STOCK;
      case 2 -> Reason.INSUFFICIENT_STOCK;
      case 3 -> Reason.EXPIRED;
      case 4 -> Reason.UNKNOWN_RESERVATION;
      case 5 -> Reason.NOT_HELD;
      case 6 -> Reason.ALREADY_CONFIRMED;
      case 7 -> Reason.ALREADY_CANCELLED;
      case 8 -> Reason.ID_CONFLICT;
      case 9 -> Reason.UNKNOWN_SKU;
      case 10 -> Reason.UNKNOWN_ORDER;
      case 11 -> Reason.ORDER_BUSY;
      case 12 -> Reason.ORDER_LINE;
      default -> throw corrupt("reason", code);
    };
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private static ByteBuffer read(byte[] value, String what, byte[] key) {
    if (value.length == 0 || value[0] != FORMAT) {
      throw new IllegalStateException("the " + what + " stored under " + printable(key) + " is not in the state "
          + "layout this projector reads (format " + FORMAT + ", found " + (value.length == 0 ? "nothing"
          : value[0] == '{' ? "JSON, an older stocklog's layout" : "byte " + value[0]) + "): this projection's "
          + "state was written by another version; rebuild it (`operator rebuild`) to run this one");
    }
    return ByteBuffer.wrap(value, 1, value.length - 1);
  }

  private static IllegalStateException corrupt(String what, byte code) {
    return new IllegalStateException("stored state holds an unknown " + what + " code " + code);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] joined(Byte prefix, String first, String second) {
    byte[] a = ascii(first);
    byte[] b = ascii(second);
    int p = prefix == null ? 0 : 1;
    byte[] key = new byte[p + a.length + 1 + b.length];
    if (prefix != null) {
      key[0] = prefix;
    }
    System.arraycopy(a, 0, key, p, a.length);
    key[p + a.length] = 0;
    System.arraycopy(b, 0, key, p + a.length + 1, b.length);
    return key;
  }

  private static int separator(byte[] key, int from) {
    for (int i = from; i < key.length; i++) {
      if (key[i] == 0) {
        return i;
      }
    }
    throw new IllegalStateException("stored key " + printable(key) + " has no separator");
  }

  private static String text(byte[] key, int from, int to) {
    return new String(key, from, to - from, StandardCharsets.UTF_8);
  }

  private static String printable(byte[] key) {
    return new String(key, StandardCharsets.UTF_8).replace('\u0000', '/');
  }
}
