package fhir

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// The IHE scheduling operations (ITI-115 Find Potential Appointments,
// ITI-117 Book Appointment) over the same free-time search and booking as
// the portal.
const (
	findDefinition = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-find"
	bookDefinition = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-book"
)

// findParams are the parameters $find takes.
var findParams = map[string]bool{"start": true, "end": true, "service-type": true, "location": true}

// operationInput reads an operation's parameters: the query of a GET, or
// the Parameters resource of a POST (its primitive values as strings, a
// Coding as system|code, a Reference as its reference), and the resources
// it carries by name.
func operationInput(q *request) (url.Values, map[string]json.RawMessage, error) {
	if q.r.Method != http.MethodPost {
		return q.r.URL.Query(), nil, nil
	}
	var raw json.RawMessage
	if err := readBody(q.r, &raw, "application/fhir+json", "application/json"); err != nil {
		return nil, nil, err
	}
	if resourceTypeOf(raw) != "Parameters" {
		return nil, nil, sotepe.Invalid("error.fhir_body", "not Parameters")
	}
	p, err := fhir.UnmarshalParameters(raw)
	if err != nil {
		return nil, nil, sotepe.Invalid("error.fhir_body", "not Parameters")
	}
	values := url.Values{}
	for k, vs := range q.r.URL.Query() {
		values[k] = vs
	}
	resources := map[string]json.RawMessage{}
	for _, pp := range p.Parameter {
		switch {
		case pp.Resource != nil:
			resources[pp.Name] = pp.Resource
		case pp.ValueCoding != nil && pp.ValueCoding.Code != nil:
			v := *pp.ValueCoding.Code
			if pp.ValueCoding.System != nil {
				v = *pp.ValueCoding.System + "|" + v
			}
			values.Add(pp.Name, v)
		case pp.ValueReference != nil && pp.ValueReference.Reference != nil:
			values.Add(pp.Name, *pp.ValueReference.Reference)
		case pp.ValueIdentifier != nil && pp.ValueIdentifier.Value != nil:
			v := *pp.ValueIdentifier.Value
			if pp.ValueIdentifier.System != nil {
				v = *pp.ValueIdentifier.System + "|" + v
			}
			values.Add(pp.Name, v)
		case pp.ValueInteger != nil:
			values.Add(pp.Name, strconv.Itoa(*pp.ValueInteger))
		case pp.ValuePositiveInt != nil:
			values.Add(pp.Name, strconv.Itoa(*pp.ValuePositiveInt))
		default:
			for _, s := range []*string{pp.ValueDateTime, pp.ValueDate, pp.ValueInstant, pp.ValueString, pp.ValueCode, pp.ValueUri} {
				if s != nil {
					values.Add(pp.Name, *s)
					break
				}
			}
		}
	}
	return values, resources, nil
}

// find answers Appointment/$find: the free slots of a service (service-type)
// between start and end, at some units (location), as proposed
// Appointments, each naming its slot. Like the Slot search it is public;
// a system needs system/Slot.read.
func (h *Handler) find(w http.ResponseWriter, q *request) error {
	if err := h.access(q, slotType); err != nil {
		return err
	}
	values, _, err := operationInput(q)
	if err != nil {
		return err
	}
	p, err := parseSearch(resourceType{params: findParams}, values)
	if err != nil {
		return err
	}
	f := sotepe.SlotFilter{Page: p.page}
	if f.Service, err = p.token("service-type", serviceSystem); err != nil {
		return err
	}
	if f.Service == "" {
		return sotepe.Invalid("error.fhir_slot_service", "name the service")
	}
	for _, v := range p.Values["location"] {
		u, err := refValue("location", v, "Location")
		if err != nil {
			return err
		}
		f.Units = append(f.Units, u)
	}
	// start counts from the beginning of the date it names, end up to its close.
	if f.From, _, err = h.dateParam(p, "start"); err != nil {
		return err
	}
	if _, f.To, err = h.dateParam(p, "end"); err != nil {
		return err
	}
	page, err := h.cfg.Appointments.Search(q.ctx, q.user, f)
	if err != nil {
		return err
	}
	s, err := h.cfg.Directory.Service(q.ctx, f.Service)
	if err != nil {
		return err
	}
	res := searchResult{next: page.NextCursor}
	for _, sl := range page.Items {
		res.matches = append(res.matches, h.proposed(q, sl, s))
	}
	next := ""
	if page.NextCursor != "" {
		nv := url.Values{}
		for k, vs := range p.Values {
			if k != "_cursor" && k != "lang" {
				nv[k] = vs
			}
		}
		nv.Set("_cursor", page.NextCursor)
		next = linkWith(q, "Appointment/$find", nv)
	}
	return h.sendBundle(w, q, q.base+"/Appointment/$find", next, res, q.user != nil)
}

// proposed is a free slot as a proposed Appointment: not stored, so it has
// no id; $book (or POST Appointment) books it by its slot.
func (h *Handler) proposed(q *request, sl sotepe.Slot, s sotepe.Service) resource {
	a := fhir.Appointment{Status: fhir.AppointmentStatusProposed,
		ServiceType: []fhir.CodeableConcept{serviceConcept(s)},
		Start:       ptr(instant(sl.Start.In(h.loc))), End: ptr(instant(sl.End.In(h.loc))),
		MinutesDuration: ptr(int(sl.End.Sub(sl.Start) / time.Minute)),
		Slot:            []fhir.Reference{*reference("Slot", strconv.FormatInt(sl.ID, 10))},
		Extension:       []fhir.Extension{{Url: modeExtension, ValueCode: ptr(string(sl.Mode))}},
		Participant: []fhir.AppointmentParticipant{
			{Actor: reference("Location", sl.UnitID), Required: ptr(fhir.ParticipantRequiredRequired), Status: fhir.ParticipationStatusNeedsAction},
		}}
	if q.user != nil && q.user.Has(sotepe.RoleResident) && q.user.ResidentID != 0 {
		a.Participant = append(a.Participant, fhir.AppointmentParticipant{Actor: reference("Patient", strconv.FormatInt(q.user.ResidentID, 10)),
			Required: ptr(fhir.ParticipantRequiredRequired), Status: fhir.ParticipationStatusNeedsAction})
	}
	return resource{typ: "Appointment", v: a}
}

// book answers Appointment/$book: the appointment-resource parameter (a
// proposed or pending Appointment from $find) is booked for the signed-in
// resident, or, for an integration client, the resident the patient
// parameter (an Identifier of personalIDSystem) or the Patient participant
// names; one whose status is cancelled and that has an id cancels that
// appointment. The answer is a Bundle holding the appointment.
func (h *Handler) book(w http.ResponseWriter, q *request) error {
	// A system's booking and cancelling alike need the write scope.
	u, err := h.booker(q)
	if err != nil {
		return err
	}
	values, resources, err := operationInput(q)
	if err != nil {
		return err
	}
	if len(values["patient"]) > 1 {
		return errBookPatient()
	}
	raw, ok := resources["appointment-resource"]
	if !ok {
		return sotepe.Invalid("error.fhir_book_param", "$book needs appointment-resource")
	}
	a, err := decodeAppointment(raw)
	if err != nil {
		return err
	}
	var booked sotepe.Appointment
	if a.Status == fhir.AppointmentStatusCancelled && a.Id != nil {
		n, err := apptID(*a.Id)
		if err != nil {
			return err
		}
		if booked, err = h.cancelAppointment(q, u, n); err != nil {
			return err
		}
	} else if booked, _, err = h.bookAppointment(q, u, a, values.Get("patient")); err != nil {
		return err
	}
	res, err := h.mapAppointment(q, booked)
	if err != nil {
		return err
	}
	return h.sendBundle(w, q, q.base+"/Appointment/$book", "", searchResult{matches: []resource{res}}, true)
}
