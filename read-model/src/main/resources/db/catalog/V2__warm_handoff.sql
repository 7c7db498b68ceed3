-- A rebuilt projection's projector runs in the projector services before its handoff, so its state is built
-- where it will decide. CATCHING_UP: they run it as a follower, publishing to its private topic. READY: they
-- have closed the follower and prepared a decider of it, paused until the handoff names it the decider.
alter table projection drop constraint projection_status_check;
alter table projection add constraint projection_status_check
    check (status in ('BUILDING', 'CATCHING_UP', 'READY', 'ACTIVE'));
