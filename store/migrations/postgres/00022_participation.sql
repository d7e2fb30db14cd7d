-- Population and participation (issue 20): the city's population figures
-- of a year, the experience experts by service area (an opaque key, no
-- name) and the participation events the sector holds.

-- +goose Up
CREATE TABLE population_years (
    year                          INTEGER PRIMARY KEY,
    residents                     BIGINT NOT NULL CHECK (residents >= 0),
    native_languages              BIGINT NOT NULL CHECK (native_languages >= 0),
    growth_from_elsewhere_percent BIGINT NOT NULL CHECK (growth_from_elsewhere_percent BETWEEN 0 AND 100)
);

CREATE TABLE experience_experts (
    expert_key TEXT COLLATE "C" NOT NULL,
    start_date TEXT COLLATE "C" NOT NULL,
    area_id    TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    end_date   TEXT COLLATE "C",
    CHECK (end_date IS NULL OR end_date >= start_date),
    PRIMARY KEY (expert_key, start_date)
);

CREATE TABLE participation_events (
    id   TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('resident_evening', 'client_forum')),
    day  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX participation_events_day ON participation_events (day, kind);

-- +goose Down
DROP TABLE participation_events;
DROP TABLE experience_experts;
DROP TABLE population_years;
