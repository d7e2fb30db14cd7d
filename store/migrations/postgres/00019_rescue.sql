-- The rescue department on PostgreSQL: fire and rescue missions with their time
-- points, prehospital emergency care runs and fire inspections of
-- buildings. Instants are Unix microseconds in UTC; day is the local
-- (Europe/Helsinki) day of the call, 'YYYY-MM-DD'; response_s is the
-- response time (alarm to on scene) in seconds, kept for the figures.

-- +goose Up
CREATE TABLE rescue_missions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id   TEXT COLLATE "C" NOT NULL UNIQUE,
    station_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    accident_type TEXT COLLATE "C" NOT NULL CHECK (accident_type IN ('building_fire', 'other_fire', 'traffic_accident',
        'chemical_or_oil_spill', 'rescue_of_people_or_animals', 'damage_prevention', 'other')),
    urgency       TEXT COLLATE "C" NOT NULL CHECK (urgency IN ('A', 'B', 'C', 'D')),
    risk_class    TEXT COLLATE "C" NOT NULL CHECK (risk_class IN ('I', 'II', 'III', 'IV')),
    district      TEXT COLLATE "C" NOT NULL DEFAULT '',
    call_at       BIGINT NOT NULL,
    alarm_at      BIGINT NOT NULL,
    departed_at   BIGINT NOT NULL,
    on_scene_at   BIGINT NOT NULL,
    cleared_at    BIGINT NOT NULL,
    day           TEXT COLLATE "C" NOT NULL,
    response_s    INTEGER NOT NULL,
    CHECK (call_at <= alarm_at AND alarm_at <= departed_at AND departed_at <= on_scene_at AND on_scene_at <= cleared_at)
);
CREATE INDEX rescue_missions_day ON rescue_missions (day);
CREATE INDEX rescue_missions_call ON rescue_missions (call_at, id);

CREATE TABLE emergency_runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id   TEXT COLLATE "C" NOT NULL UNIQUE,
    station_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    urgency       TEXT COLLATE "C" NOT NULL CHECK (urgency IN ('A', 'B', 'C', 'D')),
    call_at       BIGINT NOT NULL,
    alarm_at      BIGINT NOT NULL,
    departed_at   BIGINT NOT NULL,
    on_scene_at   BIGINT NOT NULL,
    cleared_at    BIGINT NOT NULL,
    day           TEXT COLLATE "C" NOT NULL,
    response_s    INTEGER NOT NULL,
    CHECK (call_at <= alarm_at AND alarm_at <= departed_at AND departed_at <= on_scene_at AND on_scene_at <= cleared_at)
);
CREATE INDEX emergency_runs_day ON emergency_runs (day);

CREATE TABLE fire_inspections (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id   TEXT COLLATE "C" NOT NULL UNIQUE,
    station_id    TEXT COLLATE "C" NOT NULL REFERENCES units (id),
    address       TEXT COLLATE "C" NOT NULL,
    inspected_on  TEXT COLLATE "C" NOT NULL,
    findings      INTEGER NOT NULL CHECK (findings >= 0),
    notes         TEXT COLLATE "C" NOT NULL DEFAULT '',
    reinspect_on  TEXT COLLATE "C"
);
CREATE INDEX fire_inspections_day ON fire_inspections (inspected_on);
CREATE INDEX fire_inspections_due ON fire_inspections (reinspect_on) WHERE reinspect_on IS NOT NULL;

-- +goose Down
DROP TABLE fire_inspections;
DROP TABLE emergency_runs;
DROP TABLE rescue_missions;
