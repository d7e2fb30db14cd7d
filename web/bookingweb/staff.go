package bookingweb

import (
	"net/http"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// The professional's side of appointments: the day and week calendar of
// their own and their unit's appointments (JSON and HTML), marking visits,
// opening slots by a weekly template and closing them; and the
// care-guarantee figures for managers and analysts.

// calendarDay is one day of the calendar.
type calendarDay struct {
	Date    string         `json:"date"`
	Weekday int            `json:"weekday"`
	Entries []calendarItem `json:"entries"`
}

// calendarItem is one slot and the appointment that holds it, if any.
type calendarItem struct {
	Slot        slotView         `json:"slot"`
	Appointment *AppointmentView `json:"appointment,omitempty"`
	// Bookable is an open slot ahead, which staff may book for a
	// resident; the page's to show, not the API's.
	Bookable bool `json:"-"`
}

// calendarResponse is the calendar of GET /api/v1/appointment-calendar.
type calendarResponse struct {
	Unit string        `json:"unit,omitempty"`
	View string        `json:"view"`
	From string        `json:"from"`
	To   string        `json:"to"`
	Mine bool          `json:"mine"`
	Days []calendarDay `json:"days"`
}

// calendarPageView is the calendar page: the calendar, the unit's services
// for the opening form, and navigation.
type calendarPageView struct {
	calendarResponse
	Units    []string
	Services []sotepe.Service
	Net      vocab.Network
	Prev     string
	Next     string
	Error    string
	Message  string
	// RulesLink shows the way to the booking rules, to administrators.
	RulesLink bool
}

// Calendar is the staff calendar: GET /staff/calendar and GET
// /api/v1/appointment-calendar with date (YYYY-MM-DD, default today),
// view (day or week, from Monday), unit (one of the user's) and mine=true
// for the user's own schedule. Reading the appointments is audited.
func (h *Handlers) Calendar(w http.ResponseWriter, r *http.Request) error {
	return h.showCalendar(w, r, http.StatusOK, "", "")
}

func (h *Handlers) showCalendar(w http.ResponseWriter, r *http.Request, status int, problem, message string) error {
	u, err := kit.RequireRole(r, sotepe.RoleProfessional, sotepe.RoleManager)
	if err != nil {
		return err
	}
	in := kit.Info(r)
	q := r.URL.Query()
	loc := h.cfg.Location
	day := h.site.Now().In(loc)
	if d := q.Get("date"); d != "" {
		if day, err = time.ParseInLocation(time.DateOnly, d, loc); err != nil {
			return sotepe.Invalid("error.date", "date "+d+" is not YYYY-MM-DD")
		}
	}
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	view := q.Get("view")
	days := 1
	switch view {
	case "", "day":
		view = "day"
	case "week":
		wd := (int(day.Weekday()) + 6) % 7
		day, days = day.AddDate(0, 0, -wd), 7
	default:
		return sotepe.Invalid("error.appt_view", "view is day or week")
	}
	to := day.AddDate(0, 0, days)
	unit := q.Get("unit")
	mine, err := sotepe.ParseFlag("mine", q.Get("mine"))
	if err != nil {
		return err
	}
	cal, err := h.cfg.Appointments.Calendar(r.Context(), u, unit, day, to, mine)
	if err != nil {
		return err
	}
	resp := calendarResponse{Unit: unit, View: view, From: day.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Mine: mine, Days: []calendarDay{}}
	viewer := h.apptViewer(r.Context(), u)
	byDate := map[string]int{}
	for d := day; d.Before(to); d = d.AddDate(0, 0, 1) {
		byDate[d.Format(time.DateOnly)] = len(resp.Days)
		resp.Days = append(resp.Days, calendarDay{Date: d.Format(time.DateOnly), Weekday: (int(d.Weekday())+6)%7 + 1, Entries: []calendarItem{}})
	}
	for _, sl := range cal.Slots {
		i, ok := byDate[sl.Start.In(loc).Format(time.DateOnly)]
		if !ok {
			continue
		}
		item := calendarItem{Slot: h.viewSlot(sl, true), Bookable: sl.State == sotepe.SlotOpen && sl.Start.After(h.site.Now())}
		if a, ok := cal.Appointments[sl.ID]; ok {
			av := viewer.view(a)
			item.Appointment = &av
		}
		resp.Days[i].Entries = append(resp.Days[i].Entries, item)
	}
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, resp)
		return nil
	}
	v := calendarPageView{calendarResponse: resp, Units: u.Units, Error: problem, Message: message, RulesLink: u.Has(sotepe.RoleAdmin)}
	nav := func(d time.Time) string {
		qq := r.URL.Query()
		qq.Set("date", d.Format(time.DateOnly))
		qq.Set("view", view)
		return "/staff/calendar?" + qq.Encode()
	}
	v.Prev, v.Next = nav(day.AddDate(0, 0, -days)), nav(to)
	if v.Net, err = vocab.Read(r.Context(), h.cfg.Directory); err != nil {
		return err
	}
	offered := map[string]bool{}
	for _, id := range u.Units {
		if un, err := h.cfg.Directory.Unit(r.Context(), id); err == nil {
			for _, sv := range un.Services {
				offered[sv] = true
			}
		}
	}
	for _, sv := range v.Net.Services {
		if offered[sv.ID] {
			v.Services = append(v.Services, sv)
		}
	}
	h.site.Page(w, r, status, "appt_calendar", h.site.T(in.Lang, "appt.calendar_title", nil), v)
	return nil
}

// calendarBack is where a calendar form returns to: the calendar page it
// came from, as the form's "back" field tells, or today's.
func calendarBack(r *http.Request) string { return calendarBackTo(r.PostForm.Get("back")) }

// calendarBackTo returns back when it is a calendar page, else today's.
func calendarBackTo(back string) string {
	if len(back) < len("/staff/calendar") || back[:len("/staff/calendar")] != "/staff/calendar" {
		return "/staff/calendar"
	}
	return kit.SafeNext(back)
}

// CalendarMarkForm marks a visit from the calendar: POST
// /staff/calendar/{id}/mark with status.
func (h *Handlers) CalendarMarkForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	if _, err := h.cfg.Appointments.Mark(r.Context(), u, id, sotepe.AppointmentStatus(r.PostForm.Get("status"))); err != nil {
		return err
	}
	http.Redirect(w, r, calendarBack(r), http.StatusSeeOther)
	return nil
}

// CalendarOpenForm opens slots by a weekly template from the calendar
// page: POST /staff/slots with unit, service, mode, minutes, from, to,
// start, end and the weekdays ticked. A refusal shows the calendar with
// the reason; so does an opening that opened nothing (every time overlaps
// one of the schedule, or the period holds none of the weekdays).
func (h *Handlers) CalendarOpenForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	minutes, _ := strconv.Atoi(f.Get("minutes"))
	t := sotepe.WeeklyTemplate{From: f.Get("from"), To: f.Get("to")}
	for _, wd := range f["weekday"] {
		n, _ := strconv.Atoi(wd)
		t.Periods = append(t.Periods, sotepe.WeeklyPeriod{Weekday: n, Start: f.Get("start"), End: f.Get("end")})
	}
	unit := f.Get("unit")
	if unit == "" && len(u.Units) > 0 {
		unit = u.Units[0]
	}
	n, err := h.cfg.Appointments.OpenSlots(r.Context(), u, sotepe.SlotOpening{UnitID: unit, ServiceID: f.Get("service"),
		Mode: sotepe.AppointmentMode(f.Get("mode")), Length: time.Duration(minutes) * time.Minute, Template: &t})
	in := kit.Info(r)
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EForbidden {
		return h.showCalendar(w, r, sotepe.HTTPStatus(code), h.site.ErrText(in.Lang, err), "")
	} else if err != nil {
		return err
	}
	q := r.URL.Query()
	q.Set("date", t.From)
	q.Set("view", "week")
	r.URL.RawQuery = q.Encode()
	if n == 0 {
		// Nothing new is not a success to report as one: say why.
		return h.showCalendar(w, r, http.StatusOK, "", h.site.T(in.Lang, "appt.opened_none", nil))
	}
	return h.showCalendar(w, r, http.StatusOK, "", h.site.T(in.Lang, "appt.opened", map[string]any{"Count": n}))
}

// CalendarCloseForm closes an open slot: POST /staff/slots/{id}/close.
func (h *Handlers) CalendarCloseForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	id, err := kit.PathID(r, "id", "slot")
	if err != nil {
		return err
	}
	if err := h.cfg.Appointments.CloseSlot(r.Context(), u, id); err != nil {
		return err
	}
	http.Redirect(w, r, calendarBack(r), http.StatusSeeOther)
	return nil
}

// apptStatsItem is one row of the care-guarantee figures, with names.
type apptStatsItem struct {
	sotepe.AppointmentFigures
	UnitNames    sotepe.Names `json:"unit_names"`
	ServiceNames sotepe.Names `json:"service_names"`
}

// apptStatsResponse is GET /api/v1/stats/appointments.
type apptStatsResponse struct {
	From  string          `json:"from"`
	To    string          `json:"to"`
	Unit  string          `json:"unit,omitempty"`
	Items []apptStatsItem `json:"items"`
	Error string          `json:"-"`
}

// Figures shows the care-guarantee figures: GET /stats/appointments and
// GET /api/v1/stats/appointments with from and to (YYYY-MM-DD, both
// included; default the 30 days before and after today) and unit. A
// manager sees their units', analysts and administrators every unit's. The
// figures hold no personal data.
func (h *Handlers) Figures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var err error
	in := kit.Info(r)
	q := r.URL.Query()
	loc := h.cfg.Location
	today := h.site.Now().In(loc)
	resp := apptStatsResponse{From: q.Get("from"), To: q.Get("to"), Unit: q.Get("unit"), Items: []apptStatsItem{}}
	if resp.From == "" {
		resp.From = today.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	if resp.To == "" {
		resp.To = today.AddDate(0, 0, 30).Format(time.DateOnly)
	}
	from, err1 := time.ParseInLocation(time.DateOnly, resp.From, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, resp.To, loc)
	var figs []sotepe.AppointmentFigures
	switch {
	case err1 != nil || err2 != nil:
		err = sotepe.Invalid("error.date", "dates are YYYY-MM-DD")
	case to.Before(from):
		err = sotepe.Invalid("error.stats_period", "from is after to")
	default:
		figs, err = h.cfg.Appointments.Figures(r.Context(), u, from, to.AddDate(0, 0, 1), resp.Unit)
	}
	if err != nil {
		if sotepe.ErrorCode(err) != sotepe.EInvalid || kit.IsAPI(r) {
			return err
		}
		resp.Error = h.site.ErrText(in.Lang, err)
		h.site.Page(w, r, http.StatusBadRequest, "appt_stats", h.site.T(in.Lang, "appt.stats_title", nil), resp)
		return nil
	}
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return err
	}
	for _, f := range figs {
		resp.Items = append(resp.Items, apptStatsItem{AppointmentFigures: f, UnitNames: h.unitNames(r.Context(), f.UnitID), ServiceNames: n.Service(f.ServiceID)})
	}
	return kit.Respond(h.site, w, r, resp, "appt_stats", h.site.T(in.Lang, "appt.stats_title", nil), resp)
}
