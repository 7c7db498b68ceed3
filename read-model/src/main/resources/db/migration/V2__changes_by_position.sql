-- The query service's watcher asks, after each batch the sink commits, which SKU rows moved past the
-- positions it had seen: one range scan per events partition instead of a scan of the whole table.
create index sku_stock_by_position on sku_stock (position_partition, position_offset);
