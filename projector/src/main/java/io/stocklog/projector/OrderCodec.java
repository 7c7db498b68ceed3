package io.stocklog.projector;

import io.stocklog.events.EventCodec;
import io.stocklog.events.InvalidEventException;
import io.stocklog.events.LineResult;
import io.stocklog.events.OrderEvent;
import io.stocklog.events.OrderPlaced;
import io.stocklog.inventory.orders.Order;
import io.stocklog.inventory.orders.OrderLine;
import io.stocklog.outcomes.OrderStatus;
import io.stocklog.outcomes.Reason;
import io.stocklog.outcomes.ReservationStatus;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An order of several lines ({@link Order}) as the bytes of the projector's {@value KeyValueOrderStore#ORDERS}
 * store and its changelog: internal, compact, enum constants as fixed codes (as {@link StateCodec}). The key is the
 * order ID alone (the store holds nothing else), so keys differ from their first bytes. A request waiting in the
 * order is kept as its event's JSON, the one encoding every event already has.
 *
 * <pre>
 *   FORMAT placedEventId holdSeconds:4 placed:(n:2 (sku quantity:8)*) lines:(n:2 line*) status:1 expiresAt:8
 *          step:4 phase:1 inFlight:(0 | 1 request) extendTo:8 queue:(n:2 request*) updatedAt:8
 *   line    = sku quantity:8 status:1 reason:1 available:(0 | 1 n:8) answer:1
 *   request = length:4 eventJson at:8
 *   string  = length:2 UTF-8 (0xFFFF: null)
 * </pre>
 * Codes: 0 is null; statuses, reasons and decisions as {@link StateCodec}'s; the rest below.
 */
final class OrderCodec {

  static final byte FORMAT = 1;

  private OrderCodec() {}

  static byte[] key(String orderId) {
    return orderId.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] encode(Order o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      string(out, o.placedEventId());
      out.writeInt(o.holdSeconds());
      out.writeShort(o.placed().size());
      for (OrderPlaced.Line l : o.placed()) {
        string(out, l.sku());
        out.writeLong(l.quantity());
      }
      out.writeShort(o.lines().size());
      for (OrderLine l : o.lines()) {
        string(out, l.sku());
        out.writeLong(l.quantity());
        out.writeByte(l.status() == null ? 0 : StateCodec.statusCode(l.status()));
        out.writeByte(StateCodec.reasonCode(l.reason()));
        if (l.available() == null) {
          out.writeByte(0);
        } else {
          out.writeByte(1);
          out.writeLong(l.available());
        }
        out.writeByte(resultCode(l.answer()));
      }
      out.writeByte(orderStatusCode(o.status()));
      out.writeLong(o.expiresAt());
      out.writeInt(o.step());
      out.writeByte(phaseCode(o.phase()));
      if (o.inFlight() == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        request(out, o.inFlight());
      }
      out.writeLong(o.extendTo());
      out.writeShort(o.queue().size());
      for (Order.Queued q : o.queue()) {
        request(out, q);
      }
      out.writeLong(o.updatedAt());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Order order(byte[] key, byte[] value) {
    String orderId = new String(key, StandardCharsets.UTF_8);
    if (value.length == 0 || value[0] != FORMAT) {
      throw new IllegalStateException("the order stored under " + orderId + " is not in the layout this projector "
          + "reads (format " + FORMAT + "); rebuild the projection (`operator rebuild`) to run this version");
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value, 1, value.length - 1))) {
      String placedEventId = string(in);
      int holdSeconds = in.readInt();
      int n = in.readUnsignedShort();
      List<OrderPlaced.Line> placed = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        placed.add(new OrderPlaced.Line(string(in), in.readLong()));
      }
      n = in.readUnsignedShort();
      List<OrderLine> lines = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String sku = string(in);
        long quantity = in.readLong();
        byte status = in.readByte();
        Reason reason = StateCodec.reason(in.readByte());
        Long available = in.readByte() == 0 ? null : in.readLong();
        LineResult answer = result(in.readByte());
        lines.add(new OrderLine(sku, quantity, status == 0 ? null : StateCodec.status(status), reason, available,
            answer));
      }
      OrderStatus status = orderStatus(in.readByte());
      long expiresAt = in.readLong();
      int step = in.readInt();
      Order.Phase phase = phase(in.readByte());
      Order.Queued inFlight = in.readByte() == 0 ? null : request(in);
      long extendTo = in.readLong();
      n = in.readUnsignedShort();
      List<Order.Queued> queue = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        queue.add(request(in));
      }
      long updatedAt = in.readLong();
      return new Order(orderId, placedEventId, holdSeconds, placed, lines, status, expiresAt, step, phase, inFlight,
          extendTo, queue, updatedAt);
    } catch (IOException e) {
      throw new IllegalStateException("the order stored under " + orderId + " is cut short", e);
    }
  }

  private static void request(DataOutputStream out, Order.Queued q) throws IOException {
    byte[] json = EventCodec.encode(q.request());
    out.writeInt(json.length);
    out.write(json);
    out.writeLong(q.at());
  }

  private static Order.Queued request(DataInputStream in) throws IOException {
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    try {
      return new Order.Queued((OrderEvent) EventCodec.decode(json), in.readLong());
    } catch (InvalidEventException | ClassCastException e) {
      throw new IllegalStateException("a request stored in an order is not an order's event", e);
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeShort(0xFFFF);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    int length = in.readUnsignedShort();
    if (length == 0xFFFF) {
      return null;
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte resultCode(LineResult r) {
    if (r == null) {
      return 0;
    }
    return switch (r) {
      case HELD -> 1;
      case PREPARED -> 2;
      case EXTENDED -> 3;
      case OUT_OF_STOCK -> 4;
      case UNKNOWN_SKU -> 5;
      case ID_CONFLICT -> 6;
      case EXPIRED -> 7;
      case NOT_HELD -> 8;
    };
  }

  private static LineResult result(byte code) {
    return switch (code) {
      case 0 -> null;
      case 1 -> LineResult.HELD;
      case 2 -> LineResult.PREPARED;
      case 3 -> LineResult.EXTENDED;
      case 4 -> LineResult.OUT_OF_STOCK;
      case 5 -> LineResult.UNKNOWN_SKU;
      case 6 -> LineResult.ID_CONFLICT;
      case 7 -> LineResult.EXPIRED;
      case 8 -> LineResult.NOT_HELD;
      default -> throw corrupt("line result", code);
    };
  }

  private static byte orderStatusCode(OrderStatus s) {
    return switch (s) {
      case PENDING -> 1;
      case HELD -> 2;
      case REJECTED -> 3;
      case CONFIRMED -> 4;
      case CANCELLED -> 5;
      case EXPIRED -> 6;
    };
  }

  private static OrderStatus orderStatus(byte code) {
    return switch (code) {
      case 1 -> OrderStatus.PENDING;
      case 2 -> OrderStatus.HELD;
      case 3 -> OrderStatus.REJECTED;
      case 4 -> OrderStatus.CONFIRMED;
      case 5 -> OrderStatus.CANCELLED;
      case 6 -> OrderStatus.EXPIRED;
      default -> throw corrupt("order status", code);
    };
  }

  private static byte phaseCode(Order.Phase p) {
    return switch (p) {
      case IDLE -> 1;
      case PLACING -> 2;
      case PREPARING -> 3;
      case EXTENDING -> 4;
    };
  }

  private static Order.Phase phase(byte code) {
    return switch (code) {
      case 1 -> Order.Phase.IDLE;
      case 2 -> Order.Phase.PLACING;
      case 3 -> Order.Phase.PREPARING;
      case 4 -> Order.Phase.EXTENDING;
      default -> throw corrupt("order phase", code);
    };
  }

  private static IllegalStateException corrupt(String what, byte code) {
    return new IllegalStateException("stored state holds an unknown " + what + " code " + code);
  }
}
