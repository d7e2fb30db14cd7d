-- Service events on SQLite: counted acts (suoritteet) sent by sotepe's own
-- flows, by other systems through the API and by imports; their daily and
-- monthly aggregates, kept in the transaction of every write; the staff
-- table; and the integration clients allowed to send events. The one-row-
-- per-visit service_events of 00005 are folded into events and dropped.
-- Days are TEXT 'YYYY-MM-DD' (Europe/Helsinki), months 'YYYY-MM'.

-- +goose Up
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    statistic   TEXT NOT NULL,
    producer_id TEXT NOT NULL,
    mode        TEXT NOT NULL,
    age_band    TEXT NOT NULL DEFAULT '',
    lang        TEXT NOT NULL DEFAULT '',
    count       INTEGER NOT NULL CHECK (count >= 1)
) STRICT;
-- A source sends an act once.
CREATE UNIQUE INDEX events_source ON events (source, external_id);

-- The daily sums of events; always equal to the sum of events.
CREATE TABLE event_daily (
    day         TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    statistic   TEXT NOT NULL,
    producer_id TEXT NOT NULL,
    mode        TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (day, unit_id, statistic, producer_id, mode)
) STRICT, WITHOUT ROWID;

-- The monthly sums of events; always equal to the sum of event_daily by month.
CREATE TABLE event_monthly (
    month       TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    statistic   TEXT NOT NULL,
    producer_id TEXT NOT NULL,
    mode        TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (month, unit_id, statistic, producer_id, mode)
) STRICT, WITHOUT ROWID;

-- The staff of each service area at the end of a year.
CREATE TABLE staff_headcount (
    year      INTEGER NOT NULL,
    area_id   TEXT NOT NULL REFERENCES areas (id),
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    PRIMARY KEY (year, area_id)
) STRICT;

-- Other systems allowed to call the API with a bearer token: only the
-- token's SHA-256 is kept. scopes is a space-separated list.
CREATE TABLE integration_clients (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    token_hash BLOB NOT NULL UNIQUE,
    scopes     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

-- The completed visits of 00005 become events of their service's statistic.
INSERT INTO events (source, external_id, day, unit_id, statistic, producer_id, mode, count)
SELECT 'sotepe.appointment', CAST(e.source_id AS TEXT), e.day, e.unit_id,
       CASE e.service_id
           WHEN 'health-station-nurse' THEN 'health_station_nurse_visits'
           WHEN 'diabetes-care' THEN 'health_station_nurse_visits'
           WHEN 'doctor-appointment' THEN 'health_station_doctor_visits'
           WHEN 'dental-care' THEN 'dental_visits'
           WHEN 'maternity-child-clinic' THEN 'maternity_child_clinic_visits'
           WHEN 'school-student-health' THEN 'school_health_visits'
           WHEN 'psychiatric-outpatient' THEN 'psychiatric_outpatient_visits'
           WHEN 'mental-health-walk-in' THEN 'psychiatric_outpatient_visits'
           WHEN 'substance-abuse' THEN 'substance_abuse_clinic_visits'
           WHEN 'home-care' THEN 'home_care_visits'
           WHEN 'service-need-assessment' THEN 'service_need_assessments'
           ELSE 'other_visits'
       END,
       u.producer_id, e.mode, 1
FROM service_events e JOIN units u ON u.id = e.unit_id
ORDER BY e.id;
INSERT INTO event_daily (day, unit_id, statistic, producer_id, mode, count)
SELECT day, unit_id, statistic, producer_id, mode, SUM(count) FROM events
GROUP BY day, unit_id, statistic, producer_id, mode;
INSERT INTO event_monthly (month, unit_id, statistic, producer_id, mode, count)
SELECT substr(day, 1, 7), unit_id, statistic, producer_id, mode, SUM(count) FROM event_daily
GROUP BY substr(day, 1, 7), unit_id, statistic, producer_id, mode;
DROP TABLE service_events;

-- +goose Down
CREATE TABLE service_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    source     TEXT NOT NULL,
    source_id  INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    unit_id    TEXT NOT NULL REFERENCES units (id),
    mode       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    day        TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX service_events_source ON service_events (source, source_id);
CREATE INDEX service_events_day ON service_events (day, unit_id);
INSERT INTO service_events (source, source_id, service_id, unit_id, mode, at, day)
SELECT 'appointment', a.id, a.service_id, a.unit_id, e.mode, a.start_at, e.day
FROM events e JOIN appointments a ON a.id = CAST(e.external_id AS INTEGER)
WHERE e.source = 'sotepe.appointment';
DROP TABLE integration_clients;
DROP TABLE staff_headcount;
DROP TABLE event_monthly;
DROP TABLE event_daily;
DROP TABLE events;
