-- A closed slot no longer holds its schedule's time (store.OpenSlots): a
-- time closed by staff, or closed when its appointment was cancelled after
-- its start, may be opened anew, also at the same start (a video time where
-- an in-person one was closed). So the unique start per schedule counts
-- only slots that are not closed. No slot leaves the closed state, so two
-- slots sharing a start never both come to hold the time. store.OpenSlots
-- keeps a schedule's slots that are not closed from overlapping at all;
-- this index is the guarantee of its simplest part whatever the code does,
-- and the range its overlap check searches.

-- +goose Up
DROP INDEX slots_resource_start;
CREATE UNIQUE INDEX slots_resource_start ON slots (resource_id, start_at) WHERE state <> 'closed';

-- +goose Down
-- Fails while two slots of a schedule share a start (one of them closed):
-- delete the closed one first.
DROP INDEX slots_resource_start;
CREATE UNIQUE INDEX slots_resource_start ON slots (resource_id, start_at);
