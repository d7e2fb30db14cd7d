-- Strong identification and acting on behalf (issue 14).
--
-- sessions: which identity provider signed the session in ('' for a
-- password), the level of assurance it gave ('substantial', 'high'; '' for a
-- password), and whom the signed-in resident acts for (NULL: for themselves),
-- on which basis ('guardian', 'mandate') and until when (NULL: no end).
-- oidc_logins: a sign-in under way at a provider, single use, keyed by the
-- SHA-256 of its state, bound to the browser by a cookie holding the state.
-- residents.guardians_denied: a minor of 12 or more has forbidden their
-- guardians to handle their health and social care matters.
-- audit_log.on_behalf_of: the resident the actor acted for.

-- +goose Up
ALTER TABLE sessions ADD COLUMN provider TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN loa TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN acting_for BIGINT REFERENCES residents (id);
ALTER TABLE sessions ADD COLUMN acting_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN acting_until BIGINT;

CREATE TABLE oidc_logins (
    state_hash BYTEA PRIMARY KEY,
    provider   TEXT COLLATE "C" NOT NULL,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    return_to  TEXT NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expires ON oidc_logins (expires_at);

ALTER TABLE residents ADD COLUMN guardians_denied BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE audit_log ADD COLUMN on_behalf_of BIGINT;
CREATE INDEX audit_log_on_behalf ON audit_log (on_behalf_of, at, id) WHERE on_behalf_of IS NOT NULL;
CREATE INDEX audit_log_actor_behalf ON audit_log (actor_id, at, id) WHERE on_behalf_of IS NOT NULL;

-- +goose Down
DROP INDEX audit_log_actor_behalf;
DROP INDEX audit_log_on_behalf;
ALTER TABLE audit_log DROP COLUMN on_behalf_of;
ALTER TABLE residents DROP COLUMN guardians_denied;
DROP TABLE oidc_logins;
ALTER TABLE sessions DROP COLUMN acting_until;
ALTER TABLE sessions DROP COLUMN acting_basis;
ALTER TABLE sessions DROP COLUMN acting_for;
ALTER TABLE sessions DROP COLUMN loa;
ALTER TABLE sessions DROP COLUMN provider;
