-- The read model: what the projector decided, folded per SKU and per reservation, and how far each
-- events partition has been applied. Every row carries the position of the event that last changed it,
-- so the sink's upserts can ignore anything older (redelivery, replays) and converge.

create table sku_stock (
  sku                text        primary key,
  on_hand            bigint      not null,
  reserved           bigint      not null,
  available          bigint      not null,
  position_partition int         not null check (position_partition >= 0),
  position_offset    bigint      not null check (position_offset >= 0),
  updated_at         timestamptz not null,
  constraint sku_stock_reserved_within_on_hand check (reserved between 0 and on_hand),
  constraint sku_stock_available_is_on_hand_minus_reserved check (available = on_hand - reserved)
);

create table reservation (
  sku                text        not null,
  order_id           text        not null,
  quantity           bigint      not null check (quantity >= 0),
  status             text        not null
      check (status in ('HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'REJECTED')),
  reject_reason      text        null,
  expires_at         timestamptz null,
  position_partition int         not null check (position_partition >= 0),
  position_offset    bigint      not null check (position_offset >= 0),
  updated_at         timestamptz not null,
  primary key (sku, order_id),
  constraint reservation_reason_only_when_rejected check ((status = 'REJECTED') = (reject_reason is not null))
);

-- Operators look for holds about to run out, and for an order's reservations across SKUs.
create index reservation_held_by_deadline on reservation (expires_at) where status = 'HELD';
create index reservation_by_order on reservation (order_id);

-- applied_offset -1: the sink owns the partition and has seen nothing in it yet.
create table applied_position (
  events_partition int         primary key check (events_partition >= 0),
  applied_offset   bigint      not null check (applied_offset >= -1),
  checked_at       timestamptz not null
);
