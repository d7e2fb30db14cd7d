package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"sotepe"
)

// eventKey is one row of the daily aggregates.
type eventKey struct {
	day, unit, statistic, producer, mode string
}

// eventSums adds up events by day (and by month) before they are written, so
// the aggregates take one upsert per key instead of one per event.
type eventSums map[eventKey]int64

func (m eventSums) add(e *sotepe.ServiceEvent) {
	m[eventKey{e.Day, e.UnitID, e.Statistic, e.ProducerID, string(e.Mode)}] += int64(e.Count)
}

// eventUnits knows the units and producers events may name: the unit's
// producer fills an event that names none.
type eventUnits struct {
	producer  map[string]string // unit → its producer
	producers map[string]bool
}

// loadEventUnits reads the units and producers through q.
func loadEventUnits(ctx context.Context, q querier) (eventUnits, error) {
	u := eventUnits{producer: map[string]string{}, producers: map[string]bool{}}
	rows, err := q.QueryContext(ctx, `SELECT id, producer_id FROM units`)
	if err != nil {
		return u, err
	}
	for rows.Next() {
		var id, p string
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return u, err
		}
		u.producer[id] = p
	}
	if err := rows.Close(); err != nil {
		return u, err
	}
	rows, err = q.QueryContext(ctx, `SELECT id FROM producers`)
	if err != nil {
		return u, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return u, err
		}
		u.producers[id] = true
	}
	return u, rows.Err()
}

// check validates e and fills its producer from its unit: an unknown unit
// is "error.event_unit", an unknown producer "error.event_producer".
func (u eventUnits) check(e *sotepe.ServiceEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	p, ok := u.producer[e.UnitID]
	if !ok {
		return sotepe.Invalid("error.event_unit", "unknown unit")
	}
	if e.ProducerID == "" {
		e.ProducerID = p
	} else if !u.producers[e.ProducerID] {
		return sotepe.Invalid("error.event_producer", "unknown producer")
	}
	return nil
}

// eventAt returns the error of the event at index i of a batch: the
// event's own EInvalid error with "Index" added to its Args, and a message
// that names the index.
func eventAt(i int, err error) error {
	args := map[string]any{"Index": i}
	for k, v := range sotepe.ErrorArgs(err) {
		args[k] = v
	}
	return &sotepe.Error{Code: sotepe.EInvalid, Key: sotepe.ErrorKey(err), Args: args,
		Message: "event " + strconv.Itoa(i) + ": " + err.Error()}
}

// AddEvents stores a batch of at most sotepe.MaxEventBatch events whole, in
// one transaction with their daily and monthly aggregates, or nothing. An
// event the store already has (the same source and external id, also twice
// in the batch) counts as a duplicate and changes nothing. An empty or too
// large batch is EInvalid ("error.event_batch"); an invalid event, or one
// naming an unknown unit or producer, is the event's EInvalid error (its Key
// says what is wrong) with Args "Index", its position from 0.
func (s *Store) AddEvents(ctx context.Context, events []sotepe.ServiceEvent) (sotepe.EventResult, error) {
	var res sotepe.EventResult
	if len(events) == 0 || len(events) > sotepe.MaxEventBatch {
		return res, sotepe.Invalid("error.event_batch", "a batch holds 1 to 10000 events").With(map[string]any{"Max": sotepe.MaxEventBatch})
	}
	units, err := loadEventUnits(ctx, s.reads)
	if err != nil {
		return res, s.fail("add events: units", err)
	}
	evs := make([]sotepe.ServiceEvent, len(events))
	copy(evs, events)
	c := newEventChecker(units)
	for i := range evs {
		if err := c.check(&evs[i]); err != nil {
			return res, eventAt(i, err)
		}
	}
	err = s.inTx(ctx, "add events", func(tx *sql.Tx) error {
		var err error
		res, err = s.insertEvents(ctx, tx, evs)
		return err
	})
	if err != nil {
		return sotepe.EventResult{}, err
	}
	return res, nil
}

// recordEvent stores one event of sotepe's own flows in tx, the transaction
// of the act it counts, with its aggregates; its producer is its unit's. An
// event already stored changes nothing.
func (s *Store) recordEvent(ctx context.Context, tx *sql.Tx, e sotepe.ServiceEvent) error {
	if e.Count == 0 {
		e.Count = 1
	}
	if e.ProducerID == "" {
		if err := tx.QueryRowContext(ctx, `SELECT producer_id FROM units WHERE id = $1`, e.UnitID).Scan(&e.ProducerID); err != nil {
			return err
		}
	}
	_, err := s.insertEvents(ctx, tx, []sotepe.ServiceEvent{e})
	return err
}

// eventCols are the columns every events INSERT writes, in order.
const eventCols = `source, external_id, day, unit_id, statistic, producer_id, mode, age_band, lang, count`

// insertEvents inserts checked events in tx, skipping those already stored,
// and adds those it inserted to the aggregates.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, evs []sotepe.ServiceEvent) (sotepe.EventResult, error) {
	var res sotepe.EventResult
	var err error
	if s.dialect.name == Postgres {
		res.Added, err = insertEventsPostgres(ctx, tx, evs)
	} else {
		res.Added, err = s.insertEventsSQLite(ctx, tx, evs)
	}
	res.Duplicates = len(evs) - res.Added
	return res, err
}

// addRows is how many events one INSERT of AddEvents carries on SQLite
// (10 parameters each, under SQLite's limit of 32766), and the rows of its
// aggregate upserts (6 each). Smaller pieces go in statements of a tenth,
// a hundredth … (see chunkRows).
const (
	addRows     = 1000
	addSumsRows = 500
)

// insertEventsSQLite inserts evs in tx on SQLite and returns how many it
// inserted. The statements take anonymous parameters, as SQLite looks
// numbered ones up by name, and come in a few sizes that the writer's
// statement cache keeps prepared from one batch to the next. The
// aggregates are summed in memory; when some events were there already,
// from the rows really inserted instead: SQLite numbers new rows from the
// largest id up and this transaction is the only writer, so those are the
// rows above the largest id before the batch.
//
// The Go side of the work (each statement's arguments, the sums and their
// upsert rows) is done on two other goroutines while this one runs SQLite,
// so that on two cores the two overlap.
func (s *Store) insertEventsSQLite(ctx context.Context, tx *sql.Tx, evs []sotepe.ServiceEvent) (int, error) {
	stop := make(chan struct{})
	defer close(stop)
	chunks := make(chan []any, 2)
	go func() {
		defer close(chunks)
		for start := 0; start < len(evs); {
			n := chunkRows(len(evs)-start, addRows)
			args := make([]any, 0, n*10)
			for i := range evs[start : start+n] {
				e := &evs[start+i]
				args = append(args, e.Source, e.ExternalID, e.Day, e.UnitID, e.Statistic, e.ProducerID, string(e.Mode), e.AgeBand, e.Lang, e.Count)
			}
			select {
			case chunks <- args:
			case <-stop:
				return
			}
			start += n
		}
	}()
	summed := make(chan sumsRows, 1)
	go func() {
		sums := eventSums{}
		for i := range evs {
			sums.add(&evs[i])
		}
		summed <- rowsOf(sums)
	}()

	q := s.txq(tx)
	var last int64
	if len(evs) > 1 {
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&last); err != nil {
			return 0, err
		}
	}
	added := 0
	for args := range chunks {
		r, err := q.ExecContext(ctx, eventInsert(len(args)/10), args...)
		if err != nil {
			return 0, err
		}
		k, err := r.RowsAffected()
		if err != nil {
			return 0, err
		}
		added += int(k)
	}
	rows := <-summed
	switch {
	case added == 0:
		return 0, nil
	case added < len(evs):
		sums, err := sumEventsAbove(ctx, tx, last)
		if err != nil {
			return 0, err
		}
		rows = rowsOf(sums)
	}
	return added, writeSumsRows(ctx, q.ExecContext, true, rows, addSumsRows)
}

// addEventsPostgres is the one statement that stores a batch on
// PostgreSQL: the events come as ten arrays, one a column, and are inserted
// skipping those already stored; the daily and monthly aggregates are
// summed from the rows really inserted and added in key order (concurrent
// batches take the rows' locks in the same order); the answer is how many
// were inserted. One round trip and one parse, whatever the batch's size.
const addEventsPostgres = `WITH ins AS (
	INSERT INTO events (` + eventCols + `)
	SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
	ON CONFLICT (source, external_id) DO NOTHING
	RETURNING day, unit_id, statistic, producer_id, mode, count
), daily AS (
	INSERT INTO event_daily (day, unit_id, statistic, producer_id, mode, count)
	SELECT day, unit_id, statistic, producer_id, mode, SUM(count) FROM ins
	GROUP BY day, unit_id, statistic, producer_id, mode ORDER BY day, unit_id, statistic, producer_id, mode
	ON CONFLICT (day, unit_id, statistic, producer_id, mode) DO UPDATE SET count = event_daily.count + excluded.count
), monthly AS (
	INSERT INTO event_monthly (month, unit_id, statistic, producer_id, mode, count)
	SELECT substr(day, 1, 7), unit_id, statistic, producer_id, mode, SUM(count) FROM ins
	GROUP BY substr(day, 1, 7), unit_id, statistic, producer_id, mode ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (month, unit_id, statistic, producer_id, mode) DO UPDATE SET count = event_monthly.count + excluded.count
)
SELECT COUNT(*) FROM ins`

// insertEventsPostgres inserts evs in tx on PostgreSQL with their
// aggregates, in one statement, and returns how many it inserted.
func insertEventsPostgres(ctx context.Context, tx *sql.Tx, evs []sotepe.ServiceEvent) (int, error) {
	var cols [9][]string
	for i := range cols {
		cols[i] = make([]string, len(evs))
	}
	counts := make([]int32, len(evs))
	for i := range evs {
		e := &evs[i]
		cols[0][i], cols[1][i], cols[2][i], cols[3][i], cols[4][i] = e.Source, e.ExternalID, e.Day, e.UnitID, e.Statistic
		cols[5][i], cols[6][i], cols[7][i], cols[8][i] = e.ProducerID, string(e.Mode), e.AgeBand, e.Lang
		counts[i] = int32(e.Count)
	}
	var added int
	err := tx.QueryRowContext(ctx, addEventsPostgres, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], counts).Scan(&added)
	return added, err
}

// answeredEvent is the event of a contact request's first answer: the
// request's unit, on the day of the answer, by phone for a request taken by
// phone and remote otherwise.
func answeredEvent(id int64, unit, channel string, at time.Time) sotepe.ServiceEvent {
	mode := sotepe.EventRemote
	if channel == string(sotepe.ChannelPhone) {
		mode = sotepe.EventPhone
	}
	return sotepe.ServiceEvent{Source: sotepe.SourceContactRequest, ExternalID: strconv.FormatInt(id, 10), Day: at.Format(time.DateOnly),
		UnitID: unit, Statistic: sotepe.StatContactRequestsAnswered, Mode: mode, Count: 1}
}

// recordAssessmentEvent records the symptom assessment finished and handed
// over as contact request requestID, at the request's unit on the day of the
// hand-over.
func (s *Store) recordAssessmentEvent(ctx context.Context, tx *sql.Tx, requestID int64, at time.Time) error {
	var unit string
	if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM contact_requests WHERE id = $1`, requestID).Scan(&unit); err != nil {
		return err
	}
	return s.recordEvent(ctx, tx, sotepe.ServiceEvent{Source: sotepe.SourceAssessment, ExternalID: strconv.FormatInt(requestID, 10),
		Day: at.In(s.zone).Format(time.DateOnly), UnitID: unit, Statistic: sotepe.StatSymptomAssessments, Mode: sotepe.EventRemote, Count: 1})
}
