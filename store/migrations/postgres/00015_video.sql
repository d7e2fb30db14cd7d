-- Video appointments that connect (issue 16), on PostgreSQL.
-- Representations as in 00001: instants BIGINT unix microseconds in UTC,
-- text ids in the "C" collation.
--
-- appointments.video_call_at: when a call of the appointment's room first
-- connected the resident's side with a professional; completing the
-- appointment counts a video appointment only then.
-- video_invites: single-use links to a room for an interpreter or a
-- guardian. Only the SHA-256 of the link's token is stored, and once the
-- link is used, the SHA-256 of the key the guest's browser holds.

-- +goose Up
ALTER TABLE appointments ADD COLUMN video_call_at BIGINT;

CREATE TABLE video_invites (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    appointment_id BIGINT NOT NULL REFERENCES appointments (id),
    unit_id        TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    role           TEXT COLLATE "C" NOT NULL CHECK (role IN ('interpreter', 'guardian')),
    token_hash     BYTEA NOT NULL UNIQUE,
    guest_hash     BYTEA,
    created_by     BIGINT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT,
    CHECK ((used_at IS NULL) = (guest_hash IS NULL))
);
CREATE INDEX video_invites_appointment ON video_invites (appointment_id, id);

-- +goose Down
DROP TABLE video_invites;
ALTER TABLE appointments DROP COLUMN video_call_at;
