package bookingweb

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/ical"
	"sotepe/web/kit"
)

// The JSON API of appointments: free-time search, booking, cancelling and
// rebooking for residents; opening and closing slots, the calendar,
// marking visits and appointment tickets for staff. The HTML pages in
// appointments_pages.go call the same service.

// slotView is a slot as the API shows it, in the city's time zone.
type slotView struct {
	ID      int64                  `json:"id"`
	Service string                 `json:"service"`
	Unit    string                 `json:"unit"`
	Start   time.Time              `json:"start"`
	End     time.Time              `json:"end"`
	Minutes int                    `json:"minutes"`
	Mode    sotepe.AppointmentMode `json:"mode"`
	Evening bool                   `json:"evening"`
	State   sotepe.SlotState       `json:"state,omitempty"`
}

// AppointmentView is an appointment as the API shows it. Resident and ResidentName
// are shown to staff only.
type AppointmentView struct {
	ID           int64                    `json:"id"`
	Slot         int64                    `json:"slot"`
	Service      string                   `json:"service"`
	Unit         string                   `json:"unit"`
	Start        time.Time                `json:"start"`
	End          time.Time                `json:"end"`
	Mode         sotepe.AppointmentMode   `json:"mode"`
	Evening      bool                     `json:"evening"`
	Status       sotepe.AppointmentStatus `json:"status"`
	BookedAt     time.Time                `json:"booked_at"`
	WaitingFrom  time.Time                `json:"waiting_from"`
	Ticket       int64                    `json:"ticket,omitempty"`
	Cancellable  bool                     `json:"cancellable"`
	VideoURL     string                   `json:"video_url,omitempty"`
	JoinedAt     *time.Time               `json:"joined_at,omitempty"`
	CalendarURL  string                   `json:"calendar_url"`
	Resident     int64                    `json:"resident,omitempty"`
	ResidentName string                   `json:"resident_name,omitempty"`
}

func (h *Handlers) viewSlot(sl sotepe.Slot, staff bool) slotView {
	loc := h.cfg.Location
	v := slotView{ID: sl.ID, Service: sl.ServiceID, Unit: sl.UnitID, Start: sl.Start.In(loc), End: sl.End.In(loc),
		Minutes: int(sl.Length() / time.Minute), Mode: sl.Mode, Evening: sl.Evening}
	if staff {
		v.State = sl.State
	}
	return v
}

// View shows a to u; whether it can still be cancelled follows the
// service's limit (a resident's) or the start (staff's).
func (h *Handlers) View(ctx context.Context, a sotepe.Appointment, u sotepe.User) AppointmentView {
	return h.apptViewer(ctx, u).view(a)
}

// apptViewer shows appointments to one user, reading each service's
// cancellation limit once.
type apptViewer struct {
	h      *Handlers
	ctx    context.Context
	u      sotepe.User
	limits map[string]time.Duration
}

func (h *Handlers) apptViewer(ctx context.Context, u sotepe.User) *apptViewer {
	return &apptViewer{h: h, ctx: ctx, u: u, limits: map[string]time.Duration{}}
}

func (av *apptViewer) view(a sotepe.Appointment) AppointmentView {
	h := av.h
	loc := h.cfg.Location
	id := strconv.FormatInt(a.ID, 10)
	v := AppointmentView{ID: a.ID, Slot: a.SlotID, Service: a.ServiceID, Unit: a.UnitID, Start: a.Start.In(loc), End: a.End.In(loc),
		Mode: a.Mode, Evening: sotepe.IsEvening(a.Start, loc), Status: a.Status, BookedAt: a.BookedAt.In(loc),
		WaitingFrom: a.WaitingFrom.In(loc), Ticket: a.TicketID, CalendarURL: "/api/v1/appointments/" + id + "/ics"}
	limit := time.Duration(0)
	if av.u.IsStaff() {
		v.Resident, v.ResidentName = a.ResidentID, a.ResidentName
	} else {
		l, ok := av.limits[a.ServiceID]
		if !ok {
			l = sotepe.DefaultCancelLimit
			if c, err := h.cfg.Appointments.Rules(av.ctx, a.ServiceID); err == nil {
				l = c.CancelLimit
			}
			av.limits[a.ServiceID] = l
		}
		limit = l
	}
	v.Cancellable = a.Status == sotepe.AppointmentBooked && a.Start.After(h.site.Now().Add(limit))
	if a.VideoRoom != "" {
		v.VideoURL = "/appointments/" + id + "/video"
	}
	if !a.JoinedAt.IsZero() {
		t := a.JoinedAt.In(loc)
		v.JoinedAt = &t
	}
	return v
}

// parseInstant reads a query time: RFC 3339, or a date (YYYY-MM-DD) meaning
// its midnight in the city's time zone. Empty is the zero time.
func (h *Handlers) parseInstant(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, h.cfg.Location); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, sotepe.Invalid("error.date", "date "+v+" is not YYYY-MM-DD")
	}
	return t, nil
}

// pageSpan reads a list's page and its from and to (dates or instants;
// zero when not given).
func (h *Handlers) pageSpan(q url.Values) (p sotepe.PageRequest, from, to time.Time, err error) {
	if p, err = kit.ReadPageRequest(q); err != nil {
		return p, from, to, err
	}
	if from, err = h.parseInstant(q.Get("from")); err != nil {
		return p, from, to, err
	}
	to, err = h.parseInstant(q.Get("to"))
	return p, from, to, err
}

// slotFilter reads the free-time search of the query string: service,
// unit (a comma list), language (units that serve in it), district, or
// near=true for a signed-in resident's own district, from, to, mode and
// evening.
func (h *Handlers) slotFilter(r *http.Request) (sotepe.SlotFilter, error) {
	q := r.URL.Query()
	f := sotepe.SlotFilter{Service: q.Get("service"), Mode: sotepe.AppointmentMode(q.Get("mode")), Units: kit.SplitList(q.Get("unit"))}
	var err error
	if f.Page, f.From, f.To, err = h.pageSpan(q); err != nil {
		return f, err
	}
	if q.Get("to") != "" && !strings.Contains(q.Get("to"), "T") {
		f.To = f.To.AddDate(0, 0, 1) // a date includes its whole day
	}
	switch q.Get("evening") {
	case "", "any":
	case "true", "1", "on":
		yes := true
		f.Evening = &yes
	case "false", "0":
		no := false
		f.Evening = &no
	default:
		return f, sotepe.Invalid("error.appt_evening", "evening is true or false")
	}
	district := q.Get("district")
	near, err := sotepe.ParseFlag("near", q.Get("near"))
	if err != nil {
		return f, err
	}
	if u := kit.Info(r).User; near && district == "" && u != nil && u.ResidentID != 0 {
		// Near me: the resident's own district, read from their own data.
		res, err := h.cfg.Residents.Own(r.Context(), *u)
		if err != nil {
			return f, err
		}
		district = res.District
	}
	if lang := q.Get("language"); (lang != "" || district != "") && len(f.Units) == 0 && f.Service != "" {
		// Units that serve in the language or lie in the district: the
		// search is narrowed to them, or finds nothing when there are none.
		units, err := sotepe.AllUnits(r.Context(), h.cfg.Directory, sotepe.UnitFilter{Service: f.Service, Language: sotepe.Lang(lang), District: district})
		if err != nil {
			return f, err
		}
		for _, u := range units {
			f.Units = append(f.Units, u.ID)
		}
		if len(f.Units) == 0 {
			f.Units = []string{"-"} // no unit has this id
		}
	}
	return f, nil
}

// SlotSearch finds free times: GET /api/v1/slots. It is open to everyone:
// free times hold no personal data.
func (h *Handlers) SlotSearch(w http.ResponseWriter, r *http.Request) error {
	f, err := h.slotFilter(r)
	if err != nil {
		return err
	}
	page, err := h.cfg.Appointments.Search(r.Context(), kit.Info(r).User, f)
	return kit.WritePage(w, page, err, func(sl sotepe.Slot) slotView { return h.viewSlot(sl, false) })
}

// Create books a slot for the signed-in resident: POST
// /api/v1/appointments with {"slot": id} and optionally the "service" meant.
// An Idempotency-Key header makes a retry safe: the retry gets the booking
// with 200 instead of 201.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b struct {
		Slot    int64  `json:"slot"`
		Service string `json:"service"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.Slot <= 0 {
		return sotepe.Invalid("error.appt_slot_required", "choose a time")
	}
	a, created, err := h.cfg.Appointments.BookOnce(r.Context(), u, b.Slot, b.Service, r.Header.Get("Idempotency-Key"))
	status := http.StatusCreated
	if !created {
		status = http.StatusOK // a retry under the same Idempotency-Key
	}
	return h.apptJSON(w, r, u, status)(a, err)
}

// apptFilter reads the list filters: from, to (dates or instants), unit,
// mine=true for a professional's own schedule, and status.
func (h *Handlers) apptFilter(r *http.Request, u sotepe.User) (sotepe.AppointmentFilter, error) {
	q := r.URL.Query()
	f := sotepe.AppointmentFilter{Units: kit.SplitList(q.Get("unit"))}
	var err error
	if f.Page, f.From, f.To, err = h.pageSpan(q); err != nil {
		return f, err
	}
	mine, err := sotepe.ParseFlag("mine", q.Get("mine"))
	if err != nil {
		return f, err
	}
	if mine {
		f.ResourceUser = u.ID
	}
	for _, st := range kit.SplitList(q.Get("status")) {
		if !sotepe.AppointmentStatus(st).Valid() {
			return f, sotepe.Invalid("error.appt_status", "unknown status "+st)
		}
		f.Statuses = append(f.Statuses, sotepe.AppointmentStatus(st))
	}
	return f, nil
}

// List lists a resident's own appointments or those of a
// professional's units: GET /api/v1/appointments.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	f, err := h.apptFilter(r, u)
	if err != nil {
		return err
	}
	page, err := h.cfg.Appointments.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	return kit.WritePage(w, page, nil, h.apptViewer(r.Context(), u).view)
}

// apptJSON returns the writer of an appointment an operation answers, as
// status; a created one (201) also gets its Location. The operation's
// error is returned as it is.
func (h *Handlers) apptJSON(w http.ResponseWriter, r *http.Request, u sotepe.User, status int) func(sotepe.Appointment, error) error {
	return func(a sotepe.Appointment, err error) error {
		if err != nil {
			return err
		}
		if status == http.StatusCreated {
			w.Header().Set("Location", "/api/v1/appointments/"+strconv.FormatInt(a.ID, 10))
		}
		kit.WriteJSON(w, status, h.View(r.Context(), a, u))
		return nil
	}
}

// Get returns one appointment: GET /api/v1/appointments/{id}.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.apptJSON(w, r, u, http.StatusOK)(h.cfg.Appointments.Get(r.Context(), u, id))
}

// Cancel cancels: POST /api/v1/appointments/{id}/cancel.
func (h *Handlers) Cancel(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.apptJSON(w, r, u, http.StatusOK)(h.cfg.Appointments.Cancel(r.Context(), u, id))
}

// Reschedule moves an appointment to another slot of the same service:
// POST /api/v1/appointments/{id}/reschedule with {"slot": id}.
func (h *Handlers) Reschedule(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Slot int64 `json:"slot"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.Slot <= 0 {
		return sotepe.Invalid("error.appt_slot_required", "choose a time")
	}
	return h.apptJSON(w, r, u, http.StatusCreated)(h.cfg.Appointments.Reschedule(r.Context(), u, id, b.Slot))
}

// Mark marks a visit: POST /api/v1/appointments/{id}/mark with
// {"status": "arrived" | "completed" | "no_show"}.
func (h *Handlers) Mark(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Status sotepe.AppointmentStatus `json:"status"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	return h.apptJSON(w, r, u, http.StatusOK)(h.cfg.Appointments.Mark(r.Context(), u, id, b.Status))
}

// ICS returns the iCalendar file of an appointment the user may see:
// GET /api/v1/appointments/{id}/ics. It tells the service and the unit in
// the user's language, never health details.
func (h *Handlers) ICS(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	a, err := h.cfg.Appointments.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	e := ical.Event{Appointment: a, Host: host, Stamp: h.site.Now(),
		URL: kit.AbsURL(r, h.cfg.Secure, "/appointments/"+strconv.FormatInt(a.ID, 10))}
	service, unit := a.ServiceID, a.UnitID
	if sv, err := h.cfg.Directory.Service(r.Context(), a.ServiceID); err == nil {
		service = sv.Names.In(lang)
	}
	if un, err := h.cfg.Directory.Unit(r.Context(), a.UnitID); err == nil {
		unit = un.Names.In(lang)
		e.Location = strings.TrimSpace(un.Address.Street.In(lang) + ", " + un.Address.PostalCode + " " + un.Address.City.In(lang))
	}
	if a.Mode == sotepe.ModeVideo {
		e.Location = kit.AbsURL(r, h.cfg.Secure, "/appointments/"+strconv.FormatInt(a.ID, 10)+"/video")
	}
	e.Summary = h.site.T(lang, "appt.ics_summary", map[string]any{"Service": service, "Unit": unit})
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="appointment-`+strconv.FormatInt(a.ID, 10)+`.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(ical.ICS(e))
	return nil
}

// openSlotsBody is the JSON of POST /api/v1/slots: one slot at start, or a
// weekly template.
type openSlotsBody struct {
	Unit     string                 `json:"unit"`
	Service  string                 `json:"service"`
	Resource int64                  `json:"resource"`
	Mode     sotepe.AppointmentMode `json:"mode"`
	Minutes  int                    `json:"minutes"`
	Start    *time.Time             `json:"start"`
	Template *sotepe.WeeklyTemplate `json:"template"`
}

// SlotsOpen opens slots: POST /api/v1/slots (staff of the unit).
func (h *Handlers) SlotsOpen(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b openSlotsBody
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	o := sotepe.SlotOpening{UnitID: b.Unit, ServiceID: b.Service, ResourceID: b.Resource, Mode: b.Mode,
		Length: time.Duration(b.Minutes) * time.Minute, Template: b.Template}
	switch {
	case b.Start != nil && b.Template == nil:
		o.Start = *b.Start
	case b.Start == nil && b.Template != nil:
	default:
		return sotepe.Invalid("error.appt_template", "give either start or template")
	}
	n, err := h.cfg.Appointments.OpenSlots(r.Context(), u, o)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, map[string]int{"created": n})
	return nil
}

// SlotClose closes an open slot: POST /api/v1/slots/{id}/close.
func (h *Handlers) SlotClose(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return kit.NoContent(w, h.cfg.Appointments.CloseSlot(r.Context(), u, id))
}
