// Package booking carries out appointments: who may search, book, cancel
// and rebook which slot, who opens and closes slots and runs the calendar,
// the per-service rules (direct booking or appointment ticket, the
// cancellation limit, the waiting list's offer hold), and the sweeps that
// pass on lapsed offers and send reminders. Storage is the store's; this
// package holds the rules that span the store and the directory.
package booking

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"sotepe"
)

// Service carries out appointments. Every method takes the acting user and
// decides from their roles and units what they may do; anything outside that
// is ENotFound, the same as a missing appointment.
type Service struct {
	store sotepe.Store
	dir   sotepe.Directory
	loc   *time.Location
	now   func() time.Time
	log   *slog.Logger
}

// Config is what a Service needs. Directory defaults to Store, Location to
// Europe/Helsinki, Now to time.Now.
type Config struct {
	Store     sotepe.Store
	Directory sotepe.Directory
	Location  *time.Location
	Now       func() time.Time
	Logger    *slog.Logger
}

// New returns a Service. It fails only when the time zone cannot be loaded.
func New(c Config) (*Service, error) {
	s := &Service{store: c.Store, dir: c.Directory, loc: c.Location, now: c.Now, log: c.Logger}
	if s.dir == nil {
		s.dir = c.Store
	}
	if s.loc == nil {
		loc, err := time.LoadLocation("Europe/Helsinki")
		if err != nil {
			return nil, err
		}
		s.loc = loc
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

var _ sotepe.AppointmentService = (*Service)(nil)

// Limits of searches and calendars.
const (
	DefaultSearchDays = 28
	MaxSearchDays     = 92
	MaxCalendarDays   = 31
	ReminderAhead     = 24 * time.Hour
)

func notFound() error { return sotepe.NotFound("appointment") }

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "not allowed"}
}

func isStaff(u sotepe.User) bool { return u.Has(sotepe.RoleProfessional) || u.Has(sotepe.RoleManager) }

func isResident(u sotepe.User) bool { return u.Has(sotepe.RoleResident) && u.ResidentID != 0 }

// scope is whose appointments u may see: a resident their own, staff their
// units'.
func scope(u sotepe.User) (sotepe.AppointmentScope, bool) {
	switch {
	case isResident(u):
		return sotepe.AppointmentScope{ResidentID: u.ResidentID}, true
	case isStaff(u) && len(u.Units) > 0:
		return sotepe.AppointmentScope{Units: u.Units}, true
	}
	return sotepe.AppointmentScope{}, false
}

// checkPeriod refuses bounds of a period outside the calendar's years
// (EInvalid "error.period_range", with From and To): a list or figures of
// the year 9999 are a mistake to tell, not an empty answer. Zero bounds are
// unset.
func checkPeriod(bounds ...time.Time) error {
	for _, t := range bounds {
		if t.IsZero() {
			continue
		}
		if y := t.UTC().Year(); y < sotepe.CalendarFirstYear || y > sotepe.CalendarLastYear {
			return sotepe.Invalid("error.period_range", "the period lies outside the calendar's years").
				With(map[string]any{"From": sotepe.CalendarFirstYear, "To": sotepe.CalendarLastYear})
		}
	}
	return nil
}

// Search returns one page of free slots of a service, for anyone, signed in
// or not: the slots hold no personal data. From defaults to now and is never
// earlier; To defaults to 28 days after From and may lie at most 92 days
// after it. An unknown service is EInvalid ("error.unknown_service"), an
// unknown mode EInvalid ("error.appt_mode"), To before From EInvalid
// ("error.appt_period"), From more than sotepe.MaxSlotYearsAhead years
// ahead EInvalid ("error.appt_start_range").
func (s *Service) Search(ctx context.Context, _ *sotepe.User, f sotepe.SlotFilter) (sotepe.Page[sotepe.Slot], error) {
	if f.Service == "" {
		return sotepe.Page[sotepe.Slot]{}, sotepe.Invalid("error.service_required", "choose a service")
	}
	if _, err := s.dir.Service(ctx, f.Service); sotepe.ErrorCode(err) == sotepe.ENotFound {
		return sotepe.Page[sotepe.Slot]{}, sotepe.Invalid("error.unknown_service", "no such service")
	} else if err != nil {
		return sotepe.Page[sotepe.Slot]{}, err
	}
	if f.Mode != "" && !f.Mode.Valid() {
		return sotepe.Page[sotepe.Slot]{}, sotepe.Invalid("error.appt_mode", "unknown mode")
	}
	now := s.now()
	if f.From.Before(now) {
		f.From = now
	}
	if f.From.After(now.AddDate(sotepe.MaxSlotYearsAhead, 0, 0)) {
		return sotepe.Page[sotepe.Slot]{}, sotepe.Invalid("error.appt_start_range", "from lies too far ahead").With(map[string]any{"Years": sotepe.MaxSlotYearsAhead})
	}
	if f.To.IsZero() {
		f.To = f.From.AddDate(0, 0, DefaultSearchDays)
	}
	if f.To.Before(f.From) || f.To.Sub(f.From) > MaxSearchDays*24*time.Hour {
		return sotepe.Page[sotepe.Slot]{}, sotepe.Invalid("error.appt_period", "the period is reversed or too long").With(map[string]any{"Days": MaxSearchDays})
	}
	return s.store.FreeSlots(ctx, f)
}

// booking is the common part of a resident's booking: the rules of the
// service and the resident's date of birth for the care guarantee.
func (s *Service) booking(ctx context.Context, u sotepe.User, service string) (sotepe.Booking, sotepe.BookingRules, error) {
	c, err := s.store.BookingRules(ctx, service)
	if err != nil {
		return sotepe.Booking{}, c, err
	}
	b := sotepe.Booking{ResidentID: u.ResidentID, Lang: u.Lang, BookedBy: u.ID, Now: s.now(),
		RequireTicket: !c.DirectBooking, CancelLimit: c.CancelLimit, OfferHold: c.OfferHold}
	// The resident's own data, read to count their guarantee: no staff
	// read, no audit row.
	r, err := s.store.Resident(ctx, u.ResidentID)
	if err != nil {
		return b, c, err
	}
	if birth, err := sotepe.ParsePersonalID(r.PersonalID); err == nil {
		b.Birth = birth
	}
	return b, c, nil
}

// Book books slot slotID for the signed-in resident. A service the
// resident may not book directly needs an unused appointment ticket
// (EForbidden "error.appt_ticket_required"). A past slot is EInvalid
// ("error.appt_past"), one of another service than service EInvalid
// ("error.appt_wrong_service"), a taken one EConflict ("error.appt_taken"),
// a missing one ENotFound. Only residents book (EForbidden otherwise).
func (s *Service) Book(ctx context.Context, u sotepe.User, slotID int64, service string) (sotepe.Appointment, error) {
	a, _, err := s.BookOnce(ctx, u, slotID, service, "")
	return a, err
}

// BookOnce books as Book, and with a non-empty key (the Idempotency-Key
// of the request, at most 200 bytes) makes a retry safe: when the resident
// already booked the slot under the key, the booking is returned as it
// stands with created false, even though the slot is now taken (by them).
// The key is the resident's own: another resident's key finds nothing of
// theirs. A key that booked another slot is EConflict
// ("error.idempotency_key_used").
func (s *Service) BookOnce(ctx context.Context, u sotepe.User, slotID int64, service, key string) (sotepe.Appointment, bool, error) {
	if !isResident(u) {
		return sotepe.Appointment{}, false, forbidden()
	}
	sl, err := s.store.Slot(ctx, slotID)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	if service != "" && sl.ServiceID != service {
		return sotepe.Appointment{}, false, sotepe.Invalid("error.appt_wrong_service", "the slot is of another service")
	}
	b, _, err := s.booking(ctx, u, sl.ServiceID)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	b.SlotID, b.Service, b.IdempotencyKey = slotID, sl.ServiceID, key
	a, err := s.store.Book(ctx, b)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	return a, !a.Replayed, nil
}

// Reschedule moves the resident's own booked appointment id to slot slotID
// of the same service, in one transaction, until the cancellation limit of
// the service before the old start (EConflict "error.appt_cancel_late"
// after). The new appointment keeps the ticket and the start of the wait.
// A slot of another service is EInvalid ("error.appt_wrong_service").
func (s *Service) Reschedule(ctx context.Context, u sotepe.User, id, slotID int64) (sotepe.Appointment, error) {
	if !isResident(u) {
		return sotepe.Appointment{}, notFound()
	}
	old, err := s.store.Appointment(ctx, id, sotepe.AppointmentScope{ResidentID: u.ResidentID})
	if err != nil {
		return old, err
	}
	b, _, err := s.booking(ctx, u, old.ServiceID)
	if err != nil {
		return sotepe.Appointment{}, err
	}
	b.SlotID, b.Service, b.Replaces, b.RequireTicket = slotID, old.ServiceID, id, false
	return s.store.Book(ctx, b)
}

// Cancel cancels an appointment: a resident their own until the
// cancellation limit of the service before the start (EConflict
// "error.appt_cancel_late" after, with the limit in hours), staff one of
// their units until the start.
func (s *Service) Cancel(ctx context.Context, u sotepe.User, id int64) (sotepe.Appointment, error) {
	sc, ok := scope(u)
	if !ok {
		return sotepe.Appointment{}, notFound()
	}
	limit := time.Duration(-1)
	if sc.ResidentID != 0 {
		a, l, err := s.cancelLimit(ctx, id, sc)
		if err != nil {
			return a, err
		}
		limit = l
	}
	return s.store.CancelAppointment(ctx, id, sc, s.now(), limit)
}

// cancelLimit returns appointment id, read within sc (ENotFound outside
// it), and its service's cancellation limit.
func (s *Service) cancelLimit(ctx context.Context, id int64, sc sotepe.AppointmentScope) (sotepe.Appointment, time.Duration, error) {
	a, err := s.store.Appointment(ctx, id, sc)
	if err != nil {
		return a, 0, err
	}
	rules, err := s.store.BookingRules(ctx, a.ServiceID)
	if err != nil {
		return a, 0, err
	}
	return a, rules.CancelLimit, nil
}

// Get returns one appointment the user may see, or ENotFound. A staff read
// is audited by the store.
func (s *Service) Get(ctx context.Context, u sotepe.User, id int64) (sotepe.Appointment, error) {
	sc, ok := scope(u)
	if !ok {
		return sotepe.Appointment{}, notFound()
	}
	return s.store.Appointment(ctx, id, sc)
}

// List returns one page of the appointments the user may see: a resident's
// own, or those of the staff member's units (narrowed to f.Units, which
// must be among them, EForbidden otherwise), ordered by start. Bounds
// outside the calendar's years are EInvalid ("error.period_range").
func (s *Service) List(ctx context.Context, u sotepe.User, f sotepe.AppointmentFilter) (sotepe.Page[sotepe.Appointment], error) {
	sc, ok := scope(u)
	if !ok {
		return sotepe.Page[sotepe.Appointment]{}, forbidden()
	}
	if err := checkPeriod(f.From, f.To); err != nil {
		return sotepe.Page[sotepe.Appointment]{}, err
	}
	f.ResidentID = sc.ResidentID
	if sc.ResidentID != 0 {
		f.Units, f.ResourceUser = nil, 0
	} else if f.Units, ok = sotepe.NarrowUnits(f.Units, sc.Units); !ok {
		return sotepe.Page[sotepe.Appointment]{}, forbidden()
	}
	return s.store.ListAppointments(ctx, f)
}

// Mark sets an appointment of the staff member's units to arrived,
// completed or no_show. Completing records a service event and asks the
// resident for feedback (in the store's transaction).
func (s *Service) Mark(ctx context.Context, u sotepe.User, id int64, status sotepe.AppointmentStatus) (sotepe.Appointment, error) {
	if !isStaff(u) {
		return sotepe.Appointment{}, notFound()
	}
	return s.store.MarkAppointment(ctx, id, u.Units, status, s.now())
}

// OpenSlots opens slots at one of the staff member's units (EForbidden
// elsewhere) for a service the unit offers (EInvalid
// "error.unit_service"), on o.ResourceID (a schedule of the unit) or, when
// 0, on the user's own schedule there, created on first use. With a
// template it opens its slots from today on; otherwise one slot at o.Start,
// which must lie ahead (EInvalid "error.appt_past"). A template wholly in
// the past is EInvalid ("error.appt_past"); a slot starting more than
// sotepe.MaxSlotYearsAhead years ahead EInvalid ("error.appt_start_range").
// It returns how many slots are new: the store skips a slot that overlaps
// one its schedule holds (store.OpenSlots). A single slot skipped so is
// EConflict ("error.appt_slot_clash"): the one thing asked was not done.
// A template that opens nothing new returns 0 without an error: it is a
// bulk request that is safe to repeat, and skipping the times the schedule
// holds already is part of its work, not a failure.
func (s *Service) OpenSlots(ctx context.Context, u sotepe.User, o sotepe.SlotOpening) (int, error) {
	if !isStaff(u) || !u.MemberOf(o.UnitID) {
		return 0, forbidden()
	}
	unit, err := s.dir.Unit(ctx, o.UnitID)
	if err != nil {
		return 0, err
	}
	if !slices.Contains(unit.Services, o.ServiceID) {
		return 0, sotepe.Invalid("error.unit_service", "the unit does not offer this service")
	}
	if !o.Mode.Valid() {
		return 0, sotepe.Invalid("error.appt_mode", "unknown mode")
	}
	if o.Length < sotepe.MinSlotLength || o.Length > sotepe.MaxSlotLength {
		return 0, sotepe.Invalid("error.appt_length", "a slot lasts 5 minutes to 4 hours")
	}
	if o.ResourceID == 0 {
		r, err := s.store.SaveResource(ctx, sotepe.Resource{UnitID: o.UnitID, Kind: sotepe.ResourceProfessional, Name: u.Name, UserID: u.ID})
		if err != nil {
			return 0, err
		}
		o.ResourceID = r.ID
	}
	now := s.now()
	var starts []time.Time
	if o.Template != nil {
		t := *o.Template
		t.Length = o.Length
		all, err := t.Starts(s.loc)
		if err != nil {
			return 0, err
		}
		for _, st := range all {
			if st.After(now) {
				starts = append(starts, st)
			}
		}
		// A template wholly in the past, or reaching too far ahead, is a
		// mistake to tell, not an opening of nothing.
		if len(all) > 0 && len(starts) == 0 {
			return 0, sotepe.Invalid("error.appt_past", "the time has passed")
		}
		if len(starts) > 0 {
			if err := sotepe.CheckSlotStart(starts[len(starts)-1], now); err != nil {
				return 0, err
			}
		}
	} else {
		if err := sotepe.CheckSlotStart(o.Start, now); err != nil {
			return 0, err
		}
		starts = []time.Time{o.Start}
	}
	slots := make([]sotepe.Slot, len(starts))
	for i, st := range starts {
		slots[i] = sotepe.Slot{ServiceID: o.ServiceID, UnitID: o.UnitID, ResourceID: o.ResourceID, Start: st, End: st.Add(o.Length), Mode: o.Mode}
	}
	n, err := s.store.OpenSlots(ctx, slots)
	if err == nil && n == 0 && o.Template == nil {
		return 0, &sotepe.Error{Code: sotepe.EConflict, Key: "error.appt_slot_clash", Message: "the schedule holds a time that overlaps this one"}
	}
	return n, err
}

// CloseSlot closes an open slot of the staff member's units.
func (s *Service) CloseSlot(ctx context.Context, u sotepe.User, id int64) error {
	if !isStaff(u) {
		return sotepe.NotFound("slot")
	}
	return s.store.CloseSlot(ctx, id, u.Units)
}

// Calendar returns the slots of unit (one of the staff member's; all of
// them when empty) from from until to, at most 31 days, with the
// appointments that hold them; with mine only those of the user's own
// schedules. Reading the appointments is audited by the store.
func (s *Service) Calendar(ctx context.Context, u sotepe.User, unit string, from, to time.Time, mine bool) (sotepe.Calendar, error) {
	cal := sotepe.Calendar{Appointments: map[int64]sotepe.Appointment{}}
	if !isStaff(u) {
		return cal, forbidden()
	}
	units := u.Units
	if unit != "" {
		if !u.MemberOf(unit) {
			return cal, forbidden()
		}
		units = []string{unit}
	}
	if err := checkPeriod(from, to); err != nil {
		return cal, err
	}
	if !to.After(from) || to.Sub(from) > MaxCalendarDays*24*time.Hour {
		return cal, sotepe.Invalid("error.appt_period", "the period is reversed or too long").With(map[string]any{"Days": MaxCalendarDays})
	}
	slots, err := s.store.UnitSlots(ctx, units, from, to)
	if err != nil {
		return cal, err
	}
	own := map[int64]bool{}
	if mine {
		for _, unit := range units {
			rs, err := s.store.Resources(ctx, unit)
			if err != nil {
				return cal, err
			}
			for _, r := range rs {
				if r.UserID == u.ID {
					own[r.ID] = true
				}
			}
		}
		slots = slices.DeleteFunc(slots, func(sl sotepe.Slot) bool { return !own[sl.ResourceID] })
	}
	cal.Slots = slots
	f := sotepe.AppointmentFilter{Units: units, From: from, To: to,
		Statuses: []sotepe.AppointmentStatus{sotepe.AppointmentBooked, sotepe.AppointmentArrived, sotepe.AppointmentCompleted, sotepe.AppointmentNoShow}}
	if mine {
		f.ResourceUser = u.ID
	}
	appts, err := sotepe.All(func(p sotepe.PageRequest) (sotepe.Page[sotepe.Appointment], error) {
		f.Page = p
		return s.store.ListAppointments(ctx, f)
	})
	for _, a := range appts {
		cal.Appointments[a.SlotID] = a
	}
	return cal, err
}

// IssueTicket gives a resident an appointment ticket for a service of one
// of the staff member's units, optionally after their contact request. A
// service none of their units offers is EInvalid ("error.unit_service"),
// an unknown one EInvalid ("error.unknown_service"). A contact request
// outside the staff member's units, or of another resident, is ENotFound,
// the same as a missing one.
func (s *Service) IssueTicket(ctx context.Context, u sotepe.User, t sotepe.Ticket) (sotepe.Ticket, error) {
	if !isStaff(u) {
		return t, forbidden()
	}
	if _, err := s.dir.Service(ctx, t.ServiceID); sotepe.ErrorCode(err) == sotepe.ENotFound {
		return t, sotepe.Invalid("error.unknown_service", "no such service")
	} else if err != nil {
		return t, err
	}
	if ok, err := s.offered(ctx, u.Units, t.ServiceID); err != nil {
		return t, err
	} else if !ok {
		return t, sotepe.Invalid("error.unit_service", "the unit does not offer this service")
	}
	if t.ResidentID == 0 {
		return t, sotepe.Invalid("error.resident_required", "a ticket needs a resident")
	}
	if t.ContactRequestID != 0 {
		// The ticket's wait starts at the request's receipt, which the
		// answer shows: only a request of the user's units, of the same
		// resident, may be named (an audited read); any other is as
		// missing as an id nobody has.
		c, err := s.store.ContactRequest(ctx, t.ContactRequestID, sotepe.ContactScope{Units: u.Units})
		if err != nil {
			return t, err
		}
		if c.ResidentID != t.ResidentID {
			return t, sotepe.NotFound("contact request")
		}
	}
	t.IssuedBy = u.ID
	return s.store.IssueTicket(ctx, t)
}

// JoinWaitlist puts the signed-in resident on the waiting list of a
// service; see sotepe.Appointments.JoinWaitlist.
func (s *Service) JoinWaitlist(ctx context.Context, u sotepe.User, e sotepe.WaitEntry) (sotepe.WaitEntry, error) {
	if !isResident(u) {
		return e, forbidden()
	}
	if e.AppointmentID == 0 {
		if _, err := s.dir.Service(ctx, e.ServiceID); sotepe.ErrorCode(err) == sotepe.ENotFound {
			return e, sotepe.Invalid("error.unknown_service", "no such service")
		} else if err != nil {
			return e, err
		}
	}
	if now := s.now(); !e.Before.IsZero() && (!e.Before.After(now) || e.Before.After(now.AddDate(sotepe.MaxSlotYearsAhead, 0, 0))) {
		return e, sotepe.Invalid("error.appt_waitlist_before", "the time lies in the past or too far ahead")
	}
	e.ResidentID, e.Lang = u.ResidentID, u.Lang
	return s.store.JoinWaitlist(ctx, e)
}

// Waitlist returns the resident's waiting-list entries.
func (s *Service) Waitlist(ctx context.Context, u sotepe.User) ([]sotepe.WaitEntry, error) {
	if !isResident(u) {
		return nil, forbidden()
	}
	return s.store.Waitlist(ctx, u.ResidentID)
}

// LeaveWaitlist takes the resident's entry off the list.
func (s *Service) LeaveWaitlist(ctx context.Context, u sotepe.User, id int64) error {
	if !isResident(u) {
		return sotepe.NotFound("waiting-list entry")
	}
	return s.store.LeaveWaitlist(ctx, id, u.ResidentID, s.now())
}

// Tickets returns the resident's unused appointment tickets.
func (s *Service) Tickets(ctx context.Context, u sotepe.User) ([]sotepe.Ticket, error) {
	if !isResident(u) {
		return nil, forbidden()
	}
	return s.store.Tickets(ctx, u.ResidentID)
}

// JoinVideo returns a video appointment the user may see; a resident's
// entry into the waiting room is recorded. An appointment that is not a
// video one is ENotFound.
func (s *Service) JoinVideo(ctx context.Context, u sotepe.User, id int64) (sotepe.Appointment, error) {
	a, err := s.Get(ctx, u, id)
	if err != nil {
		return a, err
	}
	if a.VideoRoom == "" {
		return sotepe.Appointment{}, notFound()
	}
	if isResident(u) && a.Status.Active() {
		now := s.now()
		if err := s.store.JoinVideo(ctx, id, u.ResidentID, now); err != nil {
			return a, err
		}
		if a.JoinedAt.IsZero() {
			a.JoinedAt = now
		}
	}
	return a, nil
}

// SwitchToPhone turns a video appointment into a phone appointment ("call
// me instead"): a resident their own (or, acting, their principal's), staff
// one of their units', until its end; the professional then calls the
// resident at its time. The appointment has no video room after. Anything
// the user may not see is ENotFound; an appointment that is not a video one
// still to come EConflict ("video.error.not_video").
func (s *Service) SwitchToPhone(ctx context.Context, u sotepe.User, id int64) (sotepe.Appointment, error) {
	sc, ok := scope(u)
	if !ok {
		return sotepe.Appointment{}, notFound()
	}
	return s.store.SwitchToPhone(ctx, id, sc, s.now())
}

// Figures returns the care-guarantee figures of the appointments starting
// from from until to: a manager's of their units (unit, when given, must be
// one), an analyst's or administrator's of every unit or of unit. Others
// are EForbidden.
func (s *Service) Figures(ctx context.Context, u sotepe.User, from, to time.Time, unit string) ([]sotepe.AppointmentFigures, error) {
	var units []string
	switch {
	case u.Has(sotepe.RoleAnalyst) || u.Has(sotepe.RoleAdmin):
		if unit != "" {
			units = []string{unit}
		}
	case u.Has(sotepe.RoleManager):
		units = u.Units
		if unit != "" {
			if !u.MemberOf(unit) {
				return nil, forbidden()
			}
			units = []string{unit}
		}
	default:
		return nil, forbidden()
	}
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, sotepe.Invalid("error.appt_period", "the period is reversed").With(map[string]any{"Days": MaxSearchDays})
	}
	return s.store.AppointmentFigures(ctx, from, to, s.now(), units)
}

// Sweep passes on lapsed waiting-list offers and queues reminders of the
// appointments of the next 24 hours.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now()
	if _, err := s.store.SweepOffers(ctx, now, sotepe.DefaultOfferHold); err != nil {
		return err
	}
	_, err := s.store.SweepReminders(ctx, now, ReminderAhead)
	return err
}

// RunSweeps sweeps every interval until ctx ends. A failed sweep is logged
// and tried again at the next tick.
func (s *Service) RunSweeps(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("appointment sweep failed", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
