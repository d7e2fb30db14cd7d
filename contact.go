package sotepe

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ContactStatus is where a contact request stands. A request moves new →
// in progress → answered → closed; a professional who asks the resident
// something sets it waiting for the resident, and the resident's reply
// brings it back to in progress.
type ContactStatus string

// The statuses of a contact request.
const (
	StatusNew        ContactStatus = "new"
	StatusInProgress ContactStatus = "in_progress"
	StatusWaiting    ContactStatus = "waiting" // waiting for the resident
	StatusAnswered   ContactStatus = "answered"
	StatusClosed     ContactStatus = "closed"
)

// ContactStatuses lists every status in the order a request passes them.
var ContactStatuses = []ContactStatus{StatusNew, StatusInProgress, StatusWaiting, StatusAnswered, StatusClosed}

// Valid reports whether s is a known status.
func (s ContactStatus) Valid() bool { return slices.Contains(ContactStatuses, s) }

// Open reports whether the request still waits for something from the
// service: every status but answered and closed.
func (s ContactStatus) Open() bool { return s != StatusAnswered && s != StatusClosed }

// Channel is how a contact request came in. The set is open-ended: later
// capabilities (assessment hand-overs, chat) add their own.
type Channel string

// The channels of contact requests.
const (
	ChannelPortal     Channel = "portal"     // a signed-in resident wrote in the portal
	ChannelPhone      Channel = "phone"      // a professional recorded a request made by phone
	ChannelWebsite    Channel = "website"    // the city website's form, without signing in
	ChannelAssessment Channel = "assessment" // a symptom or service-need assessment handed over
	ChannelChat       Channel = "chat"       // a chat handed over to the queue
)

// Channels lists every channel.
var Channels = []Channel{ChannelPortal, ChannelPhone, ChannelWebsite, ChannelAssessment, ChannelChat}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// Resolution is the category a professional closes a request with.
type Resolution string

// The resolutions of a closed request.
const (
	ResolutionAnswered    Resolution = "answered"    // the answer settled it
	ResolutionAppointment Resolution = "appointment" // an appointment was booked or a ticket given
	ResolutionReferred    Resolution = "referred"    // handed to another service
	ResolutionNoAction    Resolution = "no_action"   // nothing to do (duplicate, withdrawn)
	ResolutionNoContact   Resolution = "no_contact"  // the resident could not be reached
)

// Resolutions lists every resolution.
var Resolutions = []Resolution{ResolutionAnswered, ResolutionAppointment, ResolutionReferred, ResolutionNoAction, ResolutionNoContact}

// Valid reports whether r is a known resolution.
func (r Resolution) Valid() bool { return slices.Contains(Resolutions, r) }

// Limits of a contact request.
const (
	MaxMessageLength   = 5000                // characters in one message
	MaxPhoneBackdate   = 30 * 24 * time.Hour // how far in the past a phone request's receipt may lie
	MaxChatBackdate    = 24 * time.Hour      // how far in the past a handed-over chat may have started
	PromiseWorkingDays = 2                   // the answer promise: two working days
)

// The years the working-day calendar answers for: a deadline asked from an
// instant outside them is a mistake, not a plan (JSON cannot even carry a
// year after 9999).
const (
	CalendarFirstYear = 1900
	CalendarLastYear  = 2399
)

// CheckDeadlineFrom checks the instant a deadline is asked from: its year in
// Europe/Helsinki or any zone lies from CalendarFirstYear to
// CalendarLastYear (EInvalid "error.from_range", with From and To).
func CheckDeadlineFrom(t time.Time) error {
	if y := t.UTC().Year(); y < CalendarFirstYear || y > CalendarLastYear {
		return Invalid("error.from_range", "from lies outside the calendar's years").
			With(map[string]any{"From": CalendarFirstYear, "To": CalendarLastYear})
	}
	return nil
}

// ContactDetails are how to reach someone who wrote without signing in.
type ContactDetails struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// ContactRequest is a request to a service to contact the resident: a thread
// of messages answered by the unit it is routed to, under the promise of an
// answer within two working days.
type ContactRequest struct {
	ID         int64           `json:"id"`
	ResidentID int64           `json:"resident,omitempty"` // 0 for the website form
	Contact    *ContactDetails `json:"contact,omitempty"`  // only for the website form
	ServiceID  string          `json:"service"`
	UnitID     string          `json:"unit"`
	Channel    Channel         `json:"channel"`
	Status     ContactStatus   `json:"status"`
	Lang       Lang            `json:"lang"`
	ReceivedAt time.Time       `json:"received_at"`
	DueAt      time.Time       `json:"due_at"`
	// FirstAnsweredAt is when a professional first answered; zero until then.
	FirstAnsweredAt time.Time `json:"first_answered_at"`
	// Breached is set once the deadline passed without an answer.
	Breached   bool       `json:"breached"`
	AssignedTo int64      `json:"assigned_to,omitempty"`
	RecordedBy int64      `json:"recorded_by,omitempty"` // the professional who recorded a phone request
	ClosedAt   time.Time  `json:"closed_at"`
	Resolution Resolution `json:"resolution,omitempty"`
	Messages   []Message  `json:"messages"`
	// Subject is the start of the first message, set on lists (which
	// carry no messages) so that requests can be told apart; it is the
	// writer's own text, not screened.
	Subject string `json:"-"`
}

// Message is one message of a request's thread. Internal notes are for staff
// only and never shown to the resident.
type Message struct {
	ID        int64     `json:"id"`
	AuthorID  int64     `json:"author,omitempty"` // 0 for the website form's writer
	FromStaff bool      `json:"from_staff"`
	Internal  bool      `json:"internal,omitempty"`
	Body      string    `json:"body"`
	At        time.Time `json:"at"`
}

// NewContactRequest is what submitting a request needs. ResidentID is the
// signed-in resident's own for the portal, the resident a professional
// records a phone request for, and 0 for the website form, which needs
// Contact instead. ReceivedAt is the moment of receipt: now, except for phone
// requests recorded afterwards. ReceivedGiven says the sender gave
// ReceivedAt, even as the zero time, which is then out of range rather than
// missing: only a phone request given no time of receipt is received now.
type NewContactRequest struct {
	ServiceID      string
	UnitID         string // optional: the unit the resident chose
	Body           string
	Channel        Channel
	ResidentID     int64
	Contact        *ContactDetails
	Lang           Lang
	ReceivedAt     time.Time
	ReceivedGiven  bool
	IdempotencyKey string
}

// Validate checks n at now: a service, a message of 1–5000 characters, a
// known channel, a resident or (website form) a name with a phone number or
// e-mail address, and a receipt time that is not in the future and, for
// phone requests, at most 30 days old (a phone request's time of receipt
// given as the zero time, or outside those 30 days, is EInvalid
// "error.received_range", which names the field). Each failure is EInvalid
// with its own catalog key.
func (n NewContactRequest) Validate(now time.Time) error {
	body := strings.TrimSpace(n.Body)
	switch {
	case n.ServiceID == "":
		return InvalidField("service", "error.service_required", "choose a service")
	case body == "":
		return InvalidField("message", "error.message_empty", "the message is empty")
	case utf8.RuneCountInString(body) > MaxMessageLength:
		return InvalidField("message", "error.message_long", "the message is over 5000 characters").With(map[string]any{"Max": MaxMessageLength})
	case !n.Channel.Valid():
		return Invalid("error.channel", "unknown channel "+string(n.Channel))
	case n.Channel == ChannelPhone && (n.ReceivedGiven && n.ReceivedAt.IsZero() || now.Sub(n.ReceivedAt) > MaxPhoneBackdate):
		return InvalidField("received_at", "error.received_range", "received_at lies more than 30 days back").With(map[string]any{"Days": int(MaxPhoneBackdate / (24 * time.Hour))})
	case n.ReceivedAt.IsZero():
		return InvalidField("received_at", "error.received", "the time of receipt is missing")
	case n.ReceivedAt.After(now.Add(time.Minute)):
		return InvalidField("received_at", "error.received_future", "the time of receipt is in the future")
	case n.Channel == ChannelChat && now.Sub(n.ReceivedAt) > MaxChatBackdate:
		return Invalid("error.received_old", "a chat is handed over within a day of its start").With(map[string]any{"Days": 1})
	case n.Channel != ChannelPhone && n.Channel != ChannelChat && now.Sub(n.ReceivedAt) > time.Hour:
		return Invalid("error.received_old", "only phone requests may be recorded afterwards").With(map[string]any{"Days": 30})
	}
	if n.Channel == ChannelWebsite {
		c := n.Contact
		if c == nil || strings.TrimSpace(c.Name) == "" {
			return InvalidField("contact.name", "error.contact_details", "give a name and a phone number or an e-mail address")
		}
		if strings.TrimSpace(c.Phone) == "" && strings.TrimSpace(c.Email) == "" {
			return InvalidField("contact.phone", "error.contact_details", "give a name and a phone number or an e-mail address")
		}
		if c.Email != "" && !ValidEmail(c.Email) {
			return InvalidField("contact.email", "error.email", "not an e-mail address")
		}
	} else if n.ResidentID == 0 {
		return Invalid("error.resident_required", "a request needs a resident")
	}
	if _, ok := ParseLang(string(n.Lang)); !ok {
		return Invalid("error.lang", "language must be fi, sv or en")
	}
	if len(n.IdempotencyKey) > 200 {
		return Invalid("error.idempotency_key", "Idempotency-Key is over 200 characters")
	}
	return nil
}

// Route picks the unit a request goes to, in the order the sector routes
// them: the unit the resident chose, if it offers the service; else the
// resident's own health station, if it offers the service; else a unit of
// the service in the resident's district; else the service's central queue.
// offering lists the units that offer the service, central is the service's
// central unit ("" if it has none). A chosen unit that does not offer the
// service is EInvalid; a service nobody can take is EInvalid too.
func Route(chosen string, r Resident, offering []Unit, central string) (string, error) {
	offers := func(id string) bool {
		for _, u := range offering {
			if u.ID == id {
				return true
			}
		}
		return false
	}
	if chosen != "" {
		if !offers(chosen) {
			return "", InvalidField("unit", "error.unit_service", "the unit does not offer this service")
		}
		return chosen, nil
	}
	if r.HomeUnit != "" && offers(r.HomeUnit) {
		return r.HomeUnit, nil
	}
	if r.District != "" {
		for _, u := range offering {
			if u.District == r.District {
				return u.ID, nil
			}
		}
	}
	if central != "" {
		return central, nil
	}
	return "", Invalid("error.no_route", "no unit takes contact requests for this service")
}

// ContactFilter narrows a list of contact requests. Units limits staff to
// their units; ResidentID limits a resident to their own. Empty fields do
// not narrow. Lists are ordered by due time, then id.
type ContactFilter struct {
	Units      []string
	ResidentID int64
	Statuses   []ContactStatus
	Service    string
	Channel    Channel
	Breached   *bool
	AssignedTo int64
	Page       PageRequest
}

// ContactScope is whose requests a read may return: a resident's own
// (ResidentID), or those of some units (Units) for staff. A scope that names
// neither returns nothing.
type ContactScope struct {
	ResidentID int64
	Units      []string
}

// Reply is a message a user adds to a request. A professional's reply
// answers the request, or, with Ask, puts it waiting for the resident;
// Internal makes it a note only staff see.
type Reply struct {
	Body     string
	Internal bool
	Ask      bool
}

// ContactStore keeps contact requests. Reads by staff write an audit row in
// the same transaction (the request holds the resident's personal data);
// the actor comes from the context.
type ContactStore interface {
	// CreateContactRequest stores r with its first message. When r carries
	// an idempotency key already stored by the same sender (the
	// professional who recorded it, r.RecordedBy; else the same resident;
	// for the website form, the same key), it returns the stored request
	// and created false instead of a second one.
	CreateContactRequest(ctx context.Context, r ContactRequest, idempotencyKey string) (stored ContactRequest, created bool, err error)
	// ContactRequest returns one request with its messages if it lies within
	// scope, and ENotFound otherwise, exactly as for a missing id, so that
	// nobody learns of requests that are not theirs. For staff it writes an
	// audit row with basis client_request in the same transaction as the
	// read, and only when the request is found within scope.
	ContactRequest(ctx context.Context, id int64, scope ContactScope) (ContactRequest, error)
	// ContactRequests returns one page of requests matching f, without
	// messages, ordered by due time and id.
	ContactRequests(ctx context.Context, f ContactFilter) (Page[ContactRequest], error)
	// AddMessage appends m to request id and moves its status to status;
	// the first message from staff sets FirstAnsweredAt. A closed request
	// is EConflict.
	AddMessage(ctx context.Context, id int64, m Message, status ContactStatus) (Message, error)
	// AssignContactRequest sets who handles request id.
	AssignContactRequest(ctx context.Context, id, userID int64) error
	// CloseContactRequest closes request id with a resolution; closing a
	// closed request is EConflict.
	CloseContactRequest(ctx context.Context, id int64, res Resolution, at time.Time) error
	// MarkBreached flags the open, unanswered requests due before now as
	// breached and returns them, so that each breach is counted and
	// notified once.
	MarkBreached(ctx context.Context, now time.Time) ([]ContactRequest, error)
}

// ContactService carries out contact requests for the people using them
// (package contact implements it). Each method takes the acting user, nil
// only for the website form, and answers ENotFound for any request the user
// may not see.
type ContactService interface {
	// Submit records a request and reports whether it is new (false when
	// the idempotency key matched an earlier submission).
	Submit(ctx context.Context, u *User, n NewContactRequest) (ContactRequest, bool, error)
	// Get returns one request the user may see.
	Get(ctx context.Context, u User, id int64) (ContactRequest, error)
	// List returns the user's requests (a resident) or queue (staff).
	List(ctx context.Context, u User, f ContactFilter) (Page[ContactRequest], error)
	// Reply adds a message.
	Reply(ctx context.Context, u User, id int64, r Reply) (Message, error)
	// Assign gives a request to a professional of its unit.
	Assign(ctx context.Context, u User, id, to int64) error
	// Close closes a request with a resolution.
	Close(ctx context.Context, u User, id int64, res Resolution) error
	// HandOverChat records professional u's hand-over of a chat as a
	// request on channel "chat" of one of u's units: n names the resident,
	// the service and unit, the transcript as its first message and the
	// chat's start as its receipt, from which the two-working-day promise
	// runs. n.IdempotencyKey makes a repeated hand-over return the stored
	// request with created false.
	HandOverChat(ctx context.Context, u User, n NewContactRequest) (ContactRequest, bool, error)
}
