package io.stocklog.inventory.orders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The event IDs of the records the order logic appends: {@code ol-} and 32 hex digits of
 * SHA-256({@code orderId|stepNo|step|sku}). A function of what the record is, never random, so a replay or a redo
 * after an aborted transaction appends records with the very IDs the first attempt had: a reader that saw the
 * first attempt (the command service reads uncommitted) sees nothing different, and a line that gets the same
 * command twice recognises it.
 */
public final class LineIds {

  private static final HexFormat HEX = HexFormat.of();

  private LineIds() {}

  /** The ID of the record that does {@code step} (its name) to the line of {@code sku}, at step {@code stepNo}. */
  public static String of(String orderId, int stepNo, String step, String sku) {
    byte[] digest = sha256().digest((orderId + "|" + stepNo + "|" + step + "|" + sku).getBytes(StandardCharsets.UTF_8));
    return "ol-" + HEX.formatHex(digest, 0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
