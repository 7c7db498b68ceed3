package io.stocklog.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * Advances log time on one partition that may see no other traffic, so a reservation on a quiet SKU
 * still expires on time. The projector writes one to a quiet partition when a hold there is due; because
 * ticks are in the log, a replay sees the same clock and expires the same reservations at the same points.
 */
@JsonPropertyOrder({"type", "schemaVersion", "eventId", "occurredAt"})
public record ClockTick(int schemaVersion, String eventId, Instant occurredAt) implements Event {

  public static final String TYPE = "ClockTick";

  public ClockTick {
    Checks.schemaVersion(schemaVersion);
    Checks.id("eventId", eventId);
    Checks.time("occurredAt", occurredAt);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }
}
