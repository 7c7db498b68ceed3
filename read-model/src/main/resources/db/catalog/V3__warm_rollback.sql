-- A rollback warms the projection it goes back to as a rebuild warms a new one, so its handoff does not restore
-- a million state entries while nobody decides. WARMING: its read model is complete and kept current, and the
-- projector services run a follower of its projector; WARM: they have closed the follower and prepared a decider
-- of it, paused until the handoff names it the decider (which makes it ACTIVE again).
alter table projection drop constraint projection_status_check;
alter table projection add constraint projection_status_check
    check (status in ('BUILDING', 'CATCHING_UP', 'READY', 'ACTIVE', 'WARMING', 'WARM'));
