package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

const apptColumns = `a.id, a.slot_id, a.resident_id, a.service_id, a.unit_id, a.resource_id, a.start_at, a.end_at, a.mode,
	a.status, a.lang, a.booked_at, a.booked_by, a.ticket_id, a.waiting_from, a.young, a.video_room, a.joined_at,
	a.marked_at, a.cancelled_at`

func scanAppt(sc interface{ Scan(...any) error }, extra ...any) (sotepe.Appointment, error) {
	var a sotepe.Appointment
	var start, end, booked, waiting int64
	var mode, status, lang string
	var bookedBy, ticket, joined, marked, cancelled sql.NullInt64
	var room sql.NullString
	dest := []any{&a.ID, &a.SlotID, &a.ResidentID, &a.ServiceID, &a.UnitID, &a.ResourceID, &start, &end, &mode,
		&status, &lang, &booked, &bookedBy, &ticket, &waiting, &a.Young, &room, &joined, &marked, &cancelled}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return a, err
	}
	a.Start, a.End, a.BookedAt, a.WaitingFrom = fromMicros(start), fromMicros(end), fromMicros(booked), fromMicros(waiting)
	a.Mode, a.Status, a.Lang = sotepe.AppointmentMode(mode), sotepe.AppointmentStatus(status), sotepe.Lang(lang)
	a.BookedBy, a.TicketID, a.VideoRoom = bookedBy.Int64, ticket.Int64, room.String
	for _, t := range []struct {
		v   sql.NullInt64
		dst *time.Time
	}{{joined, &a.JoinedAt}, {marked, &a.MarkedAt}, {cancelled, &a.CancelledAt}} {
		if t.v.Valid {
			*t.dst = fromMicros(t.v.Int64)
		}
	}
	return a, nil
}

// Book books slot b.SlotID for resident b.ResidentID in one transaction
// (shared with other writes on SQLite, see batch.go) with its audit row
// (appointment.book) and returns the appointment.
//
// The slot must be open, or offered to one of the resident's waiting-list
// entries; of bookings racing for one slot exactly one wins and the others
// get EConflict ("error.appt_taken"). A slot that starts at or before b.Now
// is EInvalid ("error.appt_past"); one of another service than b.Service,
// when set, EInvalid ("error.appt_wrong_service"); a missing one ENotFound.
// With b.RequireTicket the resident's oldest unused ticket for the service
// is used, and without one the booking is EForbidden
// ("error.appt_ticket_required"). The wait the care guarantee counts
// begins at the ticket's WaitingFrom, or at the booking.
//
// b.Replaces names the resident's own booked appointment that the new one
// replaces: it must be of the same service and start after b.Now +
// b.CancelLimit (EConflict "error.appt_cancel_late" otherwise; ENotFound
// when it is not the resident's), and is cancelled in the same transaction,
// passing on its ticket and the start of the wait; its slot is freed and
// offered to the waiting list. Accepting a waiting-list offer replaces the
// appointment the entry named, without the cancellation limit.
//
// b.IdempotencyKey (at most 200 bytes, EInvalid "error.idempotency_key"
// beyond) is the resident's: a booking the resident made under the same
// key is returned as it stands, with Replayed set and nothing written, so
// a retry after a lost answer gets its booking instead of "taken"; a key
// that booked another slot is EConflict ("error.idempotency_key_used").
func (s *Store) Book(ctx context.Context, b sotepe.Booking) (sotepe.Appointment, error) {
	if b.Now.IsZero() {
		b.Now = s.now()
	}
	lang, ok := sotepe.ParseLang(string(b.Lang))
	if !ok {
		lang = sotepe.Finnish
	}
	if b.OfferHold <= 0 {
		b.OfferHold = sotepe.DefaultOfferHold
	}
	if len(b.IdempotencyKey) > 200 {
		return sotepe.Appointment{}, sotepe.Invalid("error.idempotency_key", "Idempotency-Key is over 200 characters")
	}
	now := instant(b.Now)
	var out sotepe.Appointment
	err := s.inBatch(ctx, "book appointment", func(tx *sql.Tx) error {
		out = sotepe.Appointment{}
		q := s.txq(tx)
		if found, err := s.replayBooking(ctx, q, b, &out); err != nil || found {
			return err
		}
		var old *sotepe.Appointment
		if b.Replaces != 0 {
			o, err := s.replaceable(ctx, q, b.Replaces, b.ResidentID, now.Add(b.CancelLimit))
			if err != nil {
				return err
			}
			if b.Service != "" && b.Service != o.ServiceID {
				return sotepe.Invalid("error.appt_wrong_service", "the new time is of another service")
			}
			b.Service, old = o.ServiceID, &o
		}
		// The slot first, then the waiting list, in the order offers take
		// their locks, so that a booking and a cancellation never wait on
		// each other crosswise on PostgreSQL. A slot offered to the
		// resident keeps the entry that took it.
		cond := `id = $1 AND start_at > $3 AND (state = 'open' OR (state = 'offered' AND offer_entry IN
			(SELECT id FROM appt_waitlist WHERE resident_id = $2 AND status = 'offered')))`
		args := []any{b.SlotID, b.ResidentID, micros(now)}
		if b.Service != "" {
			cond += ` AND service_id = $4`
			args = append(args, b.Service)
		}
		var offer sql.NullInt64
		sl, err := scanSlot(q.QueryRowContext(ctx, `
			UPDATE slots SET state = 'booked', offer_expires_at = NULL
			WHERE `+cond+`
			RETURNING `+slotColumns+`, offer_entry`, args...), &offer)
		if errors.Is(err, sql.ErrNoRows) {
			// A retry racing its own first attempt finds the slot taken
			// once the first commits (on PostgreSQL it waited for it).
			if found, err := s.replayBooking(ctx, q, b, &out); err != nil || found {
				return err
			}
			return s.whyNotBookable(ctx, q, b, now)
		}
		if err != nil {
			return err
		}
		// The appointment the accepted entry waited to replace, if any.
		var entry sql.NullInt64
		if offer.Valid {
			if err := q.QueryRowContext(ctx, `UPDATE appt_waitlist SET status = 'done' WHERE id = $1 RETURNING appointment_id`,
				offer.Int64).Scan(&entry); err != nil {
				return err
			}
		}
		if old == nil && entry.Valid {
			o, err := s.replaceable(ctx, q, entry.Int64, b.ResidentID, now)
			if err == nil {
				old = &o
			} else if sotepe.ErrorCode(err) == sotepe.EInternal {
				return err
			}
		}
		a := sotepe.Appointment{SlotID: sl.ID, ResidentID: b.ResidentID, ServiceID: sl.ServiceID, UnitID: sl.UnitID,
			ResourceID: sl.ResourceID, Start: sl.Start, End: sl.End, Mode: sl.Mode, Status: sotepe.AppointmentBooked, Lang: lang,
			BookedAt: now, BookedBy: b.BookedBy, WaitingFrom: now}
		switch {
		case old != nil:
			a.TicketID, a.WaitingFrom, a.Young = old.TicketID, old.WaitingFrom, old.Young
		case b.RequireTicket:
			var waiting int64
			err := q.QueryRowContext(ctx, `
				SELECT id, waiting_from FROM appt_tickets WHERE resident_id = $1 AND service_id = $2 AND used_at IS NULL
				ORDER BY issued_at, id LIMIT 1`, b.ResidentID, sl.ServiceID).Scan(&a.TicketID, &waiting)
			if errors.Is(err, sql.ErrNoRows) {
				return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.appt_ticket_required", Message: "the service is booked with an appointment ticket"}
			}
			if err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `UPDATE appt_tickets SET used_at = $2 WHERE id = $1`, a.TicketID, micros(now)); err != nil {
				return err
			}
			a.WaitingFrom = fromMicros(waiting)
		}
		if old == nil && !b.Birth.IsZero() {
			a.Young = a.WaitingFrom.Before(b.Birth.AddDate(sotepe.YoungUnder, 0, 0))
		}
		var room sql.NullString
		if a.Mode == sotepe.ModeVideo {
			var buf [16]byte
			_, _ = rand.Read(buf[:])
			a.VideoRoom = hex.EncodeToString(buf[:])
			room = sql.NullString{String: a.VideoRoom, Valid: true}
		}
		if err := q.QueryRowContext(ctx, `
			INSERT INTO appointments (slot_id, resident_id, service_id, unit_id, resource_id, start_at, end_at, mode, status,
				lang, booked_at, booked_by, ticket_id, waiting_from, young, video_room, idempotency_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			a.SlotID, a.ResidentID, a.ServiceID, a.UnitID, a.ResourceID, micros(a.Start), micros(a.End), string(a.Mode),
			string(a.Status), string(a.Lang), micros(a.BookedAt), nullInt(a.BookedBy), nullInt(a.TicketID),
			micros(a.WaitingFrom), a.Young, room, nullString(b.IdempotencyKey)).Scan(&a.ID); err != nil {
			if b.IdempotencyKey != "" && classify(err) == failUnique {
				// The same key booking another slot at the same moment
				// won the index appointments_idempotency.
				return conflict("error.idempotency_key_used", "the Idempotency-Key booked another time")
			}
			return err
		}
		if b.Client != 0 {
			if _, err := q.ExecContext(ctx, `INSERT INTO appointment_clients (appointment_id, client_id) VALUES ($1, $2)`,
				a.ID, b.Client); err != nil {
				return err
			}
			a.BookedByClient = b.Client
		}
		if old != nil {
			if err := s.cancelIn(ctx, tx, *old, now, b.OfferHold); err != nil {
				return err
			}
		}
		if err := s.auditChange(ctx, tx, sotepe.ActionAppointmentBook, apptObject(a.ID), a.ResidentID); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

// replayBooking reads into out the resident's appointment booked under
// b.IdempotencyKey, with Replayed set, and reports whether there is one; a
// key that booked another slot is EConflict ("error.idempotency_key_used").
// Nothing is read without a key.
func (s *Store) replayBooking(ctx context.Context, q querier, b sotepe.Booking, out *sotepe.Appointment) (bool, error) {
	if b.IdempotencyKey == "" {
		return false, nil
	}
	a, err := scanAppt(q.QueryRowContext(ctx, `SELECT `+apptColumns+` FROM appointments a
		WHERE a.resident_id = $1 AND a.idempotency_key = $2`, b.ResidentID, b.IdempotencyKey))
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if a.SlotID != b.SlotID {
		return false, conflict("error.idempotency_key_used", "the Idempotency-Key booked another time")
	}
	a.Replayed = true
	*out = a
	return true, nil
}

// replaceable reads the resident's booked appointment id and checks that it
// starts after limit: ENotFound when it is not the resident's, EConflict
// ("error.appt_not_active") when it is not booked, EConflict
// ("error.appt_cancel_late") when it starts too soon.
func (s *Store) replaceable(ctx context.Context, q querier, id, resident int64, limit time.Time) (sotepe.Appointment, error) {
	a, err := scanAppt(q.QueryRowContext(ctx, `SELECT `+apptColumns+` FROM appointments a WHERE a.id = $1 AND a.resident_id = $2`, id, resident))
	if errors.Is(err, sql.ErrNoRows) {
		return a, sotepe.NotFound("appointment")
	}
	if err != nil {
		return a, s.fail("read appointment", err)
	}
	if a.Status != sotepe.AppointmentBooked {
		return a, conflict("error.appt_not_active", "the appointment is not booked")
	}
	if !a.Start.After(limit) {
		return a, conflict("error.appt_cancel_late", "too late to cancel or rebook")
	}
	return a, nil
}

// whyNotBookable explains why slot b.SlotID could not be booked.
func (s *Store) whyNotBookable(ctx context.Context, q querier, b sotepe.Booking, now time.Time) error {
	sl, err := scanSlot(q.QueryRowContext(ctx, `SELECT `+slotColumns+` FROM slots WHERE id = $1`, b.SlotID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return sotepe.NotFound("slot")
	case err != nil:
		return err
	case b.Service != "" && sl.ServiceID != b.Service:
		return sotepe.Invalid("error.appt_wrong_service", "the slot is of another service")
	case !sl.Start.After(now):
		return sotepe.Invalid("error.appt_past", "the time has passed")
	}
	return conflict("error.appt_taken", "the slot is taken")
}

// cancelIn cancels appointment a in tx at now and frees its slot, offering
// it to the first of the waiting list when it still lies ahead.
func (s *Store) cancelIn(ctx context.Context, tx *sql.Tx, a sotepe.Appointment, now time.Time, hold time.Duration) error {
	if err := execAffecting(ctx, tx, conflict("error.appt_not_active", "the appointment is not booked"),
		`UPDATE appointments SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 AND status = 'booked'`,
		a.ID, micros(now)); err != nil {
		return err
	}
	// Entries waiting for a time earlier than this one have nothing to wait for.
	if _, err := tx.ExecContext(ctx, `UPDATE appt_waitlist SET status = 'left' WHERE appointment_id = $1 AND status = 'waiting'`, a.ID); err != nil {
		return err
	}
	if !a.Start.After(now) {
		_, err := tx.ExecContext(ctx, `UPDATE slots SET state = 'closed', offer_entry = NULL WHERE id = $1`, a.SlotID)
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE slots SET state = 'open', offer_entry = NULL WHERE id = $1`, a.SlotID); err != nil {
		return err
	}
	_, err := s.offerSlot(ctx, tx, a.SlotID, now, hold, 0)
	return err
}

// CancelAppointment cancels a booked appointment within scope at now with
// its audit row (appointment.cancel) and returns it. A resident (limit ≥ 0) may
// cancel until limit before the start (EConflict "error.appt_cancel_late"
// after); staff pass a negative limit and may cancel until the start.
// Anything outside scope is ENotFound; an appointment that is not booked
// EConflict ("error.appt_not_active"). The slot is freed and offered to the
// first of the waiting list. A staff actor's cancellation also writes the
// audit row of the answer's read (appointment.read) in the transaction.
func (s *Store) CancelAppointment(ctx context.Context, id int64, scope sotepe.AppointmentScope, now time.Time, limit time.Duration) (sotepe.Appointment, error) {
	cond, args, ok := apptScope(scope, 2)
	if !ok {
		return sotepe.Appointment{}, sotepe.NotFound("appointment")
	}
	now = instant(now)
	if limit < 0 {
		limit = 0
	}
	var out sotepe.Appointment
	err := s.inBatch(ctx, "cancel appointment", func(tx *sql.Tx) error {
		a, err := scanAppt(tx.QueryRowContext(ctx, `SELECT `+apptColumns+` FROM appointments a WHERE a.id = $1 AND `+cond,
			append([]any{id}, args...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return sotepe.NotFound("appointment")
		}
		if err != nil {
			return err
		}
		if a.Status != sotepe.AppointmentBooked {
			return conflict("error.appt_not_active", "the appointment is not booked")
		}
		if !a.Start.After(now.Add(limit)) {
			return conflict("error.appt_cancel_late", "too late to cancel").With(map[string]any{"Hours": int(limit / time.Hour)})
		}
		var hold int64
		err = tx.QueryRowContext(ctx, `SELECT offer_hold_minutes FROM appt_services WHERE service_id = $1`, a.ServiceID).Scan(&hold)
		if errors.Is(err, sql.ErrNoRows) {
			hold = int64(sotepe.DefaultOfferHold / time.Minute)
		} else if err != nil {
			return err
		}
		if err := s.cancelIn(ctx, tx, a, now, time.Duration(hold)*time.Minute); err != nil {
			return err
		}
		a.Status, a.CancelledAt = sotepe.AppointmentCancelled, now
		out = a
		return s.auditApptChange(ctx, tx, sotepe.ActionAppointmentCancel, a)
	})
	return out, err
}

// apptScope returns the condition on appointments a (with args from $from
// on) that keeps an appointment within scope (a resident's, some units',
// an integration client's bookings; all that are set), and false for a
// scope that names nobody's.
func apptScope(scope sotepe.AppointmentScope, from int) (string, []any, bool) {
	var conds []string
	var args []any
	if scope.ResidentID != 0 {
		args = append(args, scope.ResidentID)
		conds = append(conds, `a.resident_id = $`+strconv.Itoa(from))
	}
	if units := dedupe(scope.Units); len(units) > 0 {
		conds = append(conds, `a.unit_id IN (`+placeholders(from+len(args), len(units))+`)`)
		args = append(args, stringArgs(units)...)
	}
	if scope.Client != 0 {
		conds = append(conds, `a.id IN (SELECT appointment_id FROM appointment_clients WHERE client_id = $`+strconv.Itoa(from+len(args))+`)`)
		args = append(args, scope.Client)
	}
	return strings.Join(conds, " AND "), args, len(conds) > 0
}

// apptRead is the audit row of a staff or integration client's read of
// appointment a: staff read on the care relationship, a client on the
// resident's asking it to book (client_request).
func apptRead(act sotepe.Actor, a sotepe.Appointment) sotepe.AuditEntry {
	basis := sotepe.BasisCareRelationship
	if act.Role == sotepe.ActorIntegration {
		basis = sotepe.BasisClientRequest
	}
	return sotepe.AuditEntry{ActorID: act.UserID, ActorRole: act.Role, ActorUnit: act.Unit, RequestID: act.RequestID,
		ResidentID: a.ResidentID, Action: sotepe.ActionAppointmentRead, Object: apptObject(a.ID), Basis: basis, ActorClient: act.Client}
}

// auditsApptReads reports whether reads of appointments by act leave audit
// rows: staff's and integration clients'.
func auditsApptReads(act sotepe.Actor) bool {
	return readsAsStaff(act) || act.Role == sotepe.ActorIntegration && act.Client != 0
}

// readAppts runs query (which selects apptColumns and the resident's
// names) and, for an actor in a staff role or an integration client, writes
// the audit row of each appointment read in the same transaction; nothing
// is returned when a row cannot be written. Residents read without rows,
// residents and clients without the names.
func (s *Store) readAppts(ctx context.Context, op, query string, args ...any) ([]sotepe.Appointment, error) {
	read := func(q querier) ([]sotepe.Appointment, error) {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []sotepe.Appointment{}
		for rows.Next() {
			var first, last string
			a, err := scanAppt(rows, &first, &last)
			if err != nil {
				return nil, err
			}
			a.ResidentName = strings.TrimSpace(first + " " + last)
			out = append(out, a)
		}
		return out, rows.Err()
	}
	act := sotepe.ActorFrom(ctx)
	if !auditsApptReads(act) {
		out, err := read(s.reads)
		for i := range out {
			out[i].ResidentName = ""
		}
		return out, s.fail(op, err)
	}
	var out []sotepe.Appointment
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		var err error
		if out, err = read(tx); err != nil {
			return err
		}
		if !readsAsStaff(act) {
			// A client booked by the identity code: it is not shown the
			// name it was not given.
			for i := range out {
				out[i].ResidentName = ""
			}
		}
		for _, a := range out {
			if err := s.insertAudit(ctx, tx, apptRead(act, a)); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

const apptFrom = ` FROM appointments a JOIN residents r ON r.id = a.resident_id `

// Appointment returns one appointment within scope, or ENotFound, the same
// for one outside scope as for a missing id. A staff read is audited
// (appointment.read, basis care_relationship) and carries the resident's name.
func (s *Store) Appointment(ctx context.Context, id int64, scope sotepe.AppointmentScope) (sotepe.Appointment, error) {
	return s.oneAppt(ctx, scope, `a.id = $1`, id)
}

// AppointmentByRoom returns the video appointment of room within scope, or
// ENotFound, as Appointment does.
func (s *Store) AppointmentByRoom(ctx context.Context, room string, scope sotepe.AppointmentScope) (sotepe.Appointment, error) {
	if room == "" {
		return sotepe.Appointment{}, sotepe.NotFound("appointment")
	}
	return s.oneAppt(ctx, scope, `a.video_room = $1`, room)
}

// oneAppt reads, as Appointment does, the appointment within scope that
// where picks with key as $1, or returns ENotFound.
func (s *Store) oneAppt(ctx context.Context, scope sotepe.AppointmentScope, where string, key any) (sotepe.Appointment, error) {
	cond, args, ok := apptScope(scope, 2)
	if !ok {
		return sotepe.Appointment{}, sotepe.NotFound("appointment")
	}
	out, err := s.readAppts(ctx, "read appointment", `SELECT `+apptColumns+`, r.first_name, r.last_name`+apptFrom+`
		WHERE `+where+` AND `+cond, append([]any{key}, args...)...)
	if err != nil {
		return sotepe.Appointment{}, err
	}
	if len(out) == 0 {
		return sotepe.Appointment{}, sotepe.NotFound("appointment")
	}
	return out[0], nil
}

// ListAppointments returns one page of appointments matching f, ordered by
// start and id: a resident's own (f.ResidentID) or those at f.Units, of
// f.ResourceUser's own schedules when set. A filter naming neither a
// resident nor units is an empty page. Staff reads are audited per
// appointment returned.
func (s *Store) ListAppointments(ctx context.Context, f sotepe.AppointmentFilter) (sotepe.Page[sotepe.Appointment], error) {
	out := sotepe.Page[sotepe.Appointment]{Items: []sotepe.Appointment{}}
	page, err := f.Page.Normalize()
	if err != nil {
		return out, err
	}
	cond, args, ok := apptScope(sotepe.AppointmentScope{ResidentID: f.ResidentID, Units: f.Units, Client: f.Client}, 1)
	if !ok {
		return out, nil
	}
	where := []string{cond}
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(c, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.ResourceUser != 0 {
		add(`a.resource_id IN (SELECT id FROM appt_resources WHERE user_id = $?)`, f.ResourceUser)
	}
	if !f.From.IsZero() {
		add(`a.start_at >= $?`, micros(f.From))
	}
	if !f.To.IsZero() {
		add(`a.start_at < $?`, micros(f.To))
	}
	if len(f.Statuses) > 0 {
		var st []string
		for _, x := range f.Statuses {
			st = append(st, string(x))
		}
		where = append(where, `a.status IN (`+placeholders(len(args)+1, len(st))+`)`)
		args = append(args, stringArgs(st)...)
	}
	if page.Cursor != "" {
		start, id, err := parseSlotCursor(page.Cursor)
		if err != nil {
			return out, err
		}
		args = append(args, start, id)
		where = append(where, `(a.start_at, a.id) > ($`+strconv.Itoa(len(args)-1)+`, $`+strconv.Itoa(len(args))+`)`)
	}
	args = append(args, page.Limit+1)
	items, err := s.readAppts(ctx, "list appointments", `SELECT `+apptColumns+`, r.first_name, r.last_name`+apptFrom+`
		WHERE `+strings.Join(where, " AND ")+` ORDER BY a.start_at, a.id LIMIT `+limitParam(len(args)), args...)
	if err != nil {
		return out, err
	}
	return pageOf(items, page.Limit, func(last sotepe.Appointment) string {
		return slotCursor(sotepe.Slot{ID: last.ID, Start: last.Start})
	}), nil
}

// MarkAppointment sets the status of a booked or arrived appointment at one
// of units to arrived, completed or no_show at at, with its audit row
// (appointment.mark), and returns it. Completing writes the service events of
// the visit for the statistics (recordVisit: a video appointment counts as
// one only when its call was held) and asks the resident for feedback through the outbox
// (appt_feedback), in the same transaction, as does the audit row of the
// answer's read (appointment.read) for a staff actor. Another status is EInvalid
// ("error.appt_status"); an appointment elsewhere or missing ENotFound; one
// cancelled, completed or marked a no-show, or arrived marked a no-show,
// EConflict ("error.appt_not_active").
func (s *Store) MarkAppointment(ctx context.Context, id int64, units []string, status sotepe.AppointmentStatus, at time.Time) (sotepe.Appointment, error) {
	var from string
	switch status {
	case sotepe.AppointmentArrived, sotepe.AppointmentNoShow:
		from = `'booked'`
	case sotepe.AppointmentCompleted:
		from = `'booked', 'arrived'`
	default:
		return sotepe.Appointment{}, sotepe.Invalid("error.appt_status", "mark arrived, completed or no_show")
	}
	cond, args, ok := apptScope(sotepe.AppointmentScope{Units: units}, 4)
	if !ok {
		return sotepe.Appointment{}, sotepe.NotFound("appointment")
	}
	at = instant(at)
	var out sotepe.Appointment
	err := s.inTx(ctx, "mark appointment", func(tx *sql.Tx) error {
		// SQLite's UPDATE takes no table alias: the columns go bare.
		a, err := scanAppt(tx.QueryRowContext(ctx, `
			UPDATE appointments SET status = $2, marked_at = $3
			WHERE id = $1 AND status IN (`+from+`) AND `+strings.ReplaceAll(cond, "a.", "")+`
			RETURNING `+strings.ReplaceAll(apptColumns, "a.", ""), append([]any{id, string(status), micros(at)}, args...)...))
		if errors.Is(err, sql.ErrNoRows) {
			var one int
			cond, args, _ := apptScope(sotepe.AppointmentScope{Units: units}, 2)
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM appointments a WHERE a.id = $1 AND `+cond,
				append([]any{id}, args...)...).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return sotepe.NotFound("appointment")
			}
			if err != nil {
				return err
			}
			return conflict("error.appt_not_active", "the appointment cannot be marked so")
		}
		if err != nil {
			return err
		}
		if status == sotepe.AppointmentCompleted {
			if err := s.recordVisit(ctx, tx, a); err != nil {
				return err
			}
			if err := s.notifyResident(ctx, tx, a.ResidentID, a.ID, sotepe.NotifyApptFeedback, at); err != nil {
				return err
			}
		}
		out = a
		return s.auditApptChange(ctx, tx, sotepe.ActionAppointmentMark, a)
	})
	return out, err
}

// auditApptChange writes in tx the audit row of action on appointment a
// and, as the answer shows the changed appointment to staff, the row of
// its read (auditApptRead).
func (s *Store) auditApptChange(ctx context.Context, tx *sql.Tx, action string, a sotepe.Appointment) error {
	if err := s.auditChange(ctx, tx, action, apptObject(a.ID), a.ResidentID); err != nil {
		return err
	}
	return s.auditApptRead(ctx, tx, a)
}

// auditApptRead writes, for an actor in a staff role, the audit row of
// appointment a shown to them (appointment.read) through tx, the
// transaction whose answer shows it; others read without a row.
func (s *Store) auditApptRead(ctx context.Context, tx *sql.Tx, a sotepe.Appointment) error {
	act := sotepe.ActorFrom(ctx)
	if !auditsApptReads(act) {
		return nil
	}
	return s.insertAudit(ctx, tx, apptRead(act, a))
}

// notifyResident adds a notification of kind to the outbox for every
// enabled account of the resident, in the account's language, about
// appointment (none when 0).
func (s *Store) notifyResident(ctx context.Context, tx *sql.Tx, resident, appointment int64, kind sotepe.NotificationKind, at time.Time) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO notifications (user_id, kind, lang, created_at, next_attempt_at, appointment_id)
		SELECT id, CAST($2 AS TEXT), lang, CAST($3 AS BIGINT), CAST($3 AS BIGINT), $4
		FROM users WHERE resident_id = $1 AND NOT disabled`, resident, string(kind), micros(at), sql.NullInt64{Int64: appointment, Valid: appointment != 0})
	return err
}

// JoinVideo records that the resident entered the waiting room of their own
// booked or arrived video appointment id at at; the first entry counts.
// Anything else is ENotFound.
func (s *Store) JoinVideo(ctx context.Context, id, residentID int64, at time.Time) error {
	return s.fail("join video", execAffecting(ctx, s.writer, sotepe.NotFound("appointment"), `
		UPDATE appointments SET joined_at = COALESCE(joined_at, $3)
		WHERE id = $1 AND resident_id = $2 AND video_room IS NOT NULL AND status IN ('booked', 'arrived')`,
		id, residentID, micros(instant(at))))
}
