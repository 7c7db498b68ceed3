-- The projection catalog: which read models exist, which one the query service serves, and which
-- projector application decides (and so publishes the live outcomes). Lives in its own schema, beside
-- the read models it points at, so swapping a read model is one UPDATE of one row.

create table projection (
  name            text        primary key check (name ~ '^[a-z][a-z0-9_]{0,29}$'),
  -- The Kafka Streams application ID: consumer group, transactional IDs, changelog topic prefix.
  application_id  text        not null unique,
  -- The Postgres schema holding this projection's sku_stock, reservation and applied_position.
  schema_name     text        not null unique check (schema_name ~ '^[a-z_][a-z0-9_]{0,62}$'),
  -- The consumer group of the sink applying the live outcomes topic to schema_name.
  sink_group      text        not null unique,
  -- Where this projection's projector writes outcomes while it is not the decider (a rebuild).
  private_topic   text        not null,
  -- BUILDING: a rebuild is filling it, no service maintains it yet. ACTIVE: the projector services keep
  -- its read model current from the live outcomes topic.
  status          text        not null check (status in ('BUILDING', 'ACTIVE')),
  created_at      timestamptz not null default clock_timestamp()
);

create table control (
  singleton       boolean     primary key default true check (singleton),
  -- The read model the query service answers from.
  serving         text        not null references projection (name),
  -- The projection whose projector decides and publishes the live outcomes; null while a handoff
  -- between two projectors is under way (no projector may run then).
  decider         text        null references projection (name),
  -- Per events partition, the first offset whose outcomes the decider publishes: everything before it
  -- was published by the previous decider. JSON object {"partition": offset}.
  publish_from    jsonb       not null default '{}'::jsonb,
  -- While decider is null: the projection that decided before the handoff began (to undo it).
  handoff_from    text        null references projection (name),
  -- The projection that served before the last switch: where a rollback goes.
  previous        text        null references projection (name),
  version         bigint      not null default 0,
  updated_at      timestamptz not null default clock_timestamp()
);
