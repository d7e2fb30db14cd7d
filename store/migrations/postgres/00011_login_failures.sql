-- Failed sign-ins, counted per key so that every sotepe process on one
-- database agrees on who must wait. A key is the SHA-256 of what is counted
-- (an account and a client address together, or a client address alone), so
-- the table holds no usernames or addresses. Rows not touched for an hour
-- are swept on the next failure.

-- +goose Up
CREATE TABLE login_failures (
    key_hash BYTEA PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at  BIGINT NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_at);

-- +goose Down
DROP TABLE login_failures;
