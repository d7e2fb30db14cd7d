package sotepe

import (
	"context"
	"slices"
	"time"
)

// Appointments (vastaanottoajat, mottagningstider): professionals, rooms and
// remote-visit lines have schedules (resources) holding slots of a service at
// a unit; residents find free slots and book them, directly or with an
// appointment ticket a professional gives; staff run their calendar.

// AppointmentMode is how an appointment is held.
type AppointmentMode string

// The modes of an appointment.
const (
	ModeInPerson AppointmentMode = "in_person"
	ModePhone    AppointmentMode = "phone"
	ModeVideo    AppointmentMode = "video"
)

// AppointmentModes lists every mode.
var AppointmentModes = []AppointmentMode{ModeInPerson, ModePhone, ModeVideo}

// Valid reports whether m is a known mode.
func (m AppointmentMode) Valid() bool { return slices.Contains(AppointmentModes, m) }

// SlotState is where a slot stands.
type SlotState string

// The states of a slot.
const (
	SlotOpen    SlotState = "open"    // free to book
	SlotBooked  SlotState = "booked"  // an appointment holds it
	SlotOffered SlotState = "offered" // held for the first of the waiting list until the offer expires
	SlotClosed  SlotState = "closed"  // staff closed it
)

// AppointmentStatus is where an appointment stands.
type AppointmentStatus string

// The statuses of an appointment.
const (
	AppointmentBooked    AppointmentStatus = "booked"
	AppointmentCancelled AppointmentStatus = "cancelled"
	AppointmentArrived   AppointmentStatus = "arrived"
	AppointmentCompleted AppointmentStatus = "completed"
	AppointmentNoShow    AppointmentStatus = "no_show"
)

// AppointmentStatuses lists every status.
var AppointmentStatuses = []AppointmentStatus{AppointmentBooked, AppointmentCancelled, AppointmentArrived, AppointmentCompleted, AppointmentNoShow}

// Valid reports whether s is a known status.
func (s AppointmentStatus) Valid() bool { return slices.Contains(AppointmentStatuses, s) }

// Active reports whether an appointment with status s still holds its slot.
func (s AppointmentStatus) Active() bool { return s != AppointmentCancelled && s != "" }

// ResourceKind is whose schedule a resource is.
type ResourceKind string

// The kinds of resource.
const (
	ResourceProfessional ResourceKind = "professional"
	ResourceRoom         ResourceKind = "room"
	ResourceRemoteLine   ResourceKind = "remote_line"
)

// Valid reports whether k is a known kind.
func (k ResourceKind) Valid() bool {
	return k == ResourceProfessional || k == ResourceRoom || k == ResourceRemoteLine
}

// Notification kinds of appointments. None of them carries health details:
// only that there is something to see, and where.
const (
	NotifyApptReminder NotificationKind = "appt_reminder" // an appointment is coming up
	NotifyApptOffer    NotificationKind = "appt_offer"    // the waiting list offers an earlier time
	NotifyApptFeedback NotificationKind = "appt_feedback" // a visit is completed: how was it?
)

// Audit actions of appointments.
const (
	ActionAppointmentBook   = "appointment.book"
	ActionAppointmentCancel = "appointment.cancel"
	ActionAppointmentRead   = "appointment.read"
	ActionAppointmentMark   = "appointment.mark"
	ActionAppointmentSlots  = "appointment.slots"
	ActionAppointmentTicket = "appointment.ticket"
	// ActionAppointmentTicketRead is an appointment ticket shown to staff (who
	// holds it, for which service, since when they wait).
	ActionAppointmentTicketRead = "appointment_ticket.read"
	ActionAppointmentWaitlist   = "appointment.waitlist"
	// ActionAppointmentPhone is a video appointment turned into a phone
	// appointment ("call me instead").
	ActionAppointmentPhone = "appointment.phone"
)

// AppointmentEveningFrom is the hour (Europe/Helsinki) from which a slot counts as an
// evening time.
const AppointmentEveningFrom = 16

// IsEvening reports whether a slot starting at start is an evening time: it
// starts at or after ApptEveningFrom o'clock in loc.
func IsEvening(start time.Time, loc *time.Location) bool {
	return start.In(loc).Hour() >= AppointmentEveningFrom
}

// Limits of slots.
const (
	MinSlotLength = 5 * time.Minute
	MaxSlotLength = 4 * time.Hour
	// MaxSlotsAtOnce bounds the slots one opening may create.
	MaxSlotsAtOnce = 5000
	// MaxSlotYearsAhead is how far ahead slots may be opened and waited
	// for: a calendar further out is a slip of the keyboard, not a plan.
	MaxSlotYearsAhead = 2
)

// CheckSlotStart checks that a slot starting at start may be opened at now:
// ahead of now (EInvalid "error.appt_past") and at most MaxSlotYearsAhead
// years after it (EInvalid "error.appt_start_range", with Years).
func CheckSlotStart(start, now time.Time) error {
	if !start.After(now) {
		return Invalid("error.appt_past", "the time has passed")
	}
	if start.After(now.AddDate(MaxSlotYearsAhead, 0, 0)) {
		return Invalid("error.appt_start_range", "the start lies too far ahead").With(map[string]any{"Years": MaxSlotYearsAhead})
	}
	return nil
}

// BookingRules is how a service is booked. DirectBooking lets residents book it
// themselves; otherwise they need an appointment ticket. CancelLimit is how
// long before the start a resident may still cancel or rebook; OfferHold how
// long a waiting-list offer holds. The care guarantee is GuaranteeDays, and
// GuaranteeDaysYoung for residents under 23 when their wait began.
type BookingRules struct {
	ServiceID          string        `json:"service"`
	DirectBooking      bool          `json:"direct_booking"`
	CancelLimit        time.Duration `json:"-"`
	OfferHold          time.Duration `json:"-"`
	GuaranteeDays      int           `json:"guarantee_days"`
	GuaranteeDaysYoung int           `json:"guarantee_days_young"`
}

// Defaults of the booking rules and of the care guarantee (non-urgent care
// under the Health Care Act: primary care within three months, within 14
// days for those under 23; oral care within six months).
const (
	DefaultCancelLimit = 24 * time.Hour
	DefaultOfferHold   = 15 * time.Hour
	GuaranteeDays      = 90
	GuaranteeDaysYoung = 14
	GuaranteeDaysOral  = 180
	YoungUnder         = 23 // years
)

// DefaultBookingRules returns the rules a service has until an administrator
// sets its own: booked with an appointment ticket, cancellable until 24
// hours before, offers held 15 hours, and the statutory care guarantee (six
// months for oral care, "dental-care").
func DefaultBookingRules(serviceID string) BookingRules {
	c := BookingRules{ServiceID: serviceID, CancelLimit: DefaultCancelLimit, OfferHold: DefaultOfferHold,
		GuaranteeDays: GuaranteeDays, GuaranteeDaysYoung: GuaranteeDaysYoung}
	if serviceID == "dental-care" {
		c.GuaranteeDays, c.GuaranteeDaysYoung = GuaranteeDaysOral, GuaranteeDaysOral
	}
	return c
}

// Validate checks c: a service, limits that are not negative, an offer hold
// and guarantees that are positive. Each failure is EInvalid.
func (c BookingRules) Validate() error {
	switch {
	case c.ServiceID == "":
		return InvalidField("service", "error.service_required", "choose a service")
	case c.CancelLimit < 0:
		return InvalidField("cancel_limit_hours", "error.appt_config", "limits must be positive")
	case c.OfferHold <= 0:
		return InvalidField("offer_hold_hours", "error.appt_config", "limits must be positive")
	case c.GuaranteeDays <= 0:
		return InvalidField("guarantee_days", "error.appt_config", "limits must be positive")
	case c.GuaranteeDaysYoung <= 0:
		return InvalidField("guarantee_days_young", "error.appt_config", "limits must be positive")
	}
	return nil
}

// Guarantee returns the care guarantee that applies to a resident who was
// young (under 23) when their wait began.
func (c BookingRules) Guarantee(young bool) time.Duration {
	if young {
		return time.Duration(c.GuaranteeDaysYoung) * 24 * time.Hour
	}
	return time.Duration(c.GuaranteeDays) * 24 * time.Hour
}

// YoungAt reports whether the person with the personal identity code was
// under 23 at t; a code that does not parse is not young.
func YoungAt(personalID string, t time.Time) bool {
	birth, err := ParsePersonalID(personalID)
	if err != nil {
		return false
	}
	return t.Before(birth.AddDate(YoungUnder, 0, 0))
}

// Resource is a schedule: a professional's at a unit (UserID set), a room's
// or a remote-visit line's.
type Resource struct {
	ID     int64        `json:"id"`
	UnitID string       `json:"unit"`
	Kind   ResourceKind `json:"kind"`
	Name   string       `json:"name"`
	UserID int64        `json:"user,omitempty"`
}

// Slot is a time on a schedule that a resident can book.
type Slot struct {
	ID         int64           `json:"id"`
	ServiceID  string          `json:"service"`
	UnitID     string          `json:"unit"`
	ResourceID int64           `json:"resource"`
	Start      time.Time       `json:"start"`
	End        time.Time       `json:"end"`
	Mode       AppointmentMode `json:"mode"`
	Evening    bool            `json:"evening"`
	State      SlotState       `json:"state"`
	// OfferExpires is when a waiting-list offer of the slot lapses; zero
	// unless the slot is offered.
	OfferExpires time.Time `json:"-"`
}

// Length returns how long the slot lasts.
func (s Slot) Length() time.Duration { return s.End.Sub(s.Start) }

// WeeklyTemplate opens slots in bulk: on each listed weekday (1 Monday … 7
// Sunday) between From and To (dates YYYY-MM-DD, both included), slots of
// Length back to back from each period's start until its end.
type WeeklyTemplate struct {
	From    string         `json:"from"`
	To      string         `json:"to"`
	Length  time.Duration  `json:"-"`
	Periods []WeeklyPeriod `json:"periods"`
}

// WeeklyPeriod is one stretch of a weekly template: a weekday and the local
// times (HH:MM) it runs between.
type WeeklyPeriod struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// Starts returns the starts of the slots the template opens in loc, in time
// order. A malformed date or time, an end before its start, a length out of
// range, a span over 366 days or more than MaxSlotsAtOnce slots is EInvalid.
func (w WeeklyTemplate) Starts(loc *time.Location) ([]time.Time, error) {
	bad := Invalid("error.appt_template", "the weekly template is malformed")
	from, err1 := time.ParseInLocation(time.DateOnly, w.From, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, w.To, loc)
	if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) > 366*24*time.Hour {
		return nil, bad
	}
	if w.Length < MinSlotLength || w.Length > MaxSlotLength {
		return nil, Invalid("error.appt_length", "a slot lasts 5 minutes to 4 hours")
	}
	type span struct{ start, end int } // minutes from midnight
	spans := map[int][]span{}
	for _, p := range w.Periods {
		a, ok1 := clockMinutes(p.Start)
		b, ok2 := clockMinutes(p.End)
		if !ok1 || !ok2 || b <= a || p.Weekday < 1 || p.Weekday > 7 {
			return nil, bad
		}
		spans[p.Weekday] = append(spans[p.Weekday], span{a, b})
	}
	var out []time.Time
	step := int(w.Length / time.Minute)
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		wd := int(d.Weekday())
		if wd == 0 {
			wd = 7
		}
		for _, sp := range spans[wd] {
			for m := sp.start; m+step <= sp.end; m += step {
				out = append(out, time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, loc))
				if len(out) > MaxSlotsAtOnce {
					return nil, Invalid("error.appt_too_many_slots", "too many slots at once").With(map[string]any{"Max": MaxSlotsAtOnce})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out), nil
}

// clockMinutes reads "HH:MM" as minutes from midnight.
func clockMinutes(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Appointment is a resident's booking of a slot.
type Appointment struct {
	ID         int64             `json:"id"`
	SlotID     int64             `json:"slot"`
	ResidentID int64             `json:"resident"`
	ServiceID  string            `json:"service"`
	UnitID     string            `json:"unit"`
	ResourceID int64             `json:"resource"`
	Start      time.Time         `json:"start"`
	End        time.Time         `json:"end"`
	Mode       AppointmentMode   `json:"mode"`
	Status     AppointmentStatus `json:"status"`
	Lang       Lang              `json:"lang"`
	BookedAt   time.Time         `json:"booked_at"`
	BookedBy   int64             `json:"booked_by,omitempty"`
	// BookedByClient is the integration client that booked it, if any.
	BookedByClient int64 `json:"-"`
	TicketID       int64 `json:"ticket,omitempty"`
	// WaitingFrom is when the wait the care guarantee counts began.
	WaitingFrom time.Time `json:"waiting_from"`
	Young       bool      `json:"-"`
	// VideoRoom names the room of a video appointment; empty otherwise.
	VideoRoom   string    `json:"-"`
	JoinedAt    time.Time `json:"-"` // when the resident entered the video waiting room
	MarkedAt    time.Time `json:"-"`
	CancelledAt time.Time `json:"-"`
	// ResidentName is filled only for staff, by an audited read.
	ResidentName string `json:"-"`
	// Replayed is set when a booking found the appointment its
	// idempotency key already booked instead of booking again.
	Replayed bool `json:"-"`
}

// Ticket is an appointment ticket: a professional's leave for a resident to
// book a service that is not booked directly.
type Ticket struct {
	ID               int64     `json:"id"`
	ResidentID       int64     `json:"resident"`
	ServiceID        string    `json:"service"`
	ContactRequestID int64     `json:"contact_request,omitempty"`
	IssuedBy         int64     `json:"issued_by,omitempty"`
	IssuedAt         time.Time `json:"issued_at"`
	WaitingFrom      time.Time `json:"waiting_from"`
	UsedAt           time.Time `json:"-"`
}

// WaitStatus is where a waiting-list entry stands.
type WaitStatus string

// The statuses of a waiting-list entry.
const (
	WaitWaiting WaitStatus = "waiting"
	WaitOffered WaitStatus = "offered"
	WaitDone    WaitStatus = "done" // an earlier time was booked
	WaitLeft    WaitStatus = "left" // the resident left the list
)

// WaitEntry is a resident's place on the waiting list of a service: they want
// a time before Before, at Unit if given, in place of Appointment if given.
type WaitEntry struct {
	ID            int64      `json:"id"`
	ResidentID    int64      `json:"resident"`
	ServiceID     string     `json:"service"`
	UnitID        string     `json:"unit,omitempty"`
	AppointmentID int64      `json:"appointment,omitempty"`
	Before        time.Time  `json:"before"`
	Lang          Lang       `json:"lang"`
	Status        WaitStatus `json:"status"`
	CreatedAt     time.Time  `json:"created_at"`
	// OfferSlot is the slot offered to the entry, while one is.
	OfferSlot    int64     `json:"offer_slot,omitempty"`
	OfferExpires time.Time `json:"-"`
}

// SlotFilter narrows a free-time search. Service is required; the rest
// narrow when set. Results are ordered by start, then id.
type SlotFilter struct {
	Service string
	Units   []string
	From    time.Time
	To      time.Time
	Mode    AppointmentMode
	Evening *bool
	Page    PageRequest
}

// AppointmentFilter narrows a list of appointments. ResidentID limits a resident to
// their own; Units limits staff to their units; ResourceUser to one
// professional's own schedule. From and To bound the start.
type AppointmentFilter struct {
	ResidentID   int64
	Units        []string
	ResourceUser int64
	From         time.Time
	To           time.Time
	Statuses     []AppointmentStatus
	// Client limits an integration client to the appointments it booked.
	Client int64
	Page   PageRequest
}

// Booking is what booking a slot needs. The store checks, in the transaction
// of the booking, that the slot is open (or offered to the resident), starts
// after Now, and is of Service when Service is set; with RequireTicket it
// uses the oldest unused ticket of the resident for the service. Replaces
// names the resident's appointment that the booking replaces (rebooking):
// it must start after Now+CancelLimit and is cancelled in the same
// transaction.
type Booking struct {
	SlotID        int64
	ResidentID    int64
	Service       string
	Lang          Lang
	BookedBy      int64
	Now           time.Time
	RequireTicket bool
	Replaces      int64
	CancelLimit   time.Duration
	OfferHold     time.Duration
	// Birth is the resident's date of birth, for the care guarantee.
	Birth time.Time
	// Client is the integration client booking for the resident (0: the
	// resident or staff); the appointment remembers it.
	Client int64
	// IdempotencyKey (at most 200 bytes), when set, makes a retry safe:
	// the resident's booking stored under the same key is returned, with
	// Replayed set, instead of a second booking or "taken".
	IdempotencyKey string
}

// AppointmentScope is whose appointments a read may return: a resident's own, or
// those of some units for staff.
type AppointmentScope struct {
	ResidentID int64
	Units      []string
	// Client keeps the appointments integration client Client booked.
	Client int64
}

// AppointmentFigures are the care-guarantee figures of one unit and service. Waits
// are in days from the start of the wait (contact request, ticket or
// booking) to the appointment, over the appointments that took place
// (arrived or completed) or are still booked, of the period.
type AppointmentFigures struct {
	UnitID    string   `json:"unit"`
	ServiceID string   `json:"service"`
	Count     int      `json:"appointments"`
	Within    int      `json:"within_guarantee"`
	Share     *float64 `json:"share_within_guarantee"`
	Median    *float64 `json:"median_wait_days"`
	P90       *float64 `json:"p90_wait_days"`
	// T3 is the days from now to the third free slot, null when fewer
	// than three are open.
	T3 *float64 `json:"t3_days"`
}

// Appointments is the store side of appointments. Changes write their audit
// row in the same transaction; staff reads of appointments write theirs in
// the transaction of the read (the actor comes from the context).
type Appointments interface {
	// BookingRules returns the booking rules of a service: its own, or
	// DefaultBookingRules.
	BookingRules(ctx context.Context, serviceID string) (BookingRules, error)
	// SaveBookingRules stores the booking rules of a service.
	SaveBookingRules(ctx context.Context, c BookingRules) error
	// SaveResource stores a new schedule and returns it with its id; a
	// professional's schedule at a unit that exists is returned as it is.
	SaveResource(ctx context.Context, r Resource) (Resource, error)
	// Resources returns the schedules of a unit.
	Resources(ctx context.Context, unitID string) ([]Resource, error)
	// OpenSlots stores new open slots and returns how many were created;
	// a slot whose schedule already has one starting at the same time is
	// skipped.
	OpenSlots(ctx context.Context, slots []Slot) (int, error)
	// CloseSlot closes an open slot of one of units; ENotFound outside
	// them, EConflict when it is booked.
	CloseSlot(ctx context.Context, id int64, units []string) error
	// Slot returns one slot, or ENotFound.
	Slot(ctx context.Context, id int64) (Slot, error)
	// FreeSlots returns one page of open slots matching f.
	FreeSlots(ctx context.Context, f SlotFilter) (Page[Slot], error)
	// UnitSlots returns the slots of units between from and to in every
	// state, ordered by start, for the staff calendar.
	UnitSlots(ctx context.Context, units []string, from, to time.Time) ([]Slot, error)
	// Book books a slot; see Booking.
	Book(ctx context.Context, b Booking) (Appointment, error)
	// CancelAppointment cancels an appointment within scope. A resident's
	// cancellation after start−limit is EConflict; staff (limit < 0) may
	// cancel until the start.
	CancelAppointment(ctx context.Context, id int64, scope AppointmentScope, now time.Time, limit time.Duration) (Appointment, error)
	// Appointment returns one appointment within scope, or ENotFound.
	Appointment(ctx context.Context, id int64, scope AppointmentScope) (Appointment, error)
	// AppointmentByRoom returns the video appointment of a room, or
	// ENotFound.
	AppointmentByRoom(ctx context.Context, room string, scope AppointmentScope) (Appointment, error)
	// ListAppointments returns one page of appointments matching f.
	ListAppointments(ctx context.Context, f AppointmentFilter) (Page[Appointment], error)
	// MarkAppointment sets the status of an appointment of units to
	// arrived, completed or no_show.
	MarkAppointment(ctx context.Context, id int64, units []string, status AppointmentStatus, at time.Time) (Appointment, error)
	// JoinVideo records that the resident entered the video waiting room.
	JoinVideo(ctx context.Context, id int64, residentID int64, at time.Time) error
	// SwitchToPhone turns a booked or arrived video appointment within
	// scope that has not ended by now into a phone appointment, with its
	// audit row (appointment.phone); it has no video room after. One
	// outside scope or missing is ENotFound; one that is not a video
	// appointment, or no longer active or ended, EConflict
	// ("video.error.not_video").
	SwitchToPhone(ctx context.Context, id int64, scope AppointmentScope, now time.Time) (Appointment, error)
	// IssueTicket stores an appointment ticket.
	IssueTicket(ctx context.Context, t Ticket) (Ticket, error)
	// Tickets returns a resident's unused tickets.
	Tickets(ctx context.Context, residentID int64) ([]Ticket, error)
	// JoinWaitlist puts a resident on a service's waiting list.
	JoinWaitlist(ctx context.Context, e WaitEntry) (WaitEntry, error)
	// Waitlist returns a resident's waiting-list entries.
	Waitlist(ctx context.Context, residentID int64) ([]WaitEntry, error)
	// LeaveWaitlist takes a resident's entry off the list.
	LeaveWaitlist(ctx context.Context, id, residentID int64, now time.Time) error
	// SweepOffers passes on offers that expired by now and returns how
	// many it handled.
	SweepOffers(ctx context.Context, now time.Time, hold time.Duration) (int, error)
	// SweepReminders queues a reminder for each booked appointment that
	// starts before now+ahead and has none, and returns how many.
	SweepReminders(ctx context.Context, now time.Time, ahead time.Duration) (int, error)
	// AppointmentFigures returns the care-guarantee figures of the appointments
	// starting between from and to, per unit and service, for units (all
	// when nil).
	AppointmentFigures(ctx context.Context, from, to, now time.Time, units []string) ([]AppointmentFigures, error)
}

// AppointmentService carries out appointments for the people using them (package
// booking implements it). Each method takes the acting user and answers
// ENotFound for anything the user may not see.
type AppointmentService interface {
	// Search finds free slots.
	Search(ctx context.Context, u *User, f SlotFilter) (Page[Slot], error)
	// Book books a slot for the resident themselves; service, when not
	// empty, is the service the resident means to book.
	Book(ctx context.Context, u User, slotID int64, service string) (Appointment, error)
	// BookOnce books as Book under the resident's idempotency key and
	// reports whether the booking is new (false when the key found the
	// resident's earlier booking of the slot).
	BookOnce(ctx context.Context, u User, slotID int64, service, key string) (Appointment, bool, error)
	// Reschedule moves the resident's appointment to another slot of the
	// same service.
	Reschedule(ctx context.Context, u User, id, slotID int64) (Appointment, error)
	// Cancel cancels an appointment.
	Cancel(ctx context.Context, u User, id int64) (Appointment, error)
	// Get returns one appointment.
	Get(ctx context.Context, u User, id int64) (Appointment, error)
	// List returns the resident's own appointments or the staff member's
	// units'.
	List(ctx context.Context, u User, f AppointmentFilter) (Page[Appointment], error)
	// Mark sets arrived, completed or no_show.
	Mark(ctx context.Context, u User, id int64, status AppointmentStatus) (Appointment, error)
	// OpenSlots opens slots on a schedule by a weekly template.
	OpenSlots(ctx context.Context, u User, o SlotOpening) (int, error)
	// CloseSlot closes an open slot.
	CloseSlot(ctx context.Context, u User, id int64) error
	// Calendar returns the slots and appointments of the user's units.
	Calendar(ctx context.Context, u User, unit string, from, to time.Time, mine bool) (Calendar, error)
	// IssueTicket gives a resident an appointment ticket.
	IssueTicket(ctx context.Context, u User, t Ticket) (Ticket, error)
	// BookFor books a slot of the staff member's unit for the resident
	// with a personal identity code, finding them with an audited read.
	BookFor(ctx context.Context, u User, slotID int64, personalID string, basis Basis) (Appointment, error)
	// RulesEditable reports whether the user may change how a service is
	// booked.
	RulesEditable(ctx context.Context, u User, serviceID string) (bool, error)
	// SaveRules sets how a service is booked.
	SaveRules(ctx context.Context, u User, c BookingRules) error
	// JoinWaitlist puts the resident on a waiting list.
	JoinWaitlist(ctx context.Context, u User, e WaitEntry) (WaitEntry, error)
	// Waitlist returns the resident's waiting-list entries.
	Waitlist(ctx context.Context, u User) ([]WaitEntry, error)
	// LeaveWaitlist takes the resident's entry off the list.
	LeaveWaitlist(ctx context.Context, u User, id int64) error
	// Tickets returns the resident's unused appointment tickets.
	Tickets(ctx context.Context, u User) ([]Ticket, error)
	// JoinVideo opens the video room of an appointment for the resident or
	// the professional; the resident's entry is recorded.
	JoinVideo(ctx context.Context, u User, id int64) (Appointment, error)
	// SwitchToPhone turns a video appointment of the resident's, or of the
	// staff member's units, into a phone appointment ("call me instead").
	SwitchToPhone(ctx context.Context, u User, id int64) (Appointment, error)
	// Figures returns the care-guarantee figures.
	Figures(ctx context.Context, u User, from, to time.Time, unit string) ([]AppointmentFigures, error)
	// Rules returns how a service is booked, public to everyone; a service
	// without appointments is ENotFound.
	Rules(ctx context.Context, serviceID string) (BookingRules, error)
	// Slot returns one slot: to staff of its unit, or to a resident it is
	// offered to from the waiting list; for anyone else ENotFound.
	Slot(ctx context.Context, u User, id int64) (Slot, error)
}

// SlotOpening is what opening slots needs: the unit, service, mode and a
// schedule (Resource; 0 for the user's own at the unit), with either one
// Start or a weekly Template.
type SlotOpening struct {
	UnitID     string
	ServiceID  string
	ResourceID int64
	Mode       AppointmentMode
	Length     time.Duration
	Start      time.Time
	Template   *WeeklyTemplate
}

// Calendar is a staff view of slots and their appointments.
type Calendar struct {
	Slots        []Slot
	Appointments map[int64]Appointment // by slot id
}
