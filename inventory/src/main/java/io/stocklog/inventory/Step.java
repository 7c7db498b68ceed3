package io.stocklog.inventory;

import io.stocklog.outcomes.Outcome;

/** The result of deciding one event: the new state and the one outcome it produced. */
public record Step(SkuState state, Outcome outcome) {}
