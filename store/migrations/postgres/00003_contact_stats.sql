-- The figures of the answer promise (stats.go, store/contact_stats.go), on
-- PostgreSQL: a roll-up of contact requests by day, week and month, kept by a
-- trigger; the working time to the first answer; and Europe/Helsinki's
-- offsets from UTC. Representations as in 00001. The roll-up is the same as
-- on SQLite (see its 00003 for why there is one); so is the local day, read
-- from the same table of offsets rather than from the server's time zone
-- database, so that both engines put every request on the same day.

-- +goose Up

-- The working time (service hours on working days, workday.Calendar.
-- WorkingHoursBetween) from receipt to the first answer, in whole seconds.
-- The calendar lives in Go, so Go fills it after the answer
-- (Store.FillAnswerWorkingSeconds); NULL until then.
ALTER TABLE contact_requests ADD COLUMN answer_seconds BIGINT;

-- Europe/Helsinki's offset from UTC from each change on (1981–2100, from Go's
-- time zone database; store tests compare every row with it).
CREATE TABLE zone_offsets (
    since      BIGINT PRIMARY KEY, -- unix microseconds in UTC
    utc_offset BIGINT NOT NULL     -- microseconds east of UTC
);
INSERT INTO zone_offsets (since, utc_offset) VALUES
    (-9223372036854775807, 7200000000),
    (354672000000000, 10800000000),
    (370396800000000, 7200000000),
    (386121600000000, 10800000000),
    (401846400000000, 7200000000),
    (417574800000000, 10800000000),
    (433299600000000, 7200000000),
    (449024400000000, 10800000000),
    (465354000000000, 7200000000),
    (481078800000000, 10800000000),
    (496803600000000, 7200000000),
    (512528400000000, 10800000000),
    (528253200000000, 7200000000),
    (543978000000000, 10800000000),
    (559702800000000, 7200000000),
    (575427600000000, 10800000000),
    (591152400000000, 7200000000),
    (606877200000000, 10800000000),
    (622602000000000, 7200000000),
    (638326800000000, 10800000000),
    (654656400000000, 7200000000),
    (670381200000000, 10800000000),
    (686106000000000, 7200000000),
    (701830800000000, 10800000000),
    (717555600000000, 7200000000),
    (733280400000000, 10800000000),
    (749005200000000, 7200000000),
    (764730000000000, 10800000000),
    (780454800000000, 7200000000),
    (796179600000000, 10800000000),
    (811904400000000, 7200000000),
    (828234000000000, 10800000000),
    (846378000000000, 7200000000),
    (859683600000000, 10800000000),
    (877827600000000, 7200000000),
    (891133200000000, 10800000000),
    (909277200000000, 7200000000),
    (922582800000000, 10800000000),
    (941331600000000, 7200000000),
    (954032400000000, 10800000000),
    (972781200000000, 7200000000),
    (985482000000000, 10800000000),
    (1004230800000000, 7200000000),
    (1017536400000000, 10800000000),
    (1035680400000000, 7200000000),
    (1048986000000000, 10800000000),
    (1067130000000000, 7200000000),
    (1080435600000000, 10800000000),
    (1099184400000000, 7200000000),
    (1111885200000000, 10800000000),
    (1130634000000000, 7200000000),
    (1143334800000000, 10800000000),
    (1162083600000000, 7200000000),
    (1174784400000000, 10800000000),
    (1193533200000000, 7200000000),
    (1206838800000000, 10800000000),
    (1224982800000000, 7200000000),
    (1238288400000000, 10800000000),
    (1256432400000000, 7200000000),
    (1269738000000000, 10800000000),
    (1288486800000000, 7200000000),
    (1301187600000000, 10800000000),
    (1319936400000000, 7200000000),
    (1332637200000000, 10800000000),
    (1351386000000000, 7200000000),
    (1364691600000000, 10800000000),
    (1382835600000000, 7200000000),
    (1396141200000000, 10800000000),
    (1414285200000000, 7200000000),
    (1427590800000000, 10800000000),
    (1445734800000000, 7200000000),
    (1459040400000000, 10800000000),
    (1477789200000000, 7200000000),
    (1490490000000000, 10800000000),
    (1509238800000000, 7200000000),
    (1521939600000000, 10800000000),
    (1540688400000000, 7200000000),
    (1553994000000000, 10800000000),
    (1572138000000000, 7200000000),
    (1585443600000000, 10800000000),
    (1603587600000000, 7200000000),
    (1616893200000000, 10800000000),
    (1635642000000000, 7200000000),
    (1648342800000000, 10800000000),
    (1667091600000000, 7200000000),
    (1679792400000000, 10800000000),
    (1698541200000000, 7200000000),
    (1711846800000000, 10800000000),
    (1729990800000000, 7200000000),
    (1743296400000000, 10800000000),
    (1761440400000000, 7200000000),
    (1774746000000000, 10800000000),
    (1792890000000000, 7200000000),
    (1806195600000000, 10800000000),
    (1824944400000000, 7200000000),
    (1837645200000000, 10800000000),
    (1856394000000000, 7200000000),
    (1869094800000000, 10800000000),
    (1887843600000000, 7200000000),
    (1901149200000000, 10800000000),
    (1919293200000000, 7200000000),
    (1932598800000000, 10800000000),
    (1950742800000000, 7200000000),
    (1964048400000000, 10800000000),
    (1982797200000000, 7200000000),
    (1995498000000000, 10800000000),
    (2014246800000000, 7200000000),
    (2026947600000000, 10800000000),
    (2045696400000000, 7200000000),
    (2058397200000000, 10800000000),
    (2077146000000000, 7200000000),
    (2090451600000000, 10800000000),
    (2108595600000000, 7200000000),
    (2121901200000000, 10800000000),
    (2140045200000000, 7200000000),
    (2153350800000000, 10800000000),
    (2172099600000000, 7200000000),
    (2184800400000000, 10800000000),
    (2203549200000000, 7200000000),
    (2216250000000000, 10800000000),
    (2234998800000000, 7200000000),
    (2248304400000000, 10800000000),
    (2266448400000000, 7200000000),
    (2279754000000000, 10800000000),
    (2297898000000000, 7200000000),
    (2311203600000000, 10800000000),
    (2329347600000000, 7200000000),
    (2342653200000000, 10800000000),
    (2361402000000000, 7200000000),
    (2374102800000000, 10800000000),
    (2392851600000000, 7200000000),
    (2405552400000000, 10800000000),
    (2424301200000000, 7200000000),
    (2437606800000000, 10800000000),
    (2455750800000000, 7200000000),
    (2469056400000000, 10800000000),
    (2487200400000000, 7200000000),
    (2500506000000000, 10800000000),
    (2519254800000000, 7200000000),
    (2531955600000000, 10800000000),
    (2550704400000000, 7200000000),
    (2563405200000000, 10800000000),
    (2582154000000000, 7200000000),
    (2595459600000000, 10800000000),
    (2613603600000000, 7200000000),
    (2626909200000000, 10800000000),
    (2645053200000000, 7200000000),
    (2658358800000000, 10800000000),
    (2676502800000000, 7200000000),
    (2689808400000000, 10800000000),
    (2708557200000000, 7200000000),
    (2721258000000000, 10800000000),
    (2740006800000000, 7200000000),
    (2752707600000000, 10800000000),
    (2771456400000000, 7200000000),
    (2784762000000000, 10800000000),
    (2802906000000000, 7200000000),
    (2816211600000000, 10800000000),
    (2834355600000000, 7200000000),
    (2847661200000000, 10800000000),
    (2866410000000000, 7200000000),
    (2879110800000000, 10800000000),
    (2897859600000000, 7200000000),
    (2910560400000000, 10800000000),
    (2929309200000000, 7200000000),
    (2942010000000000, 10800000000),
    (2960758800000000, 7200000000),
    (2974064400000000, 10800000000),
    (2992208400000000, 7200000000),
    (3005514000000000, 10800000000),
    (3023658000000000, 7200000000),
    (3036963600000000, 10800000000),
    (3055712400000000, 7200000000),
    (3068413200000000, 10800000000),
    (3087162000000000, 7200000000),
    (3099862800000000, 10800000000),
    (3118611600000000, 7200000000),
    (3131917200000000, 10800000000),
    (3150061200000000, 7200000000),
    (3163366800000000, 10800000000),
    (3181510800000000, 7200000000),
    (3194816400000000, 10800000000),
    (3212960400000000, 7200000000),
    (3226266000000000, 10800000000),
    (3245014800000000, 7200000000),
    (3257715600000000, 10800000000),
    (3276464400000000, 7200000000),
    (3289165200000000, 10800000000),
    (3307914000000000, 7200000000),
    (3321219600000000, 10800000000),
    (3339363600000000, 7200000000),
    (3352669200000000, 10800000000),
    (3370813200000000, 7200000000),
    (3384118800000000, 10800000000),
    (3402867600000000, 7200000000),
    (3415568400000000, 10800000000),
    (3434317200000000, 7200000000),
    (3447018000000000, 10800000000),
    (3465766800000000, 7200000000),
    (3479072400000000, 10800000000),
    (3497216400000000, 7200000000),
    (3510522000000000, 10800000000),
    (3528666000000000, 7200000000),
    (3541971600000000, 10800000000),
    (3560115600000000, 7200000000),
    (3573421200000000, 10800000000),
    (3592170000000000, 7200000000),
    (3604870800000000, 10800000000),
    (3623619600000000, 7200000000),
    (3636320400000000, 10800000000),
    (3655069200000000, 7200000000),
    (3668374800000000, 10800000000),
    (3686518800000000, 7200000000),
    (3699824400000000, 10800000000),
    (3717968400000000, 7200000000),
    (3731274000000000, 10800000000),
    (3750022800000000, 7200000000),
    (3762723600000000, 10800000000),
    (3781472400000000, 7200000000),
    (3794173200000000, 10800000000),
    (3812922000000000, 7200000000),
    (3825622800000000, 10800000000),
    (3844371600000000, 7200000000),
    (3857677200000000, 10800000000),
    (3875821200000000, 7200000000),
    (3889126800000000, 10800000000),
    (3907270800000000, 7200000000),
    (3920576400000000, 10800000000),
    (3939325200000000, 7200000000),
    (3952026000000000, 10800000000),
    (3970774800000000, 7200000000),
    (3983475600000000, 10800000000),
    (4002224400000000, 7200000000),
    (4015530000000000, 10800000000),
    (4033674000000000, 7200000000),
    (4046979600000000, 10800000000),
    (4065123600000000, 7200000000),
    (4078429200000000, 10800000000),
    (4096573200000000, 7200000000),
    (4109878800000000, 10800000000),
    (4128627600000000, 7200000000);

-- The day (YYYY-MM-DD) in Europe/Helsinki of an instant in unix microseconds.
-- +goose StatementBegin
CREATE FUNCTION local_day(at BIGINT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT to_char(to_timestamp((at + (SELECT z.utc_offset FROM zone_offsets AS z WHERE z.since <= at
        ORDER BY z.since DESC LIMIT 1)) / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')
$$;
-- +goose StatementEnd

-- The roll-up, one row per dimension (dim), level (day, week or month),
-- unit (unit_id), period and key (group_id): the requests received in the
-- period, those answered (a first answer from staff), those answered by their
-- due time, those closed without an answer after their due time, and the
-- working seconds to the first answer of each answered request whose working
-- time is filled, as a list "s1,s2,…," (a percentile needs the values, not a
-- sum). The dimensions unit, service and channel hold the whole city (unit_id
-- is ''); unit_service and unit_channel hold each unit's services and
-- channels (unit_id is the unit), for figures limited to some units. Periods
-- are days (YYYY-MM-DD) in Europe/Helsinki and, for the dimensions by unit,
-- also ISO weeks (YYYY-Www) and months (YYYY-MM): a request counts once at
-- each of its levels, so the figures of 349 units' whole months read one row
-- per unit and month, not one per day. Service and channel have few keys, so
-- their days are few rows; at the coarser levels their lists would grow to
-- hundreds of kilobytes, rewritten at every answer, so they keep days only.
-- The key orders the rows so that one dimension's periods, or one unit's,
-- are one range.
-- What depends on the present moment (the backlog, requests still open past
-- their due time) is read from contact_requests, where open requests are few.
CREATE TABLE contact_stats (
    dim           TEXT COLLATE "C" NOT NULL,
    level         TEXT COLLATE "C" NOT NULL CHECK (level IN ('day', 'week', 'month')),
    unit_id       TEXT COLLATE "C" NOT NULL,
    period        TEXT COLLATE "C" NOT NULL,
    group_id      TEXT COLLATE "C" NOT NULL,
    received      BIGINT NOT NULL DEFAULT 0,
    answered      BIGINT NOT NULL DEFAULT 0,
    in_time       BIGINT NOT NULL DEFAULT 0,
    missed_closed BIGINT NOT NULL DEFAULT 0,
    seconds       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dim, level, unit_id, period, group_id)
);

-- The open requests (the backlog and those past due without an answer) and
-- the answers whose working time is not filled yet: both small sets.
CREATE INDEX contact_requests_stats_open ON contact_requests (status, received_at, unit_id, service_id, channel, due_at, first_answered_at)
    WHERE status IN ('new', 'in_progress', 'waiting');
CREATE INDEX contact_requests_stats_unfilled ON contact_requests (received_at, unit_id, service_id, channel, first_answered_at, answer_seconds)
    WHERE first_answered_at IS NOT NULL AND answer_seconds IS NULL;

-- The requests stored before this migration.
INSERT INTO contact_stats (dim, level, unit_id, period, group_id, received, answered, in_time, missed_closed)
SELECT g.dim, g.level, g.unit_id, g.period, g.group_id, COUNT(*), SUM(g.answered), SUM(g.in_time), SUM(g.missed_closed)
FROM (
    SELECT b.dim, l.level,
        CASE WHEN b.dim IN ('unit', 'service', 'channel') THEN '' ELSE t.unit_id END AS unit_id,
        CASE l.level WHEN 'day' THEN t.day WHEN 'week' THEN to_char(CAST(t.day AS date), 'IYYY-"W"IW') ELSE substr(t.day, 1, 7) END AS period,
        CASE WHEN b.dim = 'unit' THEN t.unit_id WHEN b.dim IN ('service', 'unit_service') THEN t.service_id ELSE t.channel END AS group_id,
        t.answered, t.in_time, t.missed_closed
    FROM (
        SELECT c.unit_id, c.service_id, c.channel, local_day(c.received_at) AS day,
            (c.first_answered_at IS NOT NULL)::int AS answered,
            COALESCE((c.first_answered_at <= c.due_at)::int, 0) AS in_time,
            COALESCE((c.first_answered_at IS NULL AND c.status = 'closed' AND c.closed_at > c.due_at)::int, 0) AS missed_closed
        FROM contact_requests AS c
    ) AS t
    CROSS JOIN (VALUES ('unit'), ('service'), ('channel'), ('unit_service'), ('unit_channel')) AS b (dim)
    CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS l (level)
    WHERE l.level = 'day' OR b.dim IN ('unit', 'unit_service', 'unit_channel')
) AS g
GROUP BY g.dim, g.level, g.unit_id, g.period, g.group_id;

-- A request's share of the roll-up: sign 1 adds it, -1 takes it away (its
-- working time leaves each list once; a list is read with a comma in front,
-- so ",v," matches whole values only).
-- +goose StatementBegin
CREATE FUNCTION contact_stats_apply(r contact_requests, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_day      TEXT := local_day(r.received_at);
    v_answered INTEGER := (r.first_answered_at IS NOT NULL)::int;
    v_in_time  INTEGER := COALESCE((r.first_answered_at <= r.due_at)::int, 0);
    v_missed   INTEGER := COALESCE((r.first_answered_at IS NULL AND r.status = 'closed' AND r.closed_at > r.due_at)::int, 0);
    v_token    TEXT := r.answer_seconds::text || ','; -- NULL without a working time
BEGIN
    IF sign > 0 THEN
        INSERT INTO contact_stats AS s (dim, level, unit_id, period, group_id, received, answered, in_time, missed_closed, seconds)
        SELECT g.dim, l.level, g.unit_id, l.period, g.group_id, 1, v_answered, v_in_time, v_missed, COALESCE(v_token, '')
        FROM (VALUES ('unit', '', r.unit_id, TRUE), ('service', '', r.service_id, FALSE), ('channel', '', r.channel, FALSE),
                ('unit_service', r.unit_id, r.service_id, TRUE), ('unit_channel', r.unit_id, r.channel, TRUE)) AS g (dim, unit_id, group_id, by_unit)
            CROSS JOIN (VALUES ('day', v_day), ('week', to_char(CAST(v_day AS date), 'IYYY-"W"IW')),
                ('month', substr(v_day, 1, 7))) AS l (level, period)
        WHERE l.level = 'day' OR g.by_unit
        ON CONFLICT (dim, level, unit_id, period, group_id) DO UPDATE SET
            received = s.received + EXCLUDED.received,
            answered = s.answered + EXCLUDED.answered,
            in_time = s.in_time + EXCLUDED.in_time,
            missed_closed = s.missed_closed + EXCLUDED.missed_closed,
            seconds = s.seconds || EXCLUDED.seconds;
    ELSE
        UPDATE contact_stats AS s SET
            received = s.received - 1,
            answered = s.answered - v_answered,
            in_time = s.in_time - v_in_time,
            missed_closed = s.missed_closed - v_missed,
            seconds = CASE WHEN v_token IS NULL OR strpos(',' || s.seconds, ',' || v_token) = 0 THEN s.seconds
                ELSE substr(substr(',' || s.seconds, 1, strpos(',' || s.seconds, ',' || v_token))
                    || substr(',' || s.seconds, strpos(',' || s.seconds, ',' || v_token) + length(',' || v_token)), 2) END
        FROM (VALUES ('unit', '', r.unit_id, TRUE), ('service', '', r.service_id, FALSE), ('channel', '', r.channel, FALSE),
                ('unit_service', r.unit_id, r.service_id, TRUE), ('unit_channel', r.unit_id, r.channel, TRUE)) AS g (dim, unit_id, group_id, by_unit)
            CROSS JOIN (VALUES ('day', v_day), ('week', to_char(CAST(v_day AS date), 'IYYY-"W"IW')),
                ('month', substr(v_day, 1, 7))) AS l (level, period)
        WHERE (l.level = 'day' OR g.by_unit)
            AND s.dim = g.dim AND s.level = l.level AND s.unit_id = g.unit_id AND s.period = l.period AND s.group_id = g.group_id;
    END IF;
END;
$$;
-- +goose StatementEnd

-- A request counts in the roll-up as it stands: a new one adds itself; a
-- change takes away the old row's share and adds the new one's; a deleted
-- one takes itself away.
-- +goose StatementBegin
CREATE FUNCTION contact_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM contact_stats_apply(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM contact_stats_apply(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER contact_stats_insert_delete AFTER INSERT OR DELETE ON contact_requests
    FOR EACH ROW EXECUTE FUNCTION contact_stats_track();
-- Only when something the roll-up holds changes. A working time is filled
-- only by Store.FillAnswerWorkingSeconds, which adds a whole batch's values
-- to the lists itself, once per row of the roll-up (see SQLite's 00003).
CREATE TRIGGER contact_stats_update AFTER UPDATE OF unit_id, service_id, channel, status, received_at, due_at, first_answered_at, closed_at
    ON contact_requests FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.service_id IS DISTINCT FROM NEW.service_id
        OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.received_at IS DISTINCT FROM NEW.received_at
        OR OLD.due_at IS DISTINCT FROM NEW.due_at OR (OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed')
        OR OLD.first_answered_at IS DISTINCT FROM NEW.first_answered_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at)
    EXECUTE FUNCTION contact_stats_track();

-- +goose Down
DROP TRIGGER contact_stats_update ON contact_requests;
DROP TRIGGER contact_stats_insert_delete ON contact_requests;
DROP FUNCTION contact_stats_track();
DROP FUNCTION contact_stats_apply(contact_requests, INTEGER);
DROP INDEX contact_requests_stats_unfilled;
DROP INDEX contact_requests_stats_open;
DROP TABLE contact_stats;
DROP FUNCTION local_day(BIGINT);
DROP TABLE zone_offsets;
ALTER TABLE contact_requests DROP COLUMN answer_seconds;
