package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"time"

	"sotepe"
)

// The waiting list, reminders, appointment tickets and the care-guarantee
// figures.

// offerSlot offers the open slot id to the first waiting-list entry that
// wants a time of its service before its start (at its unit, when the entry
// names one), skipping entry skip, for hold (but never past the slot's
// start): the slot becomes offered, the entry offered, and the resident is
// told through the outbox. It reports whether anyone was offered the slot.
func (s *Store) offerSlot(ctx context.Context, tx *sql.Tx, id int64, now time.Time, hold time.Duration, skip int64) (bool, error) {
	var service, unit string
	var start int64
	err := tx.QueryRowContext(ctx, `SELECT service_id, unit_id, start_at FROM slots WHERE id = $1 AND state = 'open'`, id).
		Scan(&service, &unit, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if start <= micros(now) {
		return false, nil
	}
	var entry, resident int64
	err = tx.QueryRowContext(ctx, `
		SELECT id, resident_id FROM appt_waitlist
		WHERE service_id = $1 AND status = 'waiting' AND before_at > $2 AND (unit_id IS NULL OR unit_id = $3) AND id <> $4
		ORDER BY created_at, id LIMIT 1`, service, start, unit, skip).Scan(&entry, &resident)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	expires := min(micros(now.Add(hold)), start)
	if _, err := tx.ExecContext(ctx, `UPDATE slots SET state = 'offered', offer_entry = $2, offer_expires_at = $3 WHERE id = $1`,
		id, entry, expires); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE appt_waitlist SET status = 'offered' WHERE id = $1`, entry); err != nil {
		return false, err
	}
	return true, s.notifyResident(ctx, tx, resident, 0, sotepe.NotifyApptOffer, now)
}

const waitColumns = `w.id, w.resident_id, w.service_id, w.unit_id, w.appointment_id, w.before_at, w.lang, w.status, w.created_at,
	(SELECT s.id FROM slots s WHERE s.offer_entry = w.id AND s.state = 'offered'),
	(SELECT s.offer_expires_at FROM slots s WHERE s.offer_entry = w.id AND s.state = 'offered')`

func scanWait(sc interface{ Scan(...any) error }) (sotepe.WaitEntry, error) {
	var e sotepe.WaitEntry
	var unit sql.NullString
	var appt, slot, expires sql.NullInt64
	var before, created int64
	var lang, status string
	if err := sc.Scan(&e.ID, &e.ResidentID, &e.ServiceID, &unit, &appt, &before, &lang, &status, &created, &slot, &expires); err != nil {
		return e, err
	}
	e.UnitID, e.AppointmentID, e.Before, e.Lang, e.Status = unit.String, appt.Int64, fromMicros(before), sotepe.Lang(lang), sotepe.WaitStatus(status)
	e.CreatedAt, e.OfferSlot = fromMicros(created), slot.Int64
	if expires.Valid {
		e.OfferExpires = fromMicros(expires.Int64)
	}
	return e, nil
}

// JoinWaitlist puts a resident on the waiting list of e.ServiceID, at
// e.UnitID when set, for a time before e.Before, with its audit row
// (appointment.waitlist). With e.AppointmentID (the resident's own booked
// appointment, ENotFound otherwise) the entry replaces it when an offer is
// accepted, and Before defaults to its start. A zero Before without an
// appointment is EInvalid ("error.appt_waitlist_before"); a resident already
// waiting for the service EConflict ("error.appt_waitlist_twice").
func (s *Store) JoinWaitlist(ctx context.Context, e sotepe.WaitEntry) (sotepe.WaitEntry, error) {
	lang, ok := sotepe.ParseLang(string(e.Lang))
	if !ok {
		lang = sotepe.Finnish
	}
	e.Lang, e.Status, e.CreatedAt = lang, sotepe.WaitWaiting, s.now()
	err := s.inTx(ctx, "join waiting list", func(tx *sql.Tx) error {
		if e.AppointmentID != 0 {
			var start int64
			var service string
			err := tx.QueryRowContext(ctx, `SELECT start_at, service_id FROM appointments WHERE id = $1 AND resident_id = $2 AND status = 'booked'`,
				e.AppointmentID, e.ResidentID).Scan(&start, &service)
			if errors.Is(err, sql.ErrNoRows) {
				return sotepe.NotFound("appointment")
			}
			if err != nil {
				return err
			}
			if e.ServiceID == "" {
				e.ServiceID = service
			}
			if e.ServiceID != service {
				return sotepe.Invalid("error.appt_wrong_service", "the appointment is of another service")
			}
			if e.Before.IsZero() || e.Before.After(fromMicros(start)) {
				e.Before = fromMicros(start)
			}
		}
		if e.Before.IsZero() {
			return sotepe.Invalid("error.appt_waitlist_before", "say before when you want a time")
		}
		e.Before = instant(e.Before)
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM appt_waitlist WHERE resident_id = $1 AND service_id = $2 AND status IN ('waiting', 'offered')`,
			e.ResidentID, e.ServiceID).Scan(&one)
		if err == nil {
			return conflict("error.appt_waitlist_twice", "already on the waiting list of this service")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO appt_waitlist (resident_id, service_id, unit_id, appointment_id, before_at, lang, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7) RETURNING id`,
			e.ResidentID, e.ServiceID, nullString(e.UnitID), nullInt(e.AppointmentID), micros(e.Before), string(e.Lang),
			micros(e.CreatedAt)).Scan(&e.ID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionAppointmentWaitlist, "wait:"+strconv.FormatInt(e.ID, 10), e.ResidentID)
	})
	return e, err
}

// Waitlist returns a resident's entries that wait or hold an offer, oldest
// first, each with the slot offered to it.
func (s *Store) Waitlist(ctx context.Context, residentID int64) ([]sotepe.WaitEntry, error) {
	out, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.WaitEntry, error) { return scanWait(rows) },
		`SELECT `+waitColumns+` FROM appt_waitlist w
		WHERE w.resident_id = $1 AND w.status IN ('waiting', 'offered') ORDER BY w.created_at, w.id`, residentID)
	if err != nil {
		return nil, s.fail("read waiting list", err)
	}
	return out, nil
}

// LeaveWaitlist takes the resident's waiting or offered entry id off the
// list, with its audit row; a slot offered to it is offered to the next in
// line or opened. Anything else is ENotFound.
func (s *Store) LeaveWaitlist(ctx context.Context, id, residentID int64, now time.Time) error {
	return s.inTx(ctx, "leave waiting list", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, sotepe.NotFound("waiting-list entry"),
			`UPDATE appt_waitlist SET status = 'left' WHERE id = $1 AND resident_id = $2 AND status IN ('waiting', 'offered')`,
			id, residentID); err != nil {
			return err
		}
		var slot int64
		err := tx.QueryRowContext(ctx, `
			UPDATE slots SET state = 'open', offer_entry = NULL, offer_expires_at = NULL
			WHERE offer_entry = $1 AND state = 'offered' RETURNING id`, id).Scan(&slot)
		if err == nil {
			if _, err := s.offerSlot(ctx, tx, slot, instant(now), sotepe.DefaultOfferHold, id); err != nil {
				return err
			}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionAppointmentWaitlist, "wait:"+strconv.FormatInt(id, 10), residentID)
	})
}

// SweepOffers passes on every offer that expired by now: the entry that let
// it lapse goes to the end of the line, and the slot is offered to the next
// entry (for hold) or opened to all. It returns how many offers lapsed. Two
// sweeps at once handle each offer once: the conditional update of the slot
// decides. The sweep is the system's bookkeeping and writes no audit row.
func (s *Store) SweepOffers(ctx context.Context, now time.Time, hold time.Duration) (int, error) {
	now = instant(now)
	n := 0
	err := s.inTx(ctx, "sweep offers", func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT id, offer_entry FROM slots WHERE state = 'offered' AND offer_expires_at <= $1
			ORDER BY offer_expires_at, id LIMIT 500`, micros(now))
		if err != nil {
			return err
		}
		type lapsed struct{ slot, entry int64 }
		var todo []lapsed
		for rows.Next() {
			var l lapsed
			if err := rows.Scan(&l.slot, &l.entry); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, l)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, l := range todo {
			res, err := tx.ExecContext(ctx, `UPDATE slots SET state = 'open', offer_entry = NULL, offer_expires_at = NULL
				WHERE id = $1 AND state = 'offered' AND offer_entry = $2`, l.slot, l.entry)
			if err != nil {
				return err
			}
			if k, err := res.RowsAffected(); err != nil || k == 0 {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE appt_waitlist SET status = 'waiting', created_at = $2 WHERE id = $1 AND status = 'offered'`,
				l.entry, micros(now)); err != nil {
				return err
			}
			if _, err := s.offerSlot(ctx, tx, l.slot, now, hold, l.entry); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// SweepReminders queues a reminder (appt_reminder) for every booked
// appointment that starts after now and before now+ahead and has had none,
// for every enabled account of its resident, and returns how many
// appointments it reminded of. Each is reminded once, also when two sweeps
// run at once.
func (s *Store) SweepReminders(ctx context.Context, now time.Time, ahead time.Duration) (int, error) {
	now = instant(now)
	n := 0
	err := s.inTx(ctx, "sweep reminders", func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `
			UPDATE appointments SET reminded_at = $1
			WHERE status = 'booked' AND reminded_at IS NULL AND start_at < $2 AND start_at > $1
			RETURNING resident_id`, micros(now), micros(now.Add(ahead)))
		if err != nil {
			return err
		}
		var residents []int64
		for rows.Next() {
			var r int64
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return err
			}
			residents = append(residents, r)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, r := range residents {
			if err := s.notifyResident(ctx, tx, r, 0, sotepe.NotifyApptReminder, now); err != nil {
				return err
			}
		}
		n = len(residents)
		return nil
	})
	return n, err
}

// IssueTicket stores an appointment ticket with its audit row
// (appointment.ticket) and, for a staff actor, the row of the answer's read
// (appointment_ticket.read, basis client_request when it follows a contact
// request), and returns it. The wait it starts is the receipt of its
// contact request when it names one of the same resident (ENotFound
// otherwise), else its issue; whether the issuer may name that request is
// the caller's to judge (booking.Service.IssueTicket). An unknown service
// or resident is EInvalid ("error.reference").
func (s *Store) IssueTicket(ctx context.Context, t sotepe.Ticket) (sotepe.Ticket, error) {
	t.IssuedAt = s.now()
	t.WaitingFrom = t.IssuedAt
	err := s.inTx(ctx, "issue ticket", func(tx *sql.Tx) error {
		if t.ContactRequestID != 0 {
			var received int64
			err := tx.QueryRowContext(ctx, `SELECT received_at FROM contact_requests WHERE id = $1 AND resident_id = $2`,
				t.ContactRequestID, t.ResidentID).Scan(&received)
			if errors.Is(err, sql.ErrNoRows) {
				return sotepe.NotFound("contact request")
			}
			if err != nil {
				return err
			}
			t.WaitingFrom = fromMicros(received)
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO appt_tickets (resident_id, service_id, contact_request_id, issued_by, issued_at, waiting_from)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			t.ResidentID, t.ServiceID, nullInt(t.ContactRequestID), nullInt(t.IssuedBy), micros(t.IssuedAt),
			micros(t.WaitingFrom)).Scan(&t.ID); err != nil {
			return err
		}
		object := "ticket:" + strconv.FormatInt(t.ID, 10)
		if err := s.auditChange(ctx, tx, sotepe.ActionAppointmentTicket, object, t.ResidentID); err != nil {
			return err
		}
		// The answer shows the ticket, and the receipt of the request it
		// follows, to staff: a read of the resident's data.
		if act := sotepe.ActorFrom(ctx); readsAsStaff(act) {
			basis := sotepe.BasisCareRelationship
			if t.ContactRequestID != 0 {
				basis = sotepe.BasisClientRequest
			}
			return s.insertAudit(ctx, tx, sotepe.AuditEntry{ActorID: act.UserID, ActorRole: act.Role, ActorUnit: act.Unit,
				RequestID: act.RequestID, ResidentID: t.ResidentID, Action: sotepe.ActionAppointmentTicketRead, Object: object, Basis: basis})
		}
		return nil
	})
	return t, err
}

// Tickets returns a resident's unused tickets, oldest first.
func (s *Store) Tickets(ctx context.Context, residentID int64) ([]sotepe.Ticket, error) {
	out, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.Ticket, error) {
		var t sotepe.Ticket
		var req, by sql.NullInt64
		var issued, waiting int64
		if err := rows.Scan(&t.ID, &t.ResidentID, &t.ServiceID, &req, &by, &issued, &waiting); err != nil {
			return t, err
		}
		t.ContactRequestID, t.IssuedBy, t.IssuedAt, t.WaitingFrom = req.Int64, by.Int64, fromMicros(issued), fromMicros(waiting)
		return t, nil
	}, `
		SELECT id, resident_id, service_id, contact_request_id, issued_by, issued_at, waiting_from FROM appt_tickets
		WHERE resident_id = $1 AND used_at IS NULL ORDER BY issued_at, id`, residentID)
	if err != nil {
		return nil, s.fail("read tickets", err)
	}
	return out, nil
}

// AppointmentFigures returns the care-guarantee figures per unit and service of
// the appointments that start from from until to and were not cancelled,
// for units (every unit when nil), ordered by unit and service; and, for
// every unit and service with open slots, the days from now to the third
// free slot (T3). Waits are counted in whole minutes from the start of the
// wait to the appointment and shown in days; the median and the 90th
// percentile interpolate between the nearest ranks (sotepe.Percentiles).
// The guarantee is the service's (BookingRules) for the resident's age when
// the wait began. The figures hold no personal data.
func (s *Store) AppointmentFigures(ctx context.Context, from, to, now time.Time, units []string) ([]sotepe.AppointmentFigures, error) {
	if units != nil {
		if units = dedupe(units); len(units) == 0 {
			return []sotepe.AppointmentFigures{}, nil
		}
	}
	unitCond := func(col string, from int) (string, []any) {
		if units == nil {
			return "", nil
		}
		return ` AND ` + col + ` IN (` + placeholders(from, len(units)) + `)`, stringArgs(units)
	}
	type key struct{ unit, service string }
	figs := map[key]*sotepe.AppointmentFigures{}
	waits := map[key][]int32{}
	get := func(k key) *sotepe.AppointmentFigures {
		f := figs[k]
		if f == nil {
			f = &sotepe.AppointmentFigures{UnitID: k.unit, ServiceID: k.service}
			figs[k] = f
		}
		return f
	}
	configs := map[string]sotepe.BookingRules{}
	cond, args := unitCond("unit_id", 3)
	rows, err := s.reads.QueryContext(ctx, `
		SELECT unit_id, service_id, start_at, waiting_from, young FROM appointments
		WHERE start_at >= $1 AND start_at < $2 AND status <> 'cancelled'`+cond,
		append([]any{micros(from), micros(to)}, args...)...)
	if err != nil {
		return nil, s.fail("appointment figures", err)
	}
	type row struct {
		k              key
		start, waiting int64
		young          bool
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.k.unit, &r.k.service, &r.start, &r.waiting, &r.young); err != nil {
			rows.Close()
			return nil, s.fail("appointment figures", err)
		}
		all = append(all, r)
	}
	if err := rows.Close(); err != nil {
		return nil, s.fail("appointment figures", err)
	}
	for _, r := range all {
		c, ok := configs[r.k.service]
		if !ok {
			if c, err = s.BookingRules(ctx, r.k.service); err != nil {
				return nil, err
			}
			configs[r.k.service] = c
		}
		f := get(r.k)
		wait := time.Duration(r.start-r.waiting) * time.Microsecond
		f.Count++
		if wait <= c.Guarantee(r.young) {
			f.Within++
		}
		waits[r.k] = append(waits[r.k], int32(max(wait, 0)/time.Minute))
	}
	cond, args = unitCond("unit_id", 2)
	rows, err = s.reads.QueryContext(ctx, `
		SELECT unit_id, service_id, start_at FROM (
			SELECT unit_id, service_id, start_at,
				ROW_NUMBER() OVER (PARTITION BY unit_id, service_id ORDER BY start_at, id) AS n
			FROM slots WHERE state = 'open' AND start_at > $1`+cond+`) t
		WHERE n = 3`, append([]any{micros(now)}, args...)...)
	if err != nil {
		return nil, s.fail("appointment figures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var start int64
		if err := rows.Scan(&k.unit, &k.service, &start); err != nil {
			return nil, s.fail("appointment figures", err)
		}
		d := fromMicros(start).Sub(now).Hours() / 24
		get(k).T3 = &d
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("appointment figures", err)
	}
	out := make([]sotepe.AppointmentFigures, 0, len(figs))
	for k, f := range figs {
		if w := waits[k]; len(w) > 0 {
			p := sotepe.Percentiles(w, 0.5, 0.9)
			med, p90 := p[0]/(24*60), p[1]/(24*60)
			share := float64(f.Within) / float64(f.Count)
			f.Median, f.P90, f.Share = &med, &p90, &share
		}
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].UnitID < out[j].UnitID || out[i].UnitID == out[j].UnitID && out[i].ServiceID < out[j].ServiceID
	})
	return out, nil
}
