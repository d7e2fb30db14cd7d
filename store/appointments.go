package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// How appointments are kept.
//
// A slot is a row of slots on a schedule (appt_resources); its state is
// open, booked, offered or closed. Booking a slot is one conditional UPDATE
// of its state from open (or offered to the resident) to booked, followed by
// the appointments row, in one transaction: of any number of concurrent
// bookings exactly one finds the slot open (on PostgreSQL the others wait on
// the row lock and then find it booked). Under that, the partial unique
// index appointments_slot allows one active appointment per slot, so that
// no slot is ever booked twice whatever the code does.
//
// Every change writes its audit row (appointment.*) in its transaction, with object
// "appt:<id>" or "slot:<id>". A staff read of appointments writes appointment.read
// with basis care_relationship for each appointment it returns, in the
// transaction of the read. Reminders, waiting-list offers and feedback
// requests go to the notification outbox in the transaction of the change,
// holding no health details.

const slotColumns = `id, service_id, unit_id, resource_id, start_at, end_at, mode, evening, state, offer_expires_at`

// scanSlot reads the slotColumns of one row, and then extra.
func scanSlot(sc interface{ Scan(...any) error }, extra ...any) (sotepe.Slot, error) {
	var sl sotepe.Slot
	var start, end int64
	var mode, state string
	var expires sql.NullInt64
	dest := []any{&sl.ID, &sl.ServiceID, &sl.UnitID, &sl.ResourceID, &start, &end, &mode, &sl.Evening, &state, &expires}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return sl, err
	}
	sl.Start, sl.End, sl.Mode, sl.State = fromMicros(start), fromMicros(end), sotepe.AppointmentMode(mode), sotepe.SlotState(state)
	if expires.Valid {
		sl.OfferExpires = fromMicros(expires.Int64)
	}
	return sl, nil
}

func apptObject(id int64) string { return "appt:" + strconv.FormatInt(id, 10) }

// BookingRules returns the booking rules of a service: those saved for it, or
// sotepe.DefaultBookingRules when none are. An unknown service is ENotFound.
func (s *Store) BookingRules(ctx context.Context, serviceID string) (sotepe.BookingRules, error) {
	c := sotepe.DefaultBookingRules(serviceID)
	var cancel, hold int64
	err := s.reads.QueryRowContext(ctx, `
		SELECT direct_booking, cancel_limit_minutes, offer_hold_minutes, guarantee_days, guarantee_days_young
		FROM appt_services WHERE service_id = $1`, serviceID).Scan(&c.DirectBooking, &cancel, &hold, &c.GuaranteeDays, &c.GuaranteeDaysYoung)
	if errors.Is(err, sql.ErrNoRows) {
		ok, err := s.exists(ctx, s.reads, "services", serviceID)
		if err != nil {
			return c, err
		}
		if !ok {
			return c, sotepe.NotFound("service")
		}
		return c, nil
	}
	if err != nil {
		return c, s.fail("read appointment config", err)
	}
	c.CancelLimit, c.OfferHold = time.Duration(cancel)*time.Minute, time.Duration(hold)*time.Minute
	return c, nil
}

// SaveBookingRules inserts or replaces the booking rules of a service, with
// its audit row (network.change). Limits are kept in whole minutes. An
// invalid config is EInvalid; an unknown service EInvalid
// ("error.reference").
func (s *Store) SaveBookingRules(ctx context.Context, c sotepe.BookingRules) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, "save appointment config", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO appt_services (service_id, direct_booking, cancel_limit_minutes, offer_hold_minutes, guarantee_days, guarantee_days_young)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (service_id) DO UPDATE SET direct_booking = excluded.direct_booking,
				cancel_limit_minutes = excluded.cancel_limit_minutes, offer_hold_minutes = excluded.offer_hold_minutes,
				guarantee_days = excluded.guarantee_days, guarantee_days_young = excluded.guarantee_days_young`,
			c.ServiceID, c.DirectBooking, int64(c.CancelLimit/time.Minute), int64(c.OfferHold/time.Minute),
			c.GuaranteeDays, c.GuaranteeDaysYoung); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "appt_service:"+c.ServiceID, 0)
	})
}

// SaveResource stores a new schedule with its audit row (appointment.slots) and
// returns it with its id. A professional's schedule (kind professional,
// UserID set) is one per unit: when it exists it is returned unchanged. An
// unknown kind, an empty name or a professional without a user is EInvalid
// ("error.appt_resource"); an unknown unit or user EInvalid
// ("error.reference").
func (s *Store) SaveResource(ctx context.Context, r sotepe.Resource) (sotepe.Resource, error) {
	r.Name = strings.TrimSpace(r.Name)
	if !r.Kind.Valid() || r.Name == "" || (r.Kind == sotepe.ResourceProfessional) != (r.UserID != 0) || r.UnitID == "" {
		return r, sotepe.Invalid("error.appt_resource", "a schedule needs a unit, a kind and a name")
	}
	err := s.inTx(ctx, "save schedule", func(tx *sql.Tx) error {
		if r.UserID != 0 {
			err := tx.QueryRowContext(ctx, `SELECT id, name FROM appt_resources WHERE unit_id = $1 AND user_id = $2`,
				r.UnitID, r.UserID).Scan(&r.ID, &r.Name)
			if err == nil {
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO appt_resources (unit_id, kind, name, user_id, created_at) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, r.UnitID, string(r.Kind), r.Name, nullInt(r.UserID), micros(s.now())).Scan(&r.ID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionAppointmentSlots, "resource:"+strconv.FormatInt(r.ID, 10), 0)
	})
	return r, err
}

// Resources returns the schedules of a unit ordered by kind, name and id.
func (s *Store) Resources(ctx context.Context, unitID string) ([]sotepe.Resource, error) {
	out, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.Resource, error) {
		var r sotepe.Resource
		var kind string
		var user sql.NullInt64
		if err := rows.Scan(&r.ID, &r.UnitID, &kind, &r.Name, &user); err != nil {
			return r, err
		}
		r.Kind, r.UserID = sotepe.ResourceKind(kind), user.Int64
		return r, nil
	}, `
		SELECT id, unit_id, kind, name, user_id FROM appt_resources WHERE unit_id = $1 ORDER BY kind, name, id`, unitID)
	if err != nil {
		return nil, s.fail("list schedules", err)
	}
	return out, nil
}

// slotChunk bounds the rows of one multi-row insert of slots (ten
// parameters each), below either engine's limit on parameters.
const slotChunk = 90

// OpenSlots stores open slots in one transaction with one audit row
// (appointment.slots, none when nothing was new) and returns how many were
// created. A schedule is the time of one professional, room or line, which
// cannot be given twice: a slot that overlaps, as the half-open interval
// [start, end), a slot its schedule holds that is open, offered or booked
// is skipped, and so is one that overlaps another of slots on the same
// schedule that starts earlier (of two with one start, the one given
// first).
// Slots that only touch (one ends as the next starts) do not overlap. A
// closed slot holds nothing: staff withdrew it, or its appointment was
// cancelled after it began, and no slot is ever opened again once closed,
// so its time may be given anew (a video time where an in-person one was
// closed). The schedules' rows are locked first (FOR UPDATE on PostgreSQL;
// SQLite has one writer), so that of two openings at once on one schedule
// the second sees what the first created. Evening is derived from the
// start in Europe/Helsinki. A slot with an unknown mode, an end not after
// its start, a length out of range or more than sotepe.MaxSlotsAtOnce
// slots is EInvalid; a schedule of another unit EInvalid
// ("error.appt_resource"); an unknown service, unit or schedule EInvalid
// ("error.reference").
func (s *Store) OpenSlots(ctx context.Context, slots []sotepe.Slot) (int, error) {
	if len(slots) > sotepe.MaxSlotsAtOnce {
		return 0, sotepe.Invalid("error.appt_too_many_slots", "too many slots at once").With(map[string]any{"Max": sotepe.MaxSlotsAtOnce})
	}
	for _, sl := range slots {
		if !sl.Mode.Valid() {
			return 0, sotepe.Invalid("error.appt_mode", "unknown mode "+string(sl.Mode))
		}
		if l := sl.Length(); l < sotepe.MinSlotLength || l > sotepe.MaxSlotLength {
			return 0, sotepe.Invalid("error.appt_length", "a slot lasts 5 minutes to 4 hours")
		}
	}
	if len(slots) == 0 {
		return 0, nil
	}
	now := micros(s.now())
	created := 0
	err := s.inTx(ctx, "open slots", func(tx *sql.Tx) error {
		created = 0
		// In the order of their ids, so that two openings of the same
		// schedules wait for each other rather than deadlock.
		resources := make([]int64, 0, len(slots))
		for _, sl := range slots {
			resources = append(resources, sl.ResourceID)
		}
		slices.Sort(resources)
		resources = slices.Compact(resources)
		lock := `SELECT unit_id FROM appt_resources WHERE id = $1`
		if s.dialect.name == Postgres {
			lock += ` FOR UPDATE`
		}
		units := map[int64]string{}
		for _, id := range resources {
			var unit string
			err := tx.QueryRowContext(ctx, lock, id).Scan(&unit)
			if errors.Is(err, sql.ErrNoRows) {
				return sotepe.Invalid("error.reference", "unknown schedule")
			}
			if err != nil {
				return err
			}
			units[id] = unit
		}
		for _, sl := range slots {
			if units[sl.ResourceID] != sl.UnitID {
				return sotepe.Invalid("error.appt_resource", "the schedule belongs to another unit")
			}
		}
		fresh, err := withoutClashes(ctx, tx, slots, resources)
		if err != nil {
			return err
		}
		for from := 0; from < len(fresh); from += slotChunk {
			chunk := fresh[from:min(from+slotChunk, len(fresh))]
			var b strings.Builder
			args := make([]any, 0, len(chunk)*10)
			for i, sl := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(" + placeholders(len(args)+1, 9) + ")")
				args = append(args, sl.ServiceID, sl.UnitID, sl.ResourceID, micros(sl.Start), micros(sl.End),
					string(sl.Mode), sotepe.IsEvening(sl.Start, s.zone), string(sotepe.SlotOpen), now)
			}
			res, err := tx.ExecContext(ctx, `
				INSERT INTO slots (service_id, unit_id, resource_id, start_at, end_at, mode, evening, state, created_at)
				VALUES `+b.String(), args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			created += int(n)
		}
		if created == 0 {
			return nil // nothing changed, nothing to record
		}
		return s.auditChange(ctx, tx, sotepe.ActionAppointmentSlots, "slots:"+slots[0].UnitID, 0)
	})
	return created, err
}

// slotClashes reads, in the order of their starts, the slots of schedule $1
// that are not closed and start after $2 and before $3: those that can
// overlap a slot of the range, no slot being longer than
// sotepe.MaxSlotLength. It searches slots_resource_start, whose condition it
// repeats (TestSlotClashPlan).
const slotClashes = `SELECT start_at, end_at FROM slots
	WHERE resource_id = $1 AND start_at > $2 AND start_at < $3 AND state <> 'closed'
	ORDER BY start_at`

// span is the half-open interval [start, end) of a slot in stored form.
type span struct{ start, end int64 }

// withoutClashes returns the slots, in their order, that overlap neither a
// slot their schedule holds in tx that is not closed nor another of slots
// on the same schedule that starts earlier (of two with one start, the one
// given first); resources are the schedules of slots.
func withoutClashes(ctx context.Context, tx *sql.Tx, slots []sotepe.Slot, resources []int64) ([]sotepe.Slot, error) {
	kept := make([]bool, len(slots))
	for _, res := range resources {
		var from, to int64
		var mine []int
		for i, sl := range slots {
			if sl.ResourceID != res {
				continue
			}
			if len(mine) == 0 || micros(sl.Start) < from {
				from = micros(sl.Start)
			}
			to = max(to, micros(sl.End))
			mine = append(mine, i)
		}
		held, err := queryAll(ctx, tx, func(rows *sql.Rows) (span, error) {
			var sp span
			return sp, rows.Scan(&sp.start, &sp.end)
		}, slotClashes, res, from-sotepe.MaxSlotLength.Microseconds(), to)
		if err != nil {
			return nil, err
		}
		// Taken in the order of their starts, so that taken is in that
		// order as held is, as overlaps needs.
		slices.SortStableFunc(mine, func(a, b int) int { return slots[a].Start.Compare(slots[b].Start) })
		var taken []span
		for _, i := range mine {
			sp := span{micros(slots[i].Start), micros(slots[i].End)}
			if overlaps(held, sp) || overlaps(taken, sp) {
				continue
			}
			taken = append(taken, sp)
			kept[i] = true
		}
	}
	var out []sotepe.Slot
	for i, sl := range slots {
		if kept[i] {
			out = append(out, sl)
		}
	}
	return out, nil
}

// overlaps reports whether sp overlaps one of spans, which are in the order
// of their starts and none longer than sotepe.MaxSlotLength.
func overlaps(spans []span, sp span) bool {
	// Only a span starting less than the longest length before sp can
	// reach into it.
	i, _ := slices.BinarySearchFunc(spans, sp.start-sotepe.MaxSlotLength.Microseconds(), func(s span, start int64) int {
		return cmp.Compare(s.start, start)
	})
	for ; i < len(spans) && spans[i].start < sp.end; i++ {
		if spans[i].end > sp.start {
			return true
		}
	}
	return false
}

// CloseSlot closes an open or offered slot at one of units, with its audit
// row (appointment.slots); an offer it held lapses and its waiting-list entry waits
// again. A slot elsewhere or missing is ENotFound; a booked one EConflict
// ("error.appt_slot_booked"); closing a closed slot changes nothing.
func (s *Store) CloseSlot(ctx context.Context, id int64, units []string) error {
	units = dedupe(units)
	if len(units) == 0 {
		return sotepe.NotFound("slot")
	}
	return s.inTx(ctx, "close slot", func(tx *sql.Tx) error {
		var state string
		var entry sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT state, offer_entry FROM slots WHERE id = $1 AND unit_id IN (`+placeholders(2, len(units))+`)`,
			append([]any{id}, stringArgs(units)...)...).Scan(&state, &entry)
		if errors.Is(err, sql.ErrNoRows) {
			return sotepe.NotFound("slot")
		}
		if err != nil {
			return err
		}
		switch sotepe.SlotState(state) {
		case sotepe.SlotClosed:
			return nil
		case sotepe.SlotBooked:
			return conflict("error.appt_slot_booked", "the slot is booked")
		}
		if err := execAffecting(ctx, tx, conflict("error.appt_slot_booked", "the slot is booked"), `
			UPDATE slots SET state = 'closed', offer_entry = NULL, offer_expires_at = NULL
			WHERE id = $1 AND state IN ('open', 'offered')`, id); err != nil {
			return err
		}
		if entry.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE appt_waitlist SET status = 'waiting' WHERE id = $1 AND status = 'offered'`, entry.Int64); err != nil {
				return err
			}
		}
		return s.auditChange(ctx, tx, sotepe.ActionAppointmentSlots, "slot:"+strconv.FormatInt(id, 10), 0)
	})
}

// Slot returns one slot in any state, or ENotFound.
func (s *Store) Slot(ctx context.Context, id int64) (sotepe.Slot, error) {
	sl, err := scanSlot(s.reads.QueryRowContext(ctx, `SELECT `+slotColumns+` FROM slots WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sl, sotepe.NotFound("slot")
	}
	if err != nil {
		return sl, s.fail("read slot", err)
	}
	return sl, nil
}

// slotCursor is the opaque position after a slot: its start and id.
func slotCursor(sl sotepe.Slot) string {
	return strconv.FormatInt(micros(sl.Start), 36) + "." + strconv.FormatInt(sl.ID, 36)
}

func parseSlotCursor(c string) (int64, int64, error) {
	a, b, ok := strings.Cut(c, ".")
	start, err1 := strconv.ParseInt(a, 36, 64)
	id, err2 := strconv.ParseInt(b, 36, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, sotepe.Invalid("error.cursor", "malformed cursor")
	}
	return start, id, nil
}

// FreeSlots returns one page of the open slots of f.Service that start at
// or after f.From (and before f.To when set), at f.Units when given, of
// f.Mode and evening or not when set, ordered by start and id. Slots
// offered to the waiting list are not free. A missing service is EInvalid
// ("error.service_required"); a malformed cursor or limit EInvalid.
func (s *Store) FreeSlots(ctx context.Context, f sotepe.SlotFilter) (sotepe.Page[sotepe.Slot], error) {
	out := sotepe.Page[sotepe.Slot]{Items: []sotepe.Slot{}}
	if f.Service == "" {
		return out, sotepe.Invalid("error.service_required", "choose a service")
	}
	page, err := f.Page.Normalize()
	if err != nil {
		return out, err
	}
	where := []string{`service_id = $1`, `state = 'open'`, `start_at >= $2`}
	args := []any{f.Service, micros(f.From)}
	if !f.To.IsZero() {
		args = append(args, micros(f.To))
		where = append(where, `start_at < $`+strconv.Itoa(len(args)))
	}
	if units := dedupe(f.Units); len(units) > 0 {
		where = append(where, `unit_id IN (`+placeholders(len(args)+1, len(units))+`)`)
		args = append(args, stringArgs(units)...)
	}
	if f.Mode != "" {
		args = append(args, string(f.Mode))
		where = append(where, `mode = $`+strconv.Itoa(len(args)))
	}
	if f.Evening != nil {
		args = append(args, *f.Evening)
		where = append(where, `evening = $`+strconv.Itoa(len(args)))
	}
	if page.Cursor != "" {
		start, id, err := parseSlotCursor(page.Cursor)
		if err != nil {
			return out, err
		}
		args = append(args, start, id)
		where = append(where, `(start_at, id) > ($`+strconv.Itoa(len(args)-1)+`, $`+strconv.Itoa(len(args))+`)`)
	}
	args = append(args, page.Limit+1)
	items, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.Slot, error) { return scanSlot(rows) },
		`SELECT `+slotColumns+` FROM slots WHERE `+strings.Join(where, " AND ")+`
		ORDER BY start_at, id LIMIT `+limitParam(len(args)), args...)
	if err != nil {
		return out, s.fail("search slots", err)
	}
	return pageOf(items, page.Limit, slotCursor), nil
}

// maxCalendarSlots bounds the slots of one calendar read.
const maxCalendarSlots = 5000

// UnitSlots returns the slots of units (in every state) that start between
// from and to, ordered by start and id, at most 5000. No units, no slots.
func (s *Store) UnitSlots(ctx context.Context, units []string, from, to time.Time) ([]sotepe.Slot, error) {
	out := []sotepe.Slot{}
	units = dedupe(units)
	if len(units) == 0 {
		return out, nil
	}
	out, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.Slot, error) { return scanSlot(rows) },
		`SELECT `+slotColumns+` FROM slots
		WHERE unit_id IN (`+placeholders(3, len(units))+`) AND start_at >= $1 AND start_at < $2
		ORDER BY start_at, id LIMIT `+strconv.Itoa(maxCalendarSlots),
		append([]any{micros(from), micros(to)}, stringArgs(units)...)...)
	if err != nil {
		return nil, s.fail("calendar slots", err)
	}
	return out, nil
}
