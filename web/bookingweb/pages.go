package bookingweb

import (
	"net/http"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// The resident's HTML pages of appointments, without JavaScript: their
// appointments, the free-time search with a booking button on each time,
// one appointment with its calendar file, cancelling, rebooking and the
// waiting list, and the video waiting room.

// apptPageItem is one appointment on a page, with its unit's names.
type apptPageItem struct {
	AppointmentView
	UnitNames sotepe.Names
}

// apptListView is the resident's page of appointments.
type apptListView struct {
	Items   []apptPageItem
	NextURL string // the next page of Items, "" on the last
	Waits   []waitView
	Tickets []sotepe.Ticket
	Net     vocab.Network
}

// apptPageSize is how many appointments one page of /appointments lists.
const apptPageSize = 50

// ListPage lists the resident's own appointments from 30 days back, 50
// at a time (?cursor= for the next page, as in the API), with their
// waiting-list entries and tickets: GET /appointments. Staff go to their
// calendar. A malformed cursor is EInvalid.
func (h *Handlers) ListPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if !u.Has(sotepe.RoleResident) {
		http.Redirect(w, r, "/staff/calendar", http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	f := sotepe.AppointmentFilter{From: h.site.Now().Add(-30 * 24 * time.Hour), Page: sotepe.PageRequest{Limit: apptPageSize, Cursor: r.URL.Query().Get("cursor")}}
	page, err := h.cfg.Appointments.List(ctx, u, f)
	if err != nil {
		return err
	}
	v := apptListView{}
	av := h.apptViewer(ctx, u)
	for _, a := range page.Items {
		v.Items = append(v.Items, apptPageItem{AppointmentView: av.view(a), UnitNames: h.unitNames(ctx, a.UnitID)})
	}
	v.NextURL = kit.NextURL(r, page.NextCursor)
	waits, err := h.cfg.Appointments.Waitlist(ctx, u)
	if err != nil {
		return err
	}
	for _, e := range waits {
		v.Waits = append(v.Waits, h.viewWait(r, e))
	}
	if v.Tickets, err = h.cfg.Appointments.Tickets(ctx, u); err != nil {
		return err
	}
	if v.Net, err = vocab.Read(ctx, h.cfg.Directory); err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "appt_list", h.site.T(kit.Info(r).Lang, "appt.title", nil), v)
	return nil
}

// slotPageItem is a free time on the search page, with its unit's names.
type slotPageItem struct {
	slotView
	UnitNames sotepe.Names
}

// apptSearchView is the free-time search form and its results.
type apptSearchView struct {
	Services   []sotepe.Service
	Units      []sotepe.Unit
	Q          map[string]string
	Reschedule int64
	Items      []slotPageItem
	Next       string
	Searched   bool
	Error      string
}

// SearchPage finds free times and offers each for booking: GET
// /appointments/new. With reschedule=<id> the button moves that
// appointment instead.
func (h *Handlers) SearchPage(w http.ResponseWriter, r *http.Request) error {
	return h.showSearch(w, r, http.StatusOK, "")
}

func (h *Handlers) showSearch(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	in := kit.Info(r)
	q := r.URL.Query()
	v := apptSearchView{Q: map[string]string{}, Error: problem}
	for _, k := range []string{"service", "unit", "language", "mode", "evening", "near", "from", "to"} {
		v.Q[k] = q.Get(k)
	}
	v.Reschedule, _ = strconv.ParseInt(q.Get("reschedule"), 10, 64)
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return err
	}
	// The services the resident may book: those booked directly, those
	// they hold an appointment ticket for, and the one asked for.
	ticketed := map[string]bool{v.Q["service"]: true}
	if u := in.User; u != nil && u.Has(sotepe.RoleResident) {
		tickets, err := h.cfg.Appointments.Tickets(r.Context(), *u)
		if err != nil {
			return err
		}
		for _, t := range tickets {
			ticketed[t.ServiceID] = true
		}
	}
	for _, sv := range n.Services {
		if c, err := h.cfg.Appointments.Rules(r.Context(), sv.ID); err == nil && c.DirectBooking || ticketed[sv.ID] {
			v.Services = append(v.Services, sv)
		}
	}
	if svcID := v.Q["service"]; svcID != "" {
		page, err := h.cfg.Directory.Units(r.Context(), sotepe.UnitFilter{Service: svcID, SortLang: in.Lang, Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}})
		if err == nil {
			v.Units = page.Items
		}
		f, err := h.slotFilter(r)
		if err == nil {
			f.Page.Limit = min(f.Page.Limit, 30)
			var page sotepe.Page[sotepe.Slot]
			if page, err = h.cfg.Appointments.Search(r.Context(), in.User, f); err == nil {
				v.Searched, v.Next = true, page.NextCursor
				for _, sl := range page.Items {
					v.Items = append(v.Items, slotPageItem{slotView: h.viewSlot(sl, false), UnitNames: h.unitNames(r.Context(), sl.UnitID)})
				}
			}
		}
		if err != nil {
			if code := sotepe.ErrorCode(err); code != sotepe.EInvalid {
				return err
			}
			status, v.Error = http.StatusBadRequest, h.site.ErrText(in.Lang, err)
		}
	}
	h.site.Page(w, r, status, "appt_search", h.site.T(in.Lang, "appt.search_title", nil), v)
	return nil
}

// BookForm books the chosen time, or moves the appointment named by
// replaces to it, and shows the appointment: POST /appointments/book. A
// refusal shows the search again with the reason.
func (h *Handlers) BookForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	slot, _ := strconv.ParseInt(r.PostForm.Get("slot"), 10, 64)
	replaces, _ := strconv.ParseInt(r.PostForm.Get("replaces"), 10, 64)
	var a sotepe.Appointment
	if replaces != 0 {
		a, err = h.cfg.Appointments.Reschedule(r.Context(), u, replaces, slot)
	} else {
		a, err = h.cfg.Appointments.Book(r.Context(), u, slot, r.PostForm.Get("service"))
	}
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict || code == sotepe.EForbidden || code == sotepe.ENotFound {
		// The search again, as it was, with why the time could not be had.
		q := r.URL.Query()
		for _, k := range []string{"service", "unit", "language", "mode", "evening", "near", "from", "to"} {
			if v := r.PostForm.Get(k); v != "" {
				q.Set(k, v)
			}
		}
		if replaces != 0 {
			q.Set("reschedule", strconv.FormatInt(replaces, 10))
		}
		r.URL.RawQuery = q.Encode()
		return h.showSearch(w, r, sotepe.HTTPStatus(code), h.site.ErrText(kit.Info(r).Lang, err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/appointments/"+strconv.FormatInt(a.ID, 10)+"?booked=1", http.StatusSeeOther)
	return nil
}

// apptDetailView is one appointment's page.
type apptDetailView struct {
	A         AppointmentView
	UnitNames sotepe.Names
	Unit      *sotepe.Unit
	Net       vocab.Network
	Staff     bool
	Booked    bool
	// Phone is set after "call me instead" turned the appointment into a
	// phone appointment.
	Phone   bool
	Waiting *waitView
	// CancelHours is how long before the start the resident may still
	// cancel or rebook online.
	CancelHours int
	Error       string
}

// Page shows one appointment: GET /appointments/{id}.
func (h *Handlers) Page(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.showAppt(w, r, u, id, http.StatusOK, "")
}

func (h *Handlers) showAppt(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64, status int, problem string) error {
	ctx := r.Context()
	a, err := h.cfg.Appointments.Get(ctx, u, id)
	if err != nil {
		return err
	}
	v := apptDetailView{A: h.View(r.Context(), a, u), UnitNames: h.unitNames(ctx, a.UnitID), Staff: u.IsStaff(),
		Booked: r.URL.Query().Get("booked") == "1", Phone: r.URL.Query().Get("phone") == "1", Error: problem}
	if un, err := h.cfg.Directory.Unit(ctx, a.UnitID); err == nil {
		v.Unit = &un
	}
	c, err := h.cfg.Appointments.Rules(ctx, a.ServiceID)
	if err != nil {
		return err
	}
	v.CancelHours = int(c.CancelLimit / time.Hour)
	if v.Net, err = vocab.Read(ctx, h.cfg.Directory); err != nil {
		return err
	}
	if !v.Staff {
		waits, err := h.cfg.Appointments.Waitlist(ctx, u)
		if err != nil {
			return err
		}
		for _, e := range waits {
			if e.AppointmentID == a.ID {
				wv := h.viewWait(r, e)
				v.Waiting = &wv
			}
		}
	}
	h.site.Page(w, r, status, "appt_detail", h.site.T(kit.Info(r).Lang, "appt.detail_title", nil), v)
	return nil
}

// CancelForm cancels and shows the appointment again: POST
// /appointments/{id}/cancel. A refusal (after the limit) shows why.
func (h *Handlers) CancelForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	_, err := h.cfg.Appointments.Cancel(r.Context(), u, id)
	return h.apptActed(w, r, u, id, err)
}

// apptActed ends a form on appointment id: back to the appointment, or the
// appointment again with the reason when err is a conflict or invalid.
func (h *Handlers) apptActed(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64, err error) error {
	if code := sotepe.ErrorCode(err); code == sotepe.EConflict || code == sotepe.EInvalid {
		return h.showAppt(w, r, u, id, sotepe.HTTPStatus(code), h.site.ErrText(kit.Info(r).Lang, err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/appointments/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// WaitForm puts the resident on the waiting list for a time earlier
// than their appointment: POST /appointments/{id}/waitlist.
func (h *Handlers) WaitForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	e := sotepe.WaitEntry{AppointmentID: id}
	if r.PostForm.Get("same_unit") != "" {
		a, err := h.cfg.Appointments.Get(r.Context(), u, id)
		if err != nil {
			return err
		}
		e.UnitID = a.UnitID
	}
	_, err := h.cfg.Appointments.JoinWaitlist(r.Context(), u, e)
	return h.apptActed(w, r, u, id, err)
}

// WaitLeaveForm takes an entry off the waiting list: POST
// /appointments/waitlist/{id}/leave.
func (h *Handlers) WaitLeaveForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := h.cfg.Appointments.LeaveWaitlist(r.Context(), u, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/appointments", http.StatusSeeOther)
	return nil
}
