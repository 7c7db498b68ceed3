-- Orders of several lines, as their coordinator decided them: one row per order, its newest outcome by
-- position (the OrderOutcome records on the outcomes topic, in the order's events partition), guarded by
-- position like every other row so redelivery and replays converge. Named orders: order is a keyword.
create table orders (
  order_id           text        primary key,
  status             text        not null
      check (status in ('PENDING', 'HELD', 'REJECTED', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
  -- The first refused line's reason, for a REJECTED order only.
  reject_reason      text        null,
  -- The order's deadline; null while it is PENDING and for an order that never held anything.
  expires_at         timestamptz null,
  -- One element per SKU (lines of a SKU summed), in the order first named:
  -- {"sku","quantity","status"} plus "reason" and "available" for a refused line; status null while PENDING.
  lines              jsonb       not null check (jsonb_typeof(lines) = 'array'),
  position_partition int         not null check (position_partition >= 0),
  position_offset    bigint      not null check (position_offset >= 0),
  updated_at         timestamptz not null,
  constraint orders_reason_only_when_rejected check ((status = 'REJECTED') = (reject_reason is not null))
);

-- Operators look for orders that stay PENDING, and for held orders about to run out.
create index orders_unfinished on orders (status, expires_at) where status in ('PENDING', 'HELD');

-- An order's line prepared to be confirmed (the first phase of confirming an order) keeps its units and no
-- longer expires; the read model shows it as PREPARED, so an operator can see one that lingers.
alter table reservation drop constraint reservation_status_check;
alter table reservation add constraint reservation_status_check
    check (status in ('HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'REJECTED', 'PREPARED'));
