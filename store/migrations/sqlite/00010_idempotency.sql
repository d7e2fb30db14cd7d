-- Idempotency keys scoped to whoever sends them, on SQLite.
--
-- A contact request's key belonged to its resident, so a professional who
-- recorded a phone request for a resident with the key of that resident's
-- own request got the resident's request back. Now a key belongs to the
-- sender: the professional who recorded a phone request (recorded_by), else
-- the resident, else (the website form) the key alone.
--
-- A booking takes a key too, per resident, so that a retry after a lost
-- answer returns the booking instead of "someone booked it just before you".

-- +goose Up
-- Keys one professional gave two phone requests could not be told apart
-- under the new index: the later ones lose their key (their requests stay).
UPDATE contact_requests SET idempotency_key = NULL
WHERE recorded_by IS NOT NULL AND idempotency_key IS NOT NULL AND id NOT IN (
    SELECT MIN(id) FROM contact_requests WHERE recorded_by IS NOT NULL AND idempotency_key IS NOT NULL
    GROUP BY recorded_by, idempotency_key);
DROP INDEX contact_requests_idempotency;
CREATE UNIQUE INDEX contact_requests_idempotency ON contact_requests (
    COALESCE(recorded_by, 0),
    (CASE WHEN recorded_by IS NULL THEN COALESCE(resident_id, 0) ELSE 0 END),
    idempotency_key)
    WHERE idempotency_key IS NOT NULL;

ALTER TABLE appointments ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX appointments_idempotency ON appointments (resident_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- +goose Down
DROP INDEX appointments_idempotency;
ALTER TABLE appointments DROP COLUMN idempotency_key;
DROP INDEX contact_requests_idempotency;
CREATE UNIQUE INDEX contact_requests_idempotency ON contact_requests (COALESCE(resident_id, 0), idempotency_key)
    WHERE idempotency_key IS NOT NULL;
