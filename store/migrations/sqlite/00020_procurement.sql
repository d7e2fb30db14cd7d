-- Purchased services (issue 20): the producers' business id (Y-tunnus) and
-- provider-register id, contracts with their services, units and price
-- lists, service-voucher kinds and their value periods, residents' voucher
-- decisions, and supervision (self-monitoring plans and visits).

-- +goose Up
ALTER TABLE producers ADD COLUMN business_id TEXT NOT NULL DEFAULT '';
ALTER TABLE producers ADD COLUMN register_id TEXT NOT NULL DEFAULT '';

CREATE TABLE contracts (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    producer_id            TEXT NOT NULL REFERENCES producers (id),
    title                  TEXT NOT NULL,
    value_cents            INTEGER NOT NULL CHECK (value_cents >= 0),
    valid_from             TEXT NOT NULL,
    valid_to               TEXT NOT NULL,
    social_criteria        INTEGER NOT NULL DEFAULT 0,
    environmental_criteria INTEGER NOT NULL DEFAULT 0,
    created_at             INTEGER NOT NULL,
    CHECK (valid_from <= valid_to)
) STRICT;
CREATE INDEX contracts_producer ON contracts (producer_id, id);
CREATE INDEX contracts_validity ON contracts (valid_from, valid_to);

CREATE TABLE contract_services (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    service_id  TEXT NOT NULL REFERENCES services (id),
    PRIMARY KEY (contract_id, service_id)
) STRICT;

CREATE TABLE contract_units (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    unit_id     TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (contract_id, unit_id)
) STRICT;

CREATE TABLE contract_prices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    service_id  TEXT NOT NULL REFERENCES services (id),
    measure     TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    CHECK (valid_from <= valid_to)
) STRICT;
CREATE INDEX contract_prices_contract ON contract_prices (contract_id, service_id, valid_from);

CREATE TABLE voucher_kinds (
    id         TEXT PRIMARY KEY,
    service_id TEXT REFERENCES services (id),
    name_fi    TEXT NOT NULL,
    name_sv    TEXT NOT NULL,
    name_en    TEXT NOT NULL
) STRICT;

CREATE TABLE voucher_values (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind_id          TEXT NOT NULL REFERENCES voucher_kinds (id) ON DELETE CASCADE,
    valid_from       TEXT NOT NULL,
    valid_to         TEXT NOT NULL,
    base_cents       INTEGER NOT NULL CHECK (base_cents >= 0),
    coefficient_bp   INTEGER NOT NULL CHECK (coefficient_bp > 0),
    CHECK (valid_from <= valid_to)
) STRICT;
CREATE INDEX voucher_values_kind ON voucher_values (kind_id, valid_from);

CREATE TABLE voucher_decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id INTEGER NOT NULL REFERENCES residents (id),
    kind_id     TEXT NOT NULL REFERENCES voucher_kinds (id),
    producer_id TEXT NOT NULL REFERENCES producers (id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    decided_by  INTEGER NOT NULL REFERENCES users (id),
    decided_at  INTEGER NOT NULL,
    CHECK (valid_from <= valid_to)
) STRICT;
CREATE INDEX voucher_decisions_resident ON voucher_decisions (resident_id, id);

CREATE TABLE self_monitoring_plans (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id   TEXT NOT NULL REFERENCES units (id),
    version   TEXT NOT NULL,
    plan_date TEXT NOT NULL,
    link      TEXT NOT NULL DEFAULT '',
    body      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX self_monitoring_plans_unit ON self_monitoring_plans (unit_id, plan_date);

CREATE TABLE supervision_visits (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        TEXT NOT NULL REFERENCES units (id),
    visit_date     TEXT NOT NULL,
    findings       TEXT NOT NULL,
    follow_up_due  TEXT,
    followed_up_on TEXT
) STRICT;
CREATE INDEX supervision_visits_unit ON supervision_visits (unit_id, visit_date);
CREATE INDEX supervision_visits_follow_up ON supervision_visits (follow_up_due) WHERE followed_up_on IS NULL;

-- +goose Down
DROP TABLE supervision_visits;
DROP TABLE self_monitoring_plans;
DROP TABLE voucher_decisions;
DROP TABLE voucher_values;
DROP TABLE voucher_kinds;
DROP TABLE contract_prices;
DROP TABLE contract_units;
DROP TABLE contract_services;
DROP TABLE contracts;
ALTER TABLE producers DROP COLUMN register_id;
ALTER TABLE producers DROP COLUMN business_id;
