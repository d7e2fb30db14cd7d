package web

import (
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// Appointment tickets, the waiting list and the booking rules of a
// service, in the JSON API.

// ticketCreate gives a resident an appointment ticket: POST
// /api/v1/appointment-tickets with {"resident", "service",
// "contact_request"}.
func (s *Server) ticketCreate(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b struct {
		Resident       int64  `json:"resident"`
		Service        string `json:"service"`
		ContactRequest int64  `json:"contact_request"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	t, err := s.cfg.Appointments.IssueTicket(r.Context(), u, sotepe.Ticket{ResidentID: b.Resident, ServiceID: b.Service, ContactRequestID: b.ContactRequest})
	return kit.WriteResult(w, http.StatusCreated, t, err)
}

// ticketList lists the resident's unused tickets: GET
// /api/v1/appointment-tickets.
func (s *Server) ticketList(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	ts, err := s.cfg.Appointments.Tickets(r.Context(), u)
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

func (s *Server) viewWait(r *http.Request, e sotepe.WaitEntry) waitView {
	loc := s.cfg.Location
	v := waitView{ID: e.ID, Service: e.ServiceID, Unit: e.UnitID, Appointment: e.AppointmentID, Before: e.Before.In(loc), Status: e.Status}
	if u := kit.Info(r).User; e.OfferSlot != 0 && u != nil {
		// The slot offered to the resident's own entry.
		if sl, err := s.cfg.Appointments.Slot(r.Context(), *u, e.OfferSlot); err == nil {
			sv := s.viewSlot(sl, false)
			v.OfferSlot = &sv
		}
		t := e.OfferExpires.In(loc)
		v.OfferExpires = &t
	}
	return v
}

// waitlistList lists the resident's entries: GET /api/v1/waitlist.
func (s *Server) waitlistList(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	es, err := s.cfg.Appointments.Waitlist(r.Context(), u)
	if err != nil {
		return err
	}
	out := sotepe.Page[waitView]{Items: make([]waitView, len(es))}
	for i, e := range es {
		out.Items[i] = s.viewWait(r, e)
	}
	kit.WriteJSON(w, http.StatusOK, out)
	return nil
}

// waitlistJoin puts the resident on a waiting list: POST /api/v1/waitlist
// with {"service", "unit", "before"} or {"appointment"}.
func (s *Server) waitlistJoin(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
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
	e, err = s.cfg.Appointments.JoinWaitlist(r.Context(), u, e)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, s.viewWait(r, e))
	return nil
}

// waitlistLeave takes an entry off the list: DELETE /api/v1/waitlist/{id}.
func (s *Server) waitlistLeave(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return kit.NoContent(w, s.cfg.Appointments.LeaveWaitlist(r.Context(), u, id))
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

// serviceBooking returns how a service is booked: GET
// /api/v1/services/{id}/booking, open to everyone.
func (s *Server) serviceBooking(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cfg.Appointments.Rules(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, viewRules(c))
	return nil
}

// serviceBookingSave sets how a service is booked: PUT
// /api/v1/services/{id}/booking (administrators, and managers of units
// that offer the service), with every field of the rules; limits are whole
// hours.
func (s *Server) serviceBookingSave(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b bookingRules
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.cfg.Appointments.Rules(r.Context(), id); err != nil {
		return err
	}
	c := sotepe.BookingRules{ServiceID: id, DirectBooking: b.DirectBooking, CancelLimit: time.Duration(b.CancelLimitHours) * time.Hour,
		OfferHold: time.Duration(b.OfferHoldHours) * time.Hour, GuaranteeDays: b.GuaranteeDays, GuaranteeDaysYoung: b.GuaranteeDaysYoung}
	if err := s.cfg.Appointments.SaveRules(r.Context(), u, c); err != nil {
		return err
	}
	return s.serviceBooking(w, r)
}
