-- The dashboard counts the rescue department's missions and emergency runs
-- by station and month (RescueMonthCounts). An index of the day and the
-- station answers that from the index alone, instead of reading every
-- row of the period; it also serves what the day index served.

-- +goose Up
CREATE INDEX rescue_missions_day_station ON rescue_missions (day, station_id);
DROP INDEX rescue_missions_day;
CREATE INDEX emergency_runs_day_station ON emergency_runs (day, station_id);
DROP INDEX emergency_runs_day;

-- +goose Down
CREATE INDEX emergency_runs_day ON emergency_runs (day);
DROP INDEX emergency_runs_day_station;
CREATE INDEX rescue_missions_day ON rescue_missions (day);
DROP INDEX rescue_missions_day_station;
