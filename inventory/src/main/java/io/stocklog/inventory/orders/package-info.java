/**
 * Orders of several lines, decided from the log: the coordinator's rules, as plain functions over plain data like
 * the fold's, and nothing that reads a clock or does I/O.
 *
 * <p>Where the flow starts and ends: an {@code OrderPlaced} (or confirm, cancel, extend) reaches the partition of
 * its order ID, whose {@link io.stocklog.inventory.orders.Coordinator} decides it by {@link
 * io.stocklog.inventory.orders.OrderFold} and appends line commands keyed by SKU; each line's partition decides
 * its line like a reservation ({@code io.stocklog.inventory.OrderLines}) and reports back an {@code
 * OrderLineDecided} ({@link io.stocklog.inventory.orders.LineReports}); the coordinator gathers the reports and
 * decides the order. {@link io.stocklog.inventory.orders.OrderPartition} is one partition doing all of it over its
 * one clock. {@code docs/orders.md} explains the design and its hazards.
 */
package io.stocklog.inventory.orders;
