-- Staff, economy and sustainability (issue 20). Employments replace the
-- per-year staff table: the headcount of any day is counted from them. No
-- table holds a name, an identity code or health data: an employment has
-- an opaque key, sick leave is kept only as monthly sums by area and
-- profession.

-- +goose Up
CREATE TABLE employments (
    employee_key TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    area_id      TEXT NOT NULL REFERENCES areas (id),
    profession   TEXT NOT NULL,
    end_date     TEXT,
    end_reason   TEXT CHECK (end_reason IN ('resignation', 'retirement', 'fixed_term_ended', 'dismissal', 'other')),
    CHECK (end_date IS NULL OR end_date >= start_date),
    CHECK ((end_date IS NULL) = (end_reason IS NULL)),
    PRIMARY KEY (employee_key, start_date)
) STRICT;
CREATE INDEX employments_start ON employments (start_date, area_id, profession);
CREATE INDEX employments_end ON employments (end_date, area_id, profession);

CREATE TABLE staff_vacancies (
    id         TEXT PRIMARY KEY,
    area_id    TEXT NOT NULL REFERENCES areas (id),
    profession TEXT NOT NULL,
    published  TEXT NOT NULL,
    applicants INTEGER NOT NULL CHECK (applicants >= 0)
) STRICT;
CREATE INDEX staff_vacancies_published ON staff_vacancies (published);

-- HR's monthly sums by area and profession: course participations,
-- training days and sick-leave days.
CREATE TABLE staff_months (
    month         TEXT NOT NULL,
    area_id       TEXT NOT NULL REFERENCES areas (id),
    profession    TEXT NOT NULL,
    courses       INTEGER NOT NULL CHECK (courses >= 0),
    training_days INTEGER NOT NULL CHECK (training_days >= 0),
    sick_days     INTEGER NOT NULL CHECK (sick_days >= 0),
    PRIMARY KEY (month, area_id, profession)
) STRICT;

CREATE TABLE budget_months (
    month      TEXT NOT NULL,
    area_id    TEXT NOT NULL REFERENCES areas (id),
    budget_eur INTEGER NOT NULL CHECK (budget_eur >= 0),
    actual_eur INTEGER NOT NULL CHECK (actual_eur >= 0),
    PRIMARY KEY (month, area_id)
) STRICT;

CREATE TABLE change_measures (
    id          TEXT PRIMARY KEY,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    area_id     TEXT REFERENCES areas (id),
    target_eur  INTEGER NOT NULL CHECK (target_eur >= 0),
    target_year INTEGER NOT NULL
) STRICT;

CREATE TABLE change_measure_savings (
    measure_id TEXT NOT NULL REFERENCES change_measures (id) ON DELETE CASCADE,
    year       INTEGER NOT NULL,
    eur        INTEGER NOT NULL CHECK (eur >= 0),
    PRIMARY KEY (measure_id, year)
) STRICT;

CREATE TABLE hired_labour_months (
    month   TEXT NOT NULL,
    area_id TEXT NOT NULL REFERENCES areas (id),
    eur     INTEGER NOT NULL CHECK (eur >= 0),
    PRIMARY KEY (month, area_id)
) STRICT;

CREATE TABLE fleet_cars (
    id             TEXT PRIMARY KEY,
    electric       INTEGER NOT NULL,
    in_service     TEXT NOT NULL,
    out_of_service TEXT,
    CHECK (out_of_service IS NULL OR out_of_service >= in_service)
) STRICT;

CREATE TABLE solar_months (
    month   TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    kwh     INTEGER NOT NULL CHECK (kwh >= 0),
    PRIMARY KEY (month, unit_id)
) STRICT;

CREATE TABLE plastic_months (
    month TEXT PRIMARY KEY,
    kg    INTEGER NOT NULL CHECK (kg >= 0)
) STRICT;

DROP TABLE staff_headcount;

-- +goose Down
CREATE TABLE staff_headcount (
    year      INTEGER NOT NULL,
    area_id   TEXT NOT NULL REFERENCES areas (id),
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    PRIMARY KEY (year, area_id)
) STRICT;
DROP TABLE plastic_months;
DROP TABLE solar_months;
DROP TABLE fleet_cars;
DROP TABLE hired_labour_months;
DROP TABLE change_measure_savings;
DROP TABLE change_measures;
DROP TABLE budget_months;
DROP TABLE staff_months;
DROP TABLE staff_vacancies;
DROP TABLE employments;
