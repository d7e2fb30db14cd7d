package bookingweb

import (
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// Appointment tickets, the waiting list and the booking rules of a
// service, in the JSON API.

// TicketCreate gives a resident an appointment ticket: POST
// /api/v1/appointment-tickets with {"resident", "service",
// "contact_request"}.
func (h *Handlers) TicketCreate(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b struct {
		Resident       int64  `json:"resident"`
		Service        string `json:"service"`
		ContactRequest int64  `json:"contact_request"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	t, err := h.cfg.Appointments.IssueTicket(r.Context(), u, sotepe.Ticket{ResidentID: b.Resident, ServiceID: b.Service, ContactRequestID: b.ContactRequest})
	return kit.WriteResult(w, http.StatusCreated, t, err)
}

// TicketList lists the resident's unused tickets: GET
// /api/v1/appointment-tickets.
func (h *Handlers) TicketList(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	ts, err := h.cfg.Appointments.Tickets(r.Context(), u)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, sotepe.Page[sotepe.Ticket]{Items: ts})
	return nil
}

// waitView is a waiting-list entry as the API shows it.
type waitView struct {
	ID           int64             `json:"id"`
	Service      string            `json:"service"`
	Unit         string            `json:"unit,omitempty"`
	Appointment  int64             `json:"appointment,omitempty"`
	Before       time.Time         `json:"before"`
	Status       sotepe.WaitStatus `json:"status"`
	OfferSlot    *slotView         `json:"offer,omitempty"`
	OfferExpires *time.Time        `json:"offer_expires,omitempty"`
}

func (h *Handlers) viewWait(r *http.Request, e sotepe.WaitEntry) waitView {
	loc := h.cfg.Location
	v := waitView{ID: e.ID, Service: e.ServiceID, Unit: e.UnitID, Appointment: e.AppointmentID, Before: e.Before.In(loc), Status: e.Status}
	if u := kit.Info(r).User; e.OfferSlot != 0 && u != nil {
		// The slot offered to the resident's own entry.
		if sl, err := h.cfg.Appointments.Slot(r.Context(), *u, e.OfferSlot); err == nil {
			sv := h.viewSlot(sl, false)
			v.OfferSlot = &sv
		}
		t := e.OfferExpires.In(loc)
		v.OfferExpires = &t
	}
	return v
}

// WaitlistList lists the resident's entries: GET /api/v1/waitlist.
func (h *Handlers) WaitlistList(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	es, err := h.cfg.Appointments.Waitlist(r.Context(), u)
	if err != nil {
		return err
	}
	out := sotepe.Page[waitView]{Items: make([]waitView, len(es))}
	for i, e := range es {
		out.Items[i] = h.viewWait(r, e)
	}
	kit.WriteJSON(w, http.StatusOK, out)
	return nil
}

// WaitlistJoin puts the resident on a waiting list: POST /api/v1/waitlist
// with {"service", "unit", "before"} or {"appointment"}.
func (h *Handlers) WaitlistJoin(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var err error
	var b struct {
		Service     string     `json:"service"`
		Unit        string     `json:"unit"`
		Appointment int64      `json:"appointment"`
		Before      *time.Time `json:"before"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	e := sotepe.WaitEntry{ServiceID: b.Service, UnitID: b.Unit, AppointmentID: b.Appointment}
	if b.Before != nil {
		e.Before = *b.Before
	}
	e, err = h.cfg.Appointments.JoinWaitlist(r.Context(), u, e)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, h.viewWait(r, e))
	return nil
}

// WaitlistLeave takes an entry off the list: DELETE /api/v1/waitlist/{id}.
func (h *Handlers) WaitlistLeave(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return kit.NoContent(w, h.cfg.Appointments.LeaveWaitlist(r.Context(), u, id))
}

// bookingRules is the booking rules of a service as the API shows them.
type bookingRules struct {
	Service            string `json:"service"`
	DirectBooking      bool   `json:"direct_booking"`
	CancelLimitHours   int    `json:"cancel_limit_hours"`
	OfferHoldHours     int    `json:"offer_hold_hours"`
	GuaranteeDays      int    `json:"guarantee_days"`
	GuaranteeDaysYoung int    `json:"guarantee_days_young"`
}

func viewRules(c sotepe.BookingRules) bookingRules {
	return bookingRules{Service: c.ServiceID, DirectBooking: c.DirectBooking, CancelLimitHours: int(c.CancelLimit / time.Hour),
		OfferHoldHours: int(c.OfferHold / time.Hour), GuaranteeDays: c.GuaranteeDays, GuaranteeDaysYoung: c.GuaranteeDaysYoung}
}

// ServiceRules returns how a service is booked: GET
// /api/v1/services/{id}/booking, open to everyone.
func (h *Handlers) ServiceRules(w http.ResponseWriter, r *http.Request) error {
	c, err := h.cfg.Appointments.Rules(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, viewRules(c))
	return nil
}

// ServiceRulesSave sets how a service is booked: PUT
// /api/v1/services/{id}/booking (administrators, and managers of units
// that offer the service), with every field of the rules; limits are whole
// hours.
func (h *Handlers) ServiceRulesSave(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b bookingRules
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := h.cfg.Appointments.Rules(r.Context(), id); err != nil {
		return err
	}
	c := sotepe.BookingRules{ServiceID: id, DirectBooking: b.DirectBooking, CancelLimit: time.Duration(b.CancelLimitHours) * time.Hour,
		OfferHold: time.Duration(b.OfferHoldHours) * time.Hour, GuaranteeDays: b.GuaranteeDays, GuaranteeDaysYoung: b.GuaranteeDaysYoung}
	if err := h.cfg.Appointments.SaveRules(r.Context(), u, c); err != nil {
		return err
	}
	return h.ServiceRules(w, r)
}
