package io.stocklog.query;

import io.stocklog.outcomes.Position;
import io.stocklog.readmodel.SkuRow;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Entity tags of the query service's answers (RFC 9110 8.8.3), derived from the positions an answer reflects,
 * and the {@code If-None-Match} check (RFC 9110 13.1.2).
 *
 * <p>The tags are <b>weak</b> ({@code W/"..."}): two answers with one tag hold the same stock, but not the same
 * bytes, since the body also says how old the read model is ({@code freshness.ageMs}) and how far its partition
 * has been applied, which move while the SKU does not. A weak tag promises exactly that (semantically
 * equivalent), and {@code If-None-Match} compares weakly anyway, so a CDN or browser revalidates with it as it
 * would with a strong one. A SKU's tag is its row's position: it changes exactly when the row does.
 */
final class EntityTags {

  private EntityTags() {}

  /** The tag of a SKU's stock: {@code W/"<partition>-<offset>"} of its row. */
  static String of(SkuRow row) {
    return of(row.position());
  }

  static String of(Position position) {
    return "W/\"" + position.token() + "\"";
  }

  /**
   * The tag of an answer about several SKUs: a digest of each found SKU with its row's position, in the order of
   * the answer, and of the missing ones (a SKU that appears changes the answer too).
   */
  static String ofMany(List<SkuRow> rows, Iterable<String> missing) {
    CRC32C a = new CRC32C();
    CRC32C b = new CRC32C();
    StringBuilder text = new StringBuilder();
    for (SkuRow row : rows) {
      text.append(row.sku()).append('@').append(row.position().token()).append(',');
    }
    text.append('|');
    for (String sku : missing) {
      text.append(sku).append(',');
    }
    byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    a.update(bytes);
    b.update(text.reverse().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return "W/\"" + rows.size() + "-" + Long.toHexString(a.getValue()) + Long.toHexString(b.getValue()) + "\"";
  }

  /**
   * Whether {@code ifNoneMatch} (the header's values, as many lines as were sent) matches {@code current} by weak
   * comparison: {@code *} matches any current representation; otherwise each comma-separated entity tag is
   * compared by its opaque part, {@code W/} or not. An entry that is not an entity tag matches nothing.
   */
  static boolean matchesAny(List<String> ifNoneMatch, String current) {
    String opaque = opaque(current);
    for (String header : ifNoneMatch) {
      String value = header.strip();
      if (value.equals("*")) {
        return true;
      }
      int i = 0;
      int n = value.length();
      while (i < n) {
        while (i < n && (value.charAt(i) == ',' || value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
          i++;
        }
        if (i >= n) {
          break;
        }
        int start = i;
        if (value.startsWith("W/", i)) {
          i += 2;
        }
        if (i < n && value.charAt(i) == '"') {
          int close = value.indexOf('"', i + 1);
          if (close < 0) {
            return false;
          }
          if (value.substring(i, close + 1).equals(opaque)) {
            return true;
          }
          i = close + 1;
        } else {
          // Not an entity tag: skip to the next comma.
          int comma = value.indexOf(',', start);
          i = comma < 0 ? n : comma;
        }
      }
    }
    return false;
  }

  /** The quoted opaque part of a tag, without {@code W/}. */
  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
