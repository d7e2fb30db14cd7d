package web

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

// apptView is an appointment as the API shows it. Resident and ResidentName
// are shown to staff only.
type apptView struct {
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

func (s *Server) viewSlot(sl sotepe.Slot, staff bool) slotView {
	loc := s.cfg.Location
	v := slotView{ID: sl.ID, Service: sl.ServiceID, Unit: sl.UnitID, Start: sl.Start.In(loc), End: sl.End.In(loc),
		Minutes: int(sl.Length() / time.Minute), Mode: sl.Mode, Evening: sl.Evening}
	if staff {
		v.State = sl.State
	}
	return v
}

// viewAppt shows a to u; whether it can still be cancelled follows the
// service's limit (a resident's) or the start (staff's).
func (s *Server) viewAppt(ctx context.Context, a sotepe.Appointment, u sotepe.User) apptView {
	return s.apptViewer(ctx, u).view(a)
}

// apptViewer shows appointments to one user, reading each service's
// cancellation limit once.
type apptViewer struct {
	s      *Server
	ctx    context.Context
	u      sotepe.User
	limits map[string]time.Duration
}

func (s *Server) apptViewer(ctx context.Context, u sotepe.User) *apptViewer {
	return &apptViewer{s: s, ctx: ctx, u: u, limits: map[string]time.Duration{}}
}

func (av *apptViewer) view(a sotepe.Appointment) apptView {
	s := av.s
	loc := s.cfg.Location
	id := strconv.FormatInt(a.ID, 10)
	v := apptView{ID: a.ID, Slot: a.SlotID, Service: a.ServiceID, Unit: a.UnitID, Start: a.Start.In(loc), End: a.End.In(loc),
		Mode: a.Mode, Evening: sotepe.IsEvening(a.Start, loc), Status: a.Status, BookedAt: a.BookedAt.In(loc),
		WaitingFrom: a.WaitingFrom.In(loc), Ticket: a.TicketID, CalendarURL: "/api/v1/appointments/" + id + "/ics"}
	limit := time.Duration(0)
	if av.u.IsStaff() {
		v.Resident, v.ResidentName = a.ResidentID, a.ResidentName
	} else {
		l, ok := av.limits[a.ServiceID]
		if !ok {
			l = sotepe.DefaultCancelLimit
			if c, err := s.cfg.Appointments.Rules(av.ctx, a.ServiceID); err == nil {
				l = c.CancelLimit
			}
			av.limits[a.ServiceID] = l
		}
		limit = l
	}
	v.Cancellable = a.Status == sotepe.AppointmentBooked && a.Start.After(s.now().Add(limit))
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
func (s *Server) parseInstant(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, s.cfg.Location); err == nil {
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
func (s *Server) pageSpan(q url.Values) (p sotepe.PageRequest, from, to time.Time, err error) {
	if p, err = kit.ReadPageRequest(q); err != nil {
		return p, from, to, err
	}
	if from, err = s.parseInstant(q.Get("from")); err != nil {
		return p, from, to, err
	}
	to, err = s.parseInstant(q.Get("to"))
	return p, from, to, err
}

// slotFilter reads the free-time search of the query string: service,
// unit (a comma list), language (units that serve in it), district, or
// near=true for a signed-in resident's own district, from, to, mode and
// evening.
func (s *Server) slotFilter(r *http.Request) (sotepe.SlotFilter, error) {
	q := r.URL.Query()
	f := sotepe.SlotFilter{Service: q.Get("service"), Mode: sotepe.AppointmentMode(q.Get("mode")), Units: kit.SplitList(q.Get("unit"))}
	var err error
	if f.Page, f.From, f.To, err = s.pageSpan(q); err != nil {
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
		res, err := s.cfg.Residents.Own(r.Context(), *u)
		if err != nil {
			return f, err
		}
		district = res.District
	}
	if lang := q.Get("language"); (lang != "" || district != "") && len(f.Units) == 0 && f.Service != "" {
		// Units that serve in the language or lie in the district: the
		// search is narrowed to them, or finds nothing when there are none.
		units, err := sotepe.AllUnits(r.Context(), s.dir, sotepe.UnitFilter{Service: f.Service, Language: sotepe.Lang(lang), District: district})
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

// cachedSlots serves the free-time search from a cache of two seconds: the
// answer is the same for everyone (but for near=true, never cached), and residents looking for times repeat
// the same searches. A time booked meanwhile in another process may show
// for those seconds; booking it then says it was taken. This process
// empties the cache whenever it changes a slot (changesSlots).
func (s *Server) cachedSlots(h kit.Handler) kit.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Query().Has("near") {
			return h(w, r) // the answer depends on who asks
		}
		key := string(kit.Info(r).Lang) + " " + r.URL.RequestURI()
		if e, ok := s.slotCache.get(key); ok {
			writeCached(w, r, e, "hit")
			return nil
		}
		// Concurrent misses of one search wait for the first to run it:
		// when a popular search expires under load, each would otherwise
		// run the same query at once.
		search := func() (cachedBody, error) {
			rec := &bodyRecorder{header: http.Header{}}
			if err := h(rec, r); err != nil {
				return cachedBody{}, err
			}
			return s.slotCache.put(key, rec.body.Bytes(), rec.header), nil
		}
		e, ran, err := s.slotCache.shared(key, search)
		if !ran && err != nil {
			// The first failed (its client may have gone away): this one
			// runs on its own and says why.
			e, err = search()
			ran = true
		}
		if err != nil {
			return err
		}
		state := "shared"
		if ran {
			state = "miss"
		}
		writeCached(w, r, e, state)
		return nil
	}
}

// changesSlots empties the free-time cache after h changed something, so
// that this process never shows a time it has just booked as free.
func (s *Server) changesSlots(h kit.Handler) kit.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		s.slotCache.reset()
		return err
	}
}

// reset empties the cache.
func (c *responseCache) reset() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// slotSearch finds free times: GET /api/v1/slots. It is open to everyone:
// free times hold no personal data.
func (s *Server) slotSearch(w http.ResponseWriter, r *http.Request) error {
	f, err := s.slotFilter(r)
	if err != nil {
		return err
	}
	page, err := s.cfg.Appointments.Search(r.Context(), kit.Info(r).User, f)
	return kit.WritePage(w, page, err, func(sl sotepe.Slot) slotView { return s.viewSlot(sl, false) })
}

// apptCreate books a slot for the signed-in resident: POST
// /api/v1/appointments with {"slot": id} and optionally the "service" meant.
// An Idempotency-Key header makes a retry safe: the retry gets the booking
// with 200 instead of 201.
func (s *Server) apptCreate(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
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
	a, created, err := s.cfg.Appointments.BookOnce(r.Context(), u, b.Slot, b.Service, r.Header.Get("Idempotency-Key"))
	status := http.StatusCreated
	if !created {
		status = http.StatusOK // a retry under the same Idempotency-Key
	}
	return s.apptJSON(w, r, u, status)(a, err)
}

// apptFilter reads the list filters: from, to (dates or instants), unit,
// mine=true for a professional's own schedule, and status.
func (s *Server) apptFilter(r *http.Request, u sotepe.User) (sotepe.AppointmentFilter, error) {
	q := r.URL.Query()
	f := sotepe.AppointmentFilter{Units: kit.SplitList(q.Get("unit"))}
	var err error
	if f.Page, f.From, f.To, err = s.pageSpan(q); err != nil {
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

// apptList lists a resident's own appointments or those of a
// professional's units: GET /api/v1/appointments.
func (s *Server) apptList(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	f, err := s.apptFilter(r, u)
	if err != nil {
		return err
	}
	page, err := s.cfg.Appointments.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	return kit.WritePage(w, page, nil, s.apptViewer(r.Context(), u).view)
}

// apptJSON returns the writer of an appointment an operation answers, as
// status; a created one (201) also gets its Location. The operation's
// error is returned as it is.
func (s *Server) apptJSON(w http.ResponseWriter, r *http.Request, u sotepe.User, status int) func(sotepe.Appointment, error) error {
	return func(a sotepe.Appointment, err error) error {
		if err != nil {
			return err
		}
		if status == http.StatusCreated {
			w.Header().Set("Location", "/api/v1/appointments/"+strconv.FormatInt(a.ID, 10))
		}
		kit.WriteJSON(w, status, s.viewAppt(r.Context(), a, u))
		return nil
	}
}

// apptGet returns one appointment: GET /api/v1/appointments/{id}.
func (s *Server) apptGet(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return s.apptJSON(w, r, u, http.StatusOK)(s.cfg.Appointments.Get(r.Context(), u, id))
}

// apptCancel cancels: POST /api/v1/appointments/{id}/cancel.
func (s *Server) apptCancel(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return s.apptJSON(w, r, u, http.StatusOK)(s.cfg.Appointments.Cancel(r.Context(), u, id))
}

// apptReschedule moves an appointment to another slot of the same service:
// POST /api/v1/appointments/{id}/reschedule with {"slot": id}.
func (s *Server) apptReschedule(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Slot int64 `json:"slot"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.Slot <= 0 {
		return sotepe.Invalid("error.appt_slot_required", "choose a time")
	}
	return s.apptJSON(w, r, u, http.StatusCreated)(s.cfg.Appointments.Reschedule(r.Context(), u, id, b.Slot))
}

// apptMark marks a visit: POST /api/v1/appointments/{id}/mark with
// {"status": "arrived" | "completed" | "no_show"}.
func (s *Server) apptMark(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Status sotepe.AppointmentStatus `json:"status"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	return s.apptJSON(w, r, u, http.StatusOK)(s.cfg.Appointments.Mark(r.Context(), u, id, b.Status))
}

// apptICS returns the iCalendar file of an appointment the user may see:
// GET /api/v1/appointments/{id}/ics. It tells the service and the unit in
// the user's language, never health details.
func (s *Server) apptICS(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	a, err := s.cfg.Appointments.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	e := ical.Event{Appointment: a, Host: host, Stamp: s.now(),
		URL: s.absURL(r, "/appointments/"+strconv.FormatInt(a.ID, 10))}
	service, unit := a.ServiceID, a.UnitID
	if sv, err := s.dir.Service(r.Context(), a.ServiceID); err == nil {
		service = sv.Names.In(lang)
	}
	if un, err := s.dir.Unit(r.Context(), a.UnitID); err == nil {
		unit = un.Names.In(lang)
		e.Location = strings.TrimSpace(un.Address.Street.In(lang) + ", " + un.Address.PostalCode + " " + un.Address.City.In(lang))
	}
	if a.Mode == sotepe.ModeVideo {
		e.Location = s.absURL(r, "/appointments/"+strconv.FormatInt(a.ID, 10)+"/video")
	}
	e.Summary = s.cat.T(lang, "appt.ics_summary", map[string]any{"Service": service, "Unit": unit})
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="appointment-`+strconv.FormatInt(a.ID, 10)+`.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(ical.ICS(e))
	return nil
}

// absURL is path on this server as the request reached it.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: path}).String()
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

// slotsOpen opens slots: POST /api/v1/slots (staff of the unit).
func (s *Server) slotsOpen(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
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
	n, err := s.cfg.Appointments.OpenSlots(r.Context(), u, o)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, map[string]int{"created": n})
	return nil
}

// slotClose closes an open slot: POST /api/v1/slots/{id}/close.
func (s *Server) slotClose(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return kit.NoContent(w, s.cfg.Appointments.CloseSlot(r.Context(), u, id))
}
