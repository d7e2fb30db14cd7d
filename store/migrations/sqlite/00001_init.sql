-- The first schema of sotepe on SQLite. Instants are INTEGER unix
-- microseconds in UTC, dates TEXT YYYY-MM-DD, booleans INTEGER 0/1. Tables are
-- STRICT so a value of the wrong type is refused as on PostgreSQL.

-- +goose Up
CREATE TABLE areas (
    id       TEXT PRIMARY KEY,
    name_fi  TEXT NOT NULL,
    name_sv  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE concepts (
    id      TEXT PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

CREATE TABLE districts (
    id      TEXT PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

CREATE TABLE producers (
    id      TEXT PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('own', 'contract', 'voucher'))
) STRICT;

CREATE TABLE services (
    id                     TEXT PRIMARY KEY,
    area_id                TEXT NOT NULL REFERENCES areas (id),
    name_fi                TEXT NOT NULL,
    name_sv                TEXT NOT NULL,
    name_en                TEXT NOT NULL,
    description_fi         TEXT NOT NULL DEFAULT '',
    description_sv         TEXT NOT NULL DEFAULT '',
    description_en         TEXT NOT NULL DEFAULT '',
    takes_contact_requests INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX services_area ON services (area_id, id);

CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    area_id     TEXT NOT NULL REFERENCES areas (id),
    producer_id TEXT NOT NULL REFERENCES producers (id),
    district_id TEXT NOT NULL REFERENCES districts (id),
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort_fi     TEXT NOT NULL,
    sort_sv     TEXT NOT NULL,
    sort_en     TEXT NOT NULL,
    street_fi   TEXT NOT NULL DEFAULT '',
    street_sv   TEXT NOT NULL DEFAULT '',
    street_en   TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city_fi     TEXT NOT NULL DEFAULT '',
    city_sv     TEXT NOT NULL DEFAULT '',
    city_en     TEXT NOT NULL DEFAULT '',
    lat         REAL NOT NULL DEFAULT 0,
    lon         REAL NOT NULL DEFAULT 0,
    phone       TEXT NOT NULL DEFAULT '',
    opened      TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '{}',
    -- Copies of the unit's join rows, space-separated in saved order, so that a
    -- page of units is one query; the join tables below filter and keep the
    -- foreign keys. SaveUnit writes both in one transaction.
    service_ids TEXT NOT NULL DEFAULT '',
    concept_ids TEXT NOT NULL DEFAULT '',
    langs       TEXT NOT NULL DEFAULT '',
    search_text TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX units_sort_fi ON units (sort_fi, id);
CREATE INDEX units_sort_sv ON units (sort_sv, id);
CREATE INDEX units_sort_en ON units (sort_en, id);
CREATE INDEX units_area ON units (area_id);
CREATE INDEX units_producer ON units (producer_id);
CREATE INDEX units_district ON units (district_id);
CREATE INDEX units_kind ON units (kind);

CREATE TABLE unit_services (
    unit_id    TEXT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (unit_id, service_id)
) STRICT;
CREATE INDEX unit_services_service ON unit_services (service_id, unit_id);

CREATE TABLE unit_concepts (
    unit_id    TEXT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    concept_id TEXT NOT NULL REFERENCES concepts (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (unit_id, concept_id)
) STRICT;
CREATE INDEX unit_concepts_concept ON unit_concepts (concept_id, unit_id);

CREATE TABLE unit_languages (
    unit_id  TEXT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    lang     TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    position INTEGER NOT NULL,
    PRIMARY KEY (unit_id, lang)
) STRICT;
CREATE INDEX unit_languages_lang ON unit_languages (lang, unit_id);

CREATE TABLE residents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    personal_id TEXT NOT NULL UNIQUE,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    lang        TEXT NOT NULL,
    district_id TEXT REFERENCES districts (id),
    home_unit   TEXT REFERENCES units (id),
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    lang          TEXT NOT NULL,
    resident_id   INTEGER REFERENCES residents (id),
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX users_resident ON users (resident_id);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('resident', 'professional', 'manager', 'analyst', 'admin')),
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, role)
) STRICT;

CREATE TABLE user_units (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id  TEXT NOT NULL REFERENCES units (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, unit_id)
) STRICT;
CREATE INDEX user_units_unit ON user_units (unit_id);

CREATE TABLE identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
) STRICT;
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- audit_log has no foreign keys: the trail outlives what it speaks of, and it
-- records attempts (a search that found nobody, a failed login) too.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    day         TEXT NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor_role  TEXT NOT NULL DEFAULT '',
    actor_unit  TEXT NOT NULL DEFAULT '',
    resident_id INTEGER,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL DEFAULT '',
    basis       TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_resident ON audit_log (resident_id, at, id);
CREATE INDEX audit_log_day ON audit_log (day);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE identities;
DROP TABLE user_units;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE residents;
DROP TABLE unit_languages;
DROP TABLE unit_concepts;
DROP TABLE unit_services;
DROP TABLE units;
DROP TABLE services;
DROP TABLE producers;
DROP TABLE districts;
DROP TABLE concepts;
DROP TABLE areas;
