-- The first schema of sotepe on PostgreSQL. Instants are BIGINT unix
-- microseconds in UTC, dates TEXT YYYY-MM-DD. Text ids and sort keys use the
-- "C" collation so that they order byte by byte, exactly as on SQLite.

-- +goose Up
CREATE TABLE areas (
    id       TEXT COLLATE "C" PRIMARY KEY,
    name_fi  TEXT NOT NULL,
    name_sv  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE concepts (
    id      TEXT COLLATE "C" PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE districts (
    id      TEXT COLLATE "C" PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE producers (
    id      TEXT COLLATE "C" PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('own', 'contract', 'voucher'))
);

CREATE TABLE services (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    area_id                TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    name_fi                TEXT NOT NULL,
    name_sv                TEXT NOT NULL,
    name_en                TEXT NOT NULL,
    description_fi         TEXT NOT NULL DEFAULT '',
    description_sv         TEXT NOT NULL DEFAULT '',
    description_en         TEXT NOT NULL DEFAULT '',
    takes_contact_requests BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX services_area ON services (area_id, id);

CREATE TABLE units (
    id          TEXT COLLATE "C" PRIMARY KEY,
    kind        TEXT NOT NULL,
    area_id     TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    producer_id TEXT COLLATE "C" NOT NULL REFERENCES producers (id),
    district_id TEXT COLLATE "C" NOT NULL REFERENCES districts (id),
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort_fi     TEXT COLLATE "C" NOT NULL,
    sort_sv     TEXT COLLATE "C" NOT NULL,
    sort_en     TEXT COLLATE "C" NOT NULL,
    street_fi   TEXT NOT NULL DEFAULT '',
    street_sv   TEXT NOT NULL DEFAULT '',
    street_en   TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city_fi     TEXT NOT NULL DEFAULT '',
    city_sv     TEXT NOT NULL DEFAULT '',
    city_en     TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION NOT NULL DEFAULT 0,
    lon         DOUBLE PRECISION NOT NULL DEFAULT 0,
    phone       TEXT NOT NULL DEFAULT '',
    opened      TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '{}',
    -- Copies of the unit's join rows, space-separated in saved order, so that a
    -- page of units is one query; the join tables below filter and keep the
    -- foreign keys. SaveUnit writes both in one transaction.
    service_ids TEXT NOT NULL DEFAULT '',
    concept_ids TEXT NOT NULL DEFAULT '',
    langs       TEXT NOT NULL DEFAULT '',
    search_text TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX units_sort_fi ON units (sort_fi, id);
CREATE INDEX units_sort_sv ON units (sort_sv, id);
CREATE INDEX units_sort_en ON units (sort_en, id);
CREATE INDEX units_area ON units (area_id);
CREATE INDEX units_producer ON units (producer_id);
CREATE INDEX units_district ON units (district_id);
CREATE INDEX units_kind ON units (kind);

CREATE TABLE unit_services (
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    service_id TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (unit_id, service_id)
);
CREATE INDEX unit_services_service ON unit_services (service_id, unit_id);

CREATE TABLE unit_concepts (
    unit_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    concept_id TEXT COLLATE "C" NOT NULL REFERENCES concepts (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (unit_id, concept_id)
);
CREATE INDEX unit_concepts_concept ON unit_concepts (concept_id, unit_id);

CREATE TABLE unit_languages (
    unit_id  TEXT COLLATE "C" NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    lang     TEXT NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    position INTEGER NOT NULL,
    PRIMARY KEY (unit_id, lang)
);
CREATE INDEX unit_languages_lang ON unit_languages (lang, unit_id);

CREATE TABLE residents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    personal_id TEXT NOT NULL UNIQUE,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    lang        TEXT NOT NULL,
    district_id TEXT COLLATE "C" REFERENCES districts (id),
    home_unit   TEXT COLLATE "C" REFERENCES units (id),
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    lang          TEXT NOT NULL,
    resident_id   BIGINT REFERENCES residents (id),
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_resident ON users (resident_id);

CREATE TABLE user_roles (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('resident', 'professional', 'manager', 'analyst', 'admin')),
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_units (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id  TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, unit_id)
);
CREATE INDEX user_units_unit ON user_units (unit_id);

CREATE TABLE identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- audit_log has no foreign keys: the trail outlives what it speaks of, and it
-- records attempts (a search that found nobody, a failed login) too.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    day         TEXT COLLATE "C" NOT NULL,
    actor_id    BIGINT NOT NULL,
    actor_role  TEXT NOT NULL DEFAULT '',
    actor_unit  TEXT COLLATE "C" NOT NULL DEFAULT '',
    resident_id BIGINT,
    action      TEXT COLLATE "C" NOT NULL,
    object      TEXT NOT NULL DEFAULT '',
    basis       TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_resident ON audit_log (resident_id, at, id);
CREATE INDEX audit_log_day ON audit_log (day);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
-- +goose StatementEnd

-- Statement-level, so even an UPDATE or DELETE that matches no row, and any
-- TRUNCATE, is refused.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
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
