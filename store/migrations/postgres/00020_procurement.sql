-- Purchased services (issue 20): the producers' business id (Y-tunnus) and
-- provider-register id, contracts with their services, units and price
-- lists, service-voucher kinds and their value periods, residents' voucher
-- decisions, and supervision (self-monitoring plans and visits).

-- +goose Up
ALTER TABLE producers ADD COLUMN business_id TEXT NOT NULL DEFAULT '';
ALTER TABLE producers ADD COLUMN register_id TEXT NOT NULL DEFAULT '';

CREATE TABLE contracts (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    producer_id            TEXT COLLATE "C" NOT NULL REFERENCES producers (id),
    title                  TEXT NOT NULL,
    value_cents            BIGINT NOT NULL CHECK (value_cents >= 0),
    valid_from             TEXT COLLATE "C" NOT NULL,
    valid_to               TEXT COLLATE "C" NOT NULL,
    social_criteria        BOOLEAN NOT NULL DEFAULT FALSE,
    environmental_criteria BOOLEAN NOT NULL DEFAULT FALSE,
    created_at             BIGINT NOT NULL,
    CHECK (valid_from <= valid_to)
);
CREATE INDEX contracts_producer ON contracts (producer_id, id);
CREATE INDEX contracts_validity ON contracts (valid_from, valid_to);

CREATE TABLE contract_services (
    contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    service_id  TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    PRIMARY KEY (contract_id, service_id)
);

CREATE TABLE contract_units (
    contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    unit_id     TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    PRIMARY KEY (contract_id, unit_id)
);

CREATE TABLE contract_prices (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    service_id  TEXT COLLATE "C" NOT NULL REFERENCES services (id),
    measure     TEXT NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    valid_from  TEXT COLLATE "C" NOT NULL,
    valid_to    TEXT NOT NULL,
    CHECK (valid_from <= valid_to)
);
CREATE INDEX contract_prices_contract ON contract_prices (contract_id, service_id, valid_from);

CREATE TABLE voucher_kinds (
    id         TEXT COLLATE "C" PRIMARY KEY,
    service_id TEXT COLLATE "C" REFERENCES services (id),
    name_fi    TEXT NOT NULL,
    name_sv    TEXT NOT NULL,
    name_en    TEXT NOT NULL
);

CREATE TABLE voucher_values (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind_id          TEXT COLLATE "C" NOT NULL REFERENCES voucher_kinds (id) ON DELETE CASCADE,
    valid_from       TEXT COLLATE "C" NOT NULL,
    valid_to         TEXT NOT NULL,
    base_cents       BIGINT NOT NULL CHECK (base_cents >= 0),
    coefficient_bp   INTEGER NOT NULL CHECK (coefficient_bp > 0),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX voucher_values_kind ON voucher_values (kind_id, valid_from);

CREATE TABLE voucher_decisions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    kind_id     TEXT COLLATE "C" NOT NULL REFERENCES voucher_kinds (id),
    producer_id TEXT COLLATE "C" NOT NULL REFERENCES producers (id),
    valid_from  TEXT COLLATE "C" NOT NULL,
    valid_to    TEXT NOT NULL,
    decided_by  BIGINT NOT NULL REFERENCES users (id),
    decided_at  BIGINT NOT NULL,
    CHECK (valid_from <= valid_to)
);
CREATE INDEX voucher_decisions_resident ON voucher_decisions (resident_id, id);

CREATE TABLE self_monitoring_plans (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id   TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    version   TEXT NOT NULL,
    plan_date TEXT COLLATE "C" NOT NULL,
    link      TEXT NOT NULL DEFAULT '',
    body      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX self_monitoring_plans_unit ON self_monitoring_plans (unit_id, plan_date);

CREATE TABLE supervision_visits (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id        TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    visit_date     TEXT COLLATE "C" NOT NULL,
    findings       TEXT NOT NULL,
    follow_up_due  TEXT COLLATE "C",
    followed_up_on TEXT
);
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
