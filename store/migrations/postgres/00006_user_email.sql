-- Where notifications to staff go: a breach at a manager's unit is sent to
-- the manager's work address. Residents' addresses stay on their resident
-- rows. Optional.

-- +goose Up
ALTER TABLE users ADD COLUMN email TEXT;

-- +goose Down
ALTER TABLE users DROP COLUMN email;
