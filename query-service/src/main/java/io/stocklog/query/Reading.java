package io.stocklog.query;

/** A value read from the read model, with how current it is. */
public record Reading<T>(T value, Freshness freshness) {}
