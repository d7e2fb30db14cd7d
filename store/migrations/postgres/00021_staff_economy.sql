-- Staff, economy and sustainability (issue 20). Employments replace the
-- per-year staff table: the headcount of any day is counted from them. No
-- table holds a name, an identity code or health data: an employment has
-- an opaque key, sick leave is kept only as monthly sums by area and
-- profession.

-- +goose Up
CREATE TABLE employments (
    employee_key TEXT COLLATE "C" NOT NULL,
    start_date   TEXT COLLATE "C" NOT NULL,
    area_id      TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    profession   TEXT COLLATE "C" NOT NULL,
    end_date     TEXT COLLATE "C",
    end_reason   TEXT COLLATE "C" CHECK (end_reason IN ('resignation', 'retirement', 'fixed_term_ended', 'dismissal', 'other')),
    CHECK (end_date IS NULL OR end_date >= start_date),
    CHECK ((end_date IS NULL) = (end_reason IS NULL)),
    PRIMARY KEY (employee_key, start_date)
);
CREATE INDEX employments_start ON employments (start_date, area_id, profession);
CREATE INDEX employments_end ON employments (end_date, area_id, profession);

CREATE TABLE staff_vacancies (
    id         TEXT COLLATE "C" PRIMARY KEY,
    area_id    TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    profession TEXT COLLATE "C" NOT NULL,
    published  TEXT COLLATE "C" NOT NULL,
    applicants BIGINT NOT NULL CHECK (applicants >= 0)
);
CREATE INDEX staff_vacancies_published ON staff_vacancies (published);

-- HR's monthly sums by area and profession: course participations,
-- training days and sick-leave days.
CREATE TABLE staff_months (
    month         TEXT COLLATE "C" NOT NULL,
    area_id       TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    profession    TEXT COLLATE "C" NOT NULL,
    courses       BIGINT NOT NULL CHECK (courses >= 0),
    training_days BIGINT NOT NULL CHECK (training_days >= 0),
    sick_days     BIGINT NOT NULL CHECK (sick_days >= 0),
    PRIMARY KEY (month, area_id, profession)
);

CREATE TABLE budget_months (
    month      TEXT COLLATE "C" NOT NULL,
    area_id    TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    budget_eur BIGINT NOT NULL CHECK (budget_eur >= 0),
    actual_eur BIGINT NOT NULL CHECK (actual_eur >= 0),
    PRIMARY KEY (month, area_id)
);

CREATE TABLE change_measures (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name_fi     TEXT NOT NULL,
    name_sv     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    area_id     TEXT COLLATE "C" REFERENCES areas (id),
    target_eur  BIGINT NOT NULL CHECK (target_eur >= 0),
    target_year INTEGER NOT NULL
);

CREATE TABLE change_measure_savings (
    measure_id TEXT COLLATE "C" NOT NULL REFERENCES change_measures (id) ON DELETE CASCADE,
    year       INTEGER NOT NULL,
    eur        BIGINT NOT NULL CHECK (eur >= 0),
    PRIMARY KEY (measure_id, year)
);

CREATE TABLE hired_labour_months (
    month   TEXT COLLATE "C" NOT NULL,
    area_id TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    eur     BIGINT NOT NULL CHECK (eur >= 0),
    PRIMARY KEY (month, area_id)
);

CREATE TABLE fleet_cars (
    id             TEXT COLLATE "C" PRIMARY KEY,
    electric       BOOLEAN NOT NULL,
    in_service     TEXT COLLATE "C" NOT NULL,
    out_of_service TEXT COLLATE "C",
    CHECK (out_of_service IS NULL OR out_of_service >= in_service)
);

CREATE TABLE solar_months (
    month   TEXT COLLATE "C" NOT NULL,
    unit_id TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    kwh     BIGINT NOT NULL CHECK (kwh >= 0),
    PRIMARY KEY (month, unit_id)
);

CREATE TABLE plastic_months (
    month TEXT COLLATE "C" PRIMARY KEY,
    kg    BIGINT NOT NULL CHECK (kg >= 0)
);

DROP TABLE staff_headcount;

-- +goose Down
CREATE TABLE staff_headcount (
    year      INTEGER NOT NULL,
    area_id   TEXT COLLATE "C" NOT NULL REFERENCES areas (id),
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    PRIMARY KEY (year, area_id)
);
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
