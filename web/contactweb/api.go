package contactweb

import (
	"net/http"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// RequestView is a contact request as the API shows it: times in the city's
// time zone, unset times null, and for staff whether the deadline is near.
type RequestView struct {
	ID              int64                  `json:"id"`
	Resident        int64                  `json:"resident,omitempty"`
	Contact         *sotepe.ContactDetails `json:"contact,omitempty"`
	Service         string                 `json:"service"`
	Unit            string                 `json:"unit"`
	Channel         sotepe.Channel         `json:"channel"`
	Status          sotepe.ContactStatus   `json:"status"`
	Lang            sotepe.Lang            `json:"lang"`
	ReceivedAt      time.Time              `json:"received_at"`
	DueAt           time.Time              `json:"due_at"`
	FirstAnsweredAt *time.Time             `json:"first_answered_at"`
	NearDue         bool                   `json:"near_due"`
	Breached        bool                   `json:"breached"`
	AssignedTo      int64                  `json:"assigned_to,omitempty"`
	RecordedBy      int64                  `json:"recorded_by,omitempty"`
	ClosedAt        *time.Time             `json:"closed_at"`
	Resolution      sotepe.Resolution      `json:"resolution,omitempty"`
	Messages        []messageView          `json:"messages,omitempty"`
}

type messageView struct {
	ID        int64     `json:"id"`
	Author    int64     `json:"author,omitempty"`
	FromStaff bool      `json:"from_staff"`
	Internal  bool      `json:"internal,omitempty"`
	Body      string    `json:"body"`
	At        time.Time `json:"at"`
}

// nearDueWithin is how much working time before the deadline a request is
// flagged in the queue.
const nearDueWithin = 4 * time.Hour

// View is request r as the API and the pages show it, for the viewer it
// was read for (the service leaves out what they may not see).
func (h *Handlers) View(r sotepe.ContactRequest) RequestView {
	loc := h.cfg.Location
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.In(loc)
		return &t
	}
	v := RequestView{
		ID: r.ID, Resident: r.ResidentID, Contact: r.Contact, Service: r.ServiceID, Unit: r.UnitID,
		Channel: r.Channel, Status: r.Status, Lang: r.Lang, ReceivedAt: r.ReceivedAt.In(loc), DueAt: r.DueAt.In(loc),
		FirstAnsweredAt: opt(r.FirstAnsweredAt), Breached: r.Breached, AssignedTo: r.AssignedTo,
		RecordedBy: r.RecordedBy, ClosedAt: opt(r.ClosedAt), Resolution: r.Resolution,
	}
	if r.Status.Open() && r.FirstAnsweredAt.IsZero() {
		now := h.site.Now()
		v.NearDue = !now.After(r.DueAt) && h.cfg.Calendar.Get().WorkingHoursBetween(now, r.DueAt) <= nearDueWithin
	}
	for _, m := range r.Messages {
		v.Messages = append(v.Messages, messageView{ID: m.ID, Author: m.AuthorID, FromStaff: m.FromStaff, Internal: m.Internal, Body: m.Body, At: m.At.In(loc)})
	}
	return v
}

// newContactBody is the JSON of POST /api/v1/contact-requests.
type newContactBody struct {
	Service    string                 `json:"service"`
	Unit       string                 `json:"unit"`
	Message    string                 `json:"message"`
	Resident   int64                  `json:"resident"`
	Channel    sotepe.Channel         `json:"channel"`
	ReceivedAt *time.Time             `json:"received_at"`
	Contact    *sotepe.ContactDetails `json:"contact"`
}

// Create submits a request: a resident for themselves, a professional
// a phone request ("channel":"phone", "resident", "received_at"), or anyone
// through the website form ("channel":"website", "contact"), which is
// limited per address. An Idempotency-Key header makes a retry safe: the
// retry gets the stored request with 200 instead of 201. The answer comes
// only after the request is committed.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request) error {
	var b newContactBody
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	in := kit.Info(r)
	if b.Channel == sotepe.ChannelWebsite || in.User == nil {
		if b.Channel != sotepe.ChannelWebsite {
			_, err := kit.RequireUser(r)
			return err
		}
		if wait := h.formLimit.Take(kit.ClientAddr(r)); wait > 0 {
			return kit.TooMany("error.too_many", "website form limit", wait)
		}
	}
	n := sotepe.NewContactRequest{
		ServiceID: b.Service, UnitID: b.Unit, Body: b.Message, Channel: b.Channel, ResidentID: b.Resident,
		Contact: b.Contact, Lang: in.Lang, IdempotencyKey: r.Header.Get("Idempotency-Key"),
	}
	if b.ReceivedAt != nil {
		n.ReceivedAt, n.ReceivedGiven = *b.ReceivedAt, true
	}
	stored, created, err := h.cfg.Contacts.Submit(r.Context(), in.User, n)
	if sotepe.ErrorCode(err) == sotepe.EInvalid && (b.Channel == sotepe.ChannelWebsite || in.User == nil) {
		h.formLimit.Give(kit.ClientAddr(r)) // a refused submission is not counted
	}
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/contact-requests/"+strconv.FormatInt(stored.ID, 10))
	v := h.View(stored)
	if stored.Channel == sotepe.ChannelWebsite {
		// Whoever holds the key of a website submission is nobody we
		// know: they get the receipt, never the thread.
		v = RequestView{ID: v.ID, Service: v.Service, Unit: v.Unit, Channel: v.Channel, Status: v.Status,
			Lang: v.Lang, ReceivedAt: v.ReceivedAt, DueAt: v.DueAt}
	}
	kit.WriteJSON(w, status, v)
	return nil
}

// contactFilter reads the list filters of the query string.
func contactFilter(r *http.Request, u sotepe.User) (sotepe.ContactFilter, error) {
	q := r.URL.Query()
	f := sotepe.ContactFilter{Service: q.Get("service"), Channel: sotepe.Channel(q.Get("channel"))}
	var err error
	if f.Page, err = kit.ReadPageRequest(q); err != nil {
		return f, err
	}
	for _, st := range kit.SplitList(q.Get("status")) {
		status := sotepe.ContactStatus(st)
		if st == "open" {
			f.Statuses = append(f.Statuses, sotepe.StatusNew, sotepe.StatusInProgress, sotepe.StatusWaiting)
			continue
		}
		if !status.Valid() {
			return f, sotepe.Invalid("error.status", "unknown status "+st)
		}
		f.Statuses = append(f.Statuses, status)
	}
	if f.Channel != "" && !f.Channel.Valid() {
		return f, sotepe.Invalid("error.channel", "unknown channel")
	}
	switch q.Get("breached") {
	case "":
	case "true", "false":
		b := q.Get("breached") == "true"
		f.Breached = &b
	default:
		return f, sotepe.Invalid("error.breached", "breached is true or false")
	}
	f.Units = kit.SplitList(q.Get("unit"))
	switch a := q.Get("assigned"); a {
	case "":
	case "me":
		f.AssignedTo = u.ID
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return f, sotepe.Invalid("error.assignee", "assigned is me or a user id")
		}
		f.AssignedTo = id
	}
	return f, nil
}

// List lists a resident's own requests or a professional's queue,
// ordered by due time: GET /api/v1/contact-requests.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	f, err := contactFilter(r, u)
	if err != nil {
		return err
	}
	page, err := h.cfg.Contacts.List(r.Context(), u, f)
	return kit.WritePage(w, page, err, h.View)
}

// Get returns one request with its thread: GET
// /api/v1/contact-requests/{id}. Residents get their own only, without
// internal notes; staff their units'; anything else is 404.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	c, err := h.cfg.Contacts.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, h.View(c))
	return nil
}

type replyBody struct {
	Message  string `json:"message"`
	Internal bool   `json:"internal"`
	Ask      bool   `json:"ask"`
}

// Reply adds a message: POST /api/v1/contact-requests/{id}/messages.
func (h *Handlers) Reply(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b replyBody
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	m, err := h.cfg.Contacts.Reply(r.Context(), u, id, sotepe.Reply{Body: b.Message, Internal: b.Internal, Ask: b.Ask})
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, messageView{ID: m.ID, Author: m.AuthorID, FromStaff: m.FromStaff, Internal: m.Internal, Body: m.Body, At: m.At.In(h.cfg.Location)})
	return nil
}

// Assign assigns a request: POST /api/v1/contact-requests/{id}/assign
// with {"user": id}, or an empty object for oneself.
func (h *Handlers) Assign(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		User int64 `json:"user"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.User == 0 {
		b.User = u.ID
	}
	if err := h.cfg.Contacts.Assign(r.Context(), u, id, b.User); err != nil {
		return err
	}
	return h.Get(w, r, u, id)
}

// Close closes a request: POST /api/v1/contact-requests/{id}/close
// with {"resolution": …}.
func (h *Handlers) Close(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Resolution sotepe.Resolution `json:"resolution"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if err := h.cfg.Contacts.Close(r.Context(), u, id, b.Resolution); err != nil {
		return err
	}
	return h.Get(w, r, u, id)
}
