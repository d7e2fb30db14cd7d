-- Video appointments that connect (issue 16), on SQLite. Representations
-- as in 00001: instants INTEGER unix microseconds in UTC, STRICT tables.
--
-- appointments.video_call_at: when a call of the appointment's room first
-- connected the resident's side with a professional; completing the
-- appointment counts a video appointment only then.
-- video_invites: single-use links to a room for an interpreter or a
-- guardian. Only the SHA-256 of the link's token is stored, and once the
-- link is used, the SHA-256 of the key the guest's browser holds.

-- +goose Up
ALTER TABLE appointments ADD COLUMN video_call_at INTEGER;

CREATE TABLE video_invites (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id INTEGER NOT NULL REFERENCES appointments (id),
    unit_id        TEXT NOT NULL REFERENCES units (id),
    role           TEXT NOT NULL CHECK (role IN ('interpreter', 'guardian')),
    token_hash     BLOB NOT NULL UNIQUE,
    guest_hash     BLOB,
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    CHECK ((used_at IS NULL) = (guest_hash IS NULL))
) STRICT;
CREATE INDEX video_invites_appointment ON video_invites (appointment_id, id);

-- +goose Down
DROP TABLE video_invites;
ALTER TABLE appointments DROP COLUMN video_call_at;
