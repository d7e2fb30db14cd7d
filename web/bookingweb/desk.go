package bookingweb

import (
	"net/http"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// The staff pages of appointments beyond the calendar: giving a resident
// an appointment ticket from their contact request in the queue, booking a
// time on a resident's behalf (found by their personal identity code, an
// audited read), and the booking rules of a service.

// bookForView is the page that books a slot for a resident.
type bookForView struct {
	Slot       slotView
	Net        vocab.Network
	UnitNames  sotepe.Names
	Bases      []sotepe.Basis
	Basis      sotepe.Basis
	PersonalID string
	Back       string
	Error      *kit.FormError
}

// staffSlot reads slot {id} of the path for a staff member: a slot of
// another unit is as missing as one that does not exist.
func (h *Handlers) staffSlot(r *http.Request, u sotepe.User) (sotepe.Slot, error) {
	id, err := kit.PathID(r, "id", "slot")
	if err != nil {
		return sotepe.Slot{}, err
	}
	return h.cfg.Appointments.Slot(r.Context(), u, id)
}

// showBookFor renders the booking page of slot sl.
func (h *Handlers) showBookFor(w http.ResponseWriter, r *http.Request, sl sotepe.Slot, v bookForView, status int) error {
	var err error
	v.Slot, v.Bases = h.viewSlot(sl, true), sotepe.Bases
	if v.Basis == "" {
		v.Basis = sotepe.BasisCareRelationship
	}
	if v.Net, err = vocab.Read(r.Context(), h.cfg.Directory); err != nil {
		return err
	}
	v.UnitNames = h.unitNames(r.Context(), sl.UnitID)
	if v.Back == "" {
		v.Back = "/staff/calendar?date=" + sl.Start.In(h.cfg.Location).Format(time.DateOnly)
	}
	h.site.Page(w, r, status, "appt_book_for", h.site.T(kit.Info(r).Lang, "appt.book_for_title", nil), v)
	return nil
}

// BookForPage shows a slot of the staff member's units with the form that
// books it for a resident: GET /staff/slots/{id}/book.
func (h *Handlers) BookForPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	sl, err := h.staffSlot(r, u)
	if err != nil {
		return err
	}
	return h.showBookFor(w, r, sl, bookForView{Back: bookForBack(r.URL.Query().Get("back"))}, http.StatusOK)
}

// bookForBack is where the booking page leads back to: the calendar page
// it came from, or "" for the calendar of the slot's day.
func bookForBack(back string) string {
	if back == "" {
		return ""
	}
	return calendarBackTo(back)
}

// BookForForm books the slot for the resident with personal_id, read
// with basis: POST /staff/slots/{id}/book. It shows the new appointment;
// a refusal (an unknown code, a taken time) shows the form again with the
// reason and keeps what was typed.
func (h *Handlers) BookForForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	sl, err := h.staffSlot(r, u)
	if err != nil {
		return err
	}
	f := r.PostForm
	v := bookForView{PersonalID: f.Get("personal_id"), Basis: sotepe.Basis(f.Get("basis")), Back: bookForBack(f.Get("back"))}
	a, err := h.cfg.Appointments.BookFor(r.Context(), u, sl.ID, v.PersonalID, v.Basis)
	// An unknown resident is a mistyped code, told on the form; a slot
	// that vanished meanwhile is the page's 404.
	code := sotepe.ErrorCode(err)
	if code == sotepe.EInvalid || code == sotepe.EConflict || sotepe.ErrorKey(err) == "error.appt_no_resident" {
		if sotepe.ErrorKey(err) == "error.basis" {
			err = kit.AtField(err, "basis")
		} else if code != sotepe.EConflict {
			err = kit.AtField(err, "personal_id")
		}
		v.Error = kit.FormErrorIn(h.site, kit.Info(r).Lang, err, "personal_id", "basis")
		return h.showBookFor(w, r, sl, v, sotepe.HTTPStatus(code))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/appointments/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}

// rulesView is the page of a service's booking rules.
type rulesView struct {
	Services []sotepe.Service // those the user may change
	Service  string
	Rules    bookingRules
	Error    *kit.FormError
	Message  string
}

// rulesFields are the rules form's inputs, by the fields the API and the
// service name, for errors at their fields.
var rulesFields = []string{"service=pick-service", "cancel_limit_hours=cancel_hours", "cancel_hours", "offer_hold_hours=hold_hours",
	"hold_hours", "guarantee_days", "guarantee_days_young"}

// editableServices returns the services whose rules u may change, in the
// network's order.
func (h *Handlers) editableServices(r *http.Request, svc sotepe.AppointmentService, u sotepe.User) ([]sotepe.Service, error) {
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return nil, err
	}
	out := []sotepe.Service{}
	for _, sv := range n.Services {
		ok, err := svc.RulesEditable(r.Context(), u, sv.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, sv)
		}
	}
	return out, nil
}

// showRules renders the rules page of service (the first editable one
// when empty), with what the form held when rules is not nil.
func (h *Handlers) showRules(w http.ResponseWriter, r *http.Request, u sotepe.User, service string, rules *bookingRules, status int, problem *kit.FormError, message string) error {
	var err error
	svc := h.cfg.Appointments
	v := rulesView{Service: service, Error: problem, Message: message}
	if v.Services, err = h.editableServices(r, svc, u); err != nil {
		return err
	}
	if len(v.Services) == 0 {
		return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "no service's rules may be changed"}
	}
	if v.Service == "" {
		v.Service = v.Services[0].ID
	}
	editable := false
	for _, sv := range v.Services {
		editable = editable || sv.ID == v.Service
	}
	if !editable {
		return sotepe.NotFound("service")
	}
	if rules != nil {
		v.Rules = *rules
	} else {
		c, err := h.cfg.Appointments.Rules(r.Context(), v.Service)
		if err != nil {
			return err
		}
		v.Rules = viewRules(c)
	}
	h.site.Page(w, r, status, "appt_rules", h.site.T(kit.Info(r).Lang, "appt.rules_title", nil), v)
	return nil
}

// RulesPage shows how a service is booked, with the form that changes it,
// to administrators (the rules hold at every unit offering the service):
// GET /staff/booking-rules?service=.
func (h *Handlers) RulesPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	return h.showRules(w, r, u, r.URL.Query().Get("service"), nil, http.StatusOK, nil, "")
}

// RulesForm saves a service's booking rules: POST /staff/booking-rules
// with service, direct (checkbox), cancel_hours, hold_hours,
// guarantee_days and guarantee_days_young. Numbers that are not whole
// numbers, or rules out of range, show the form again with the reason and
// what was typed; nothing is saved.
func (h *Handlers) RulesForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	in := kit.Info(r)
	service := f.Get("service")
	b := bookingRules{Service: service, DirectBooking: f.Get("direct") != ""}
	var bad string
	for _, n := range []struct {
		field string
		dst   *int
	}{{"cancel_hours", &b.CancelLimitHours}, {"hold_hours", &b.OfferHoldHours}, {"guarantee_days", &b.GuaranteeDays},
		{"guarantee_days_young", &b.GuaranteeDaysYoung}} {
		v, err := strconv.Atoi(f.Get(n.field))
		if err != nil && bad == "" {
			bad = n.field
		}
		*n.dst = v
	}
	if bad != "" {
		err := sotepe.InvalidField(bad, "error.appt_rules_number", "not a whole number")
		return h.showRules(w, r, u, service, &b, http.StatusBadRequest, kit.FormErrorIn(h.site, in.Lang, err, rulesFields...), "")
	}
	c := sotepe.BookingRules{ServiceID: service, DirectBooking: b.DirectBooking, CancelLimit: time.Duration(b.CancelLimitHours) * time.Hour,
		OfferHold: time.Duration(b.OfferHoldHours) * time.Hour, GuaranteeDays: b.GuaranteeDays, GuaranteeDaysYoung: b.GuaranteeDaysYoung}
	err = h.cfg.Appointments.SaveRules(r.Context(), u, c)
	switch code := sotepe.ErrorCode(err); code {
	case "":
		return h.showRules(w, r, u, service, nil, http.StatusOK, nil, h.site.T(in.Lang, "appt.rules_saved", nil))
	case sotepe.EInvalid:
		return h.showRules(w, r, u, service, &b, http.StatusBadRequest, kit.FormErrorIn(h.site, in.Lang, err, rulesFields...), "")
	default:
		return err
	}
}
