package fhir

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// Appointments are personal data: a signed-in person reaches them (a
// resident their own, staff their units', as the appointment service
// decides; staff reads are audited by it), a resident's access token with
// the patient scopes, and an integration client those it booked
// (system/Appointment.read and .write, Config.ClientBookings; audited).
var appointmentType = resourceType{name: "Appointment", scope: sotepe.ScopeFHIRAppointmentRead, clientBooked: true,
	read: (*Handler).readAppointment, search: (*Handler).searchAppointments,
	params: map[string]bool{"patient": true, "status": true, "date": true},
	create: (*Handler).createAppointment, update: (*Handler).updateAppointment, patch: (*Handler).patchAppointment,
	operations: map[string]operation{
		"$find": {get: true, post: true, run: (*Handler).find},
		"$book": {post: true, run: (*Handler).book},
	}}

// The statuses of sotepe's appointments as FHIR's, and back.
var (
	toFHIRStatus = map[sotepe.AppointmentStatus]fhir.AppointmentStatus{
		sotepe.AppointmentBooked: fhir.AppointmentStatusBooked, sotepe.AppointmentCancelled: fhir.AppointmentStatusCancelled,
		sotepe.AppointmentArrived: fhir.AppointmentStatusArrived, sotepe.AppointmentCompleted: fhir.AppointmentStatusFulfilled,
		sotepe.AppointmentNoShow: fhir.AppointmentStatusNoshow,
	}
	fromFHIRStatus = map[string]sotepe.AppointmentStatus{
		"booked": sotepe.AppointmentBooked, "cancelled": sotepe.AppointmentCancelled, "arrived": sotepe.AppointmentArrived,
		"fulfilled": sotepe.AppointmentCompleted, "noshow": sotepe.AppointmentNoShow,
	}
)

// services keeps the services one request maps, read once each.
type services struct {
	h    *Handler
	q    *request
	seen map[string]sotepe.Service
}

func (h *Handler) services(q *request) *services {
	return &services{h: h, q: q, seen: map[string]sotepe.Service{}}
}

func (s *services) get(id string) (sotepe.Service, error) {
	if svc, ok := s.seen[id]; ok {
		return svc, nil
	}
	svc, err := s.h.cfg.Directory.Service(s.q.ctx, id)
	if err == nil {
		s.seen[id] = svc
	}
	return svc, err
}

// appointment maps a booking: its slot, service, unit and resident, with
// the mode as an extension.
func (h *Handler) appointment(a sotepe.Appointment, s sotepe.Service) resource {
	id := strconv.FormatInt(a.ID, 10)
	patient := reference("Patient", strconv.FormatInt(a.ResidentID, 10))
	if a.ResidentName != "" {
		patient.Display = ptr(a.ResidentName)
	}
	v := fhir.Appointment{Id: ptr(id), Status: toFHIRStatus[a.Status],
		ServiceType: []fhir.CodeableConcept{serviceConcept(s)},
		Start:       ptr(instant(a.Start.In(h.loc))), End: ptr(instant(a.End.In(h.loc))),
		MinutesDuration: ptr(int(a.End.Sub(a.Start) / time.Minute)),
		Slot:            []fhir.Reference{*reference("Slot", strconv.FormatInt(a.SlotID, 10))},
		Created:         ptr(instant(a.BookedAt.In(h.loc))),
		Extension:       []fhir.Extension{{Url: modeExtension, ValueCode: ptr(string(a.Mode))}},
		Participant: []fhir.AppointmentParticipant{
			{Actor: patient, Required: ptr(fhir.ParticipantRequiredRequired), Status: fhir.ParticipationStatusAccepted},
			{Actor: reference("Location", a.UnitID), Required: ptr(fhir.ParticipantRequiredRequired), Status: fhir.ParticipationStatusAccepted},
		}}
	updated := a.BookedAt
	for _, t := range []time.Time{a.MarkedAt, a.CancelledAt} {
		if t.After(updated) {
			updated = t
		}
	}
	return resource{typ: "Appointment", id: id, v: v, updated: updated, private: true}
}

func (h *Handler) mapAppointment(q *request, a sotepe.Appointment) (resource, error) {
	s, err := h.cfg.Directory.Service(q.ctx, a.ServiceID)
	if err != nil {
		return resource{}, err
	}
	return h.appointment(a, s), nil
}

func apptID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, notFound("appointment")
	}
	return n, nil
}

// getAppointment reads appointment id for the request's person, or for
// its integration client (which needs system/Appointment.read).
func (h *Handler) getAppointment(q *request, id string) (sotepe.User, sotepe.Appointment, error) {
	if q.token != "" {
		c, err := h.client(q, sotepe.ScopeFHIRAppointmentRead)
		if err != nil {
			return sotepe.User{}, sotepe.Appointment{}, err
		}
		n, err := apptID(id)
		if err != nil {
			return sotepe.User{}, sotepe.Appointment{}, err
		}
		a, err := h.cfg.ClientBookings.ClientGet(q.ctx, c, n)
		return sotepe.User{}, a, err
	}
	u, err := h.person(q)
	if err != nil {
		return u, sotepe.Appointment{}, err
	}
	n, err := apptID(id)
	if err != nil {
		return u, sotepe.Appointment{}, err
	}
	a, err := h.cfg.Appointments.Get(q.ctx, u, n)
	return u, a, err
}

// cancelAppointment cancels appointment id as the request's person or its
// integration client (system/Appointment.write), and checks a resident's
// token for the write scope.
func (h *Handler) cancelAppointment(q *request, u sotepe.User, id int64) (sotepe.Appointment, error) {
	if q.token != "" {
		c, err := h.client(q, sotepe.ScopeFHIRAppointmentWrite)
		if err != nil {
			return sotepe.Appointment{}, err
		}
		return h.cfg.ClientBookings.ClientCancel(q.ctx, c, id)
	}
	if err := h.patientScope(q, "Appointment", true); err != nil {
		return sotepe.Appointment{}, err
	}
	return h.cfg.Appointments.Cancel(q.ctx, u, id)
}

func (h *Handler) readAppointment(q *request, id string) (resource, error) {
	_, a, err := h.getAppointment(q, id)
	if err != nil {
		return resource{}, err
	}
	return h.mapAppointment(q, a)
}

// searchAppointments lists a resident's own appointments or a staff
// member's units', narrowed by status and date (the start); patient, for a
// resident, can only name themselves (anyone else has none to show).
func (h *Handler) searchAppointments(q *request, p searchParams) (searchResult, error) {
	var u sotepe.User
	var c sotepe.IntegrationClient
	var err error
	if q.token != "" {
		// A client lists what it booked; it names no patient.
		if c, err = h.client(q, sotepe.ScopeFHIRAppointmentRead); err != nil {
			return searchResult{}, err
		}
		if len(p.Values["patient"]) > 0 {
			return searchResult{}, errParam("patient")
		}
	} else if u, err = h.person(q); err != nil {
		return searchResult{}, err
	}
	f := sotepe.AppointmentFilter{Page: p.page}
	if id, err := p.ref("patient", "Patient"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		if u.IsStaff() {
			return searchResult{}, errParam("patient")
		}
		if id != strconv.FormatInt(u.ResidentID, 10) {
			return searchResult{}, nil
		}
	}
	for _, v := range p.Values["status"] {
		for _, s := range strings.Split(v, ",") {
			st, ok := fromFHIRStatus[s]
			if !ok {
				return searchResult{}, errParamValue("status")
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if f.From, f.To, err = h.dateRange("date", p.Values["date"]); err != nil {
		return searchResult{}, err
	}
	var page sotepe.Page[sotepe.Appointment]
	if q.token != "" {
		page, err = h.cfg.ClientBookings.ClientList(q.ctx, c, f)
	} else {
		page, err = h.cfg.Appointments.List(q.ctx, u, f)
	}
	if err != nil {
		return searchResult{}, err
	}
	svcs := h.services(q)
	res := searchResult{next: page.NextCursor}
	for _, a := range page.Items {
		s, err := svcs.get(a.ServiceID)
		if err != nil {
			return searchResult{}, err
		}
		res.matches = append(res.matches, h.appointment(a, s))
	}
	return res, nil
}

// bookAppointment books the slot an Appointment names for the signed-in
// resident, through the appointment service (no double booking, tickets
// where the service needs one) and under the request's Idempotency-Key.
// The appointment's patient, when named, must be the resident. An
// integration client books for the resident its Patient participant names
// by identifier (or patient, the identifier $book's Parameters gave), as
// sotepe.ClientBookings does.
func (h *Handler) bookAppointment(q *request, u sotepe.User, a fhir.Appointment, patient string) (sotepe.Appointment, bool, error) {
	switch a.Status {
	case fhir.AppointmentStatusProposed, fhir.AppointmentStatusPending, fhir.AppointmentStatusBooked:
	default:
		return sotepe.Appointment{}, false, sotepe.Invalid("error.fhir_appt_status", "a new appointment is proposed, pending or booked")
	}
	if len(a.Slot) != 1 || a.Slot[0].Reference == nil {
		return sotepe.Appointment{}, false, sotepe.Invalid("error.fhir_slot_required", "name one slot")
	}
	ref, err := refValue("slot", *a.Slot[0].Reference, "Slot")
	if err != nil {
		return sotepe.Appointment{}, false, sotepe.Invalid("error.fhir_slot_required", "name one slot")
	}
	slotID, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return sotepe.Appointment{}, false, notFound("slot")
	}
	if q.token != "" {
		return h.clientBook(q, a, slotID, patient)
	}
	if err := h.patientScope(q, "Appointment", true); err != nil {
		return sotepe.Appointment{}, false, err
	}
	for _, p := range a.Participant {
		if p.Actor == nil || p.Actor.Reference == nil || !strings.Contains(*p.Actor.Reference, "Patient/") {
			continue
		}
		id, err := refValue("participant", *p.Actor.Reference, "Patient")
		if err != nil || !u.Has(sotepe.RoleResident) || id != strconv.FormatInt(u.ResidentID, 10) {
			return sotepe.Appointment{}, false, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.fhir_patient_self", Message: "a resident books for themselves"}
		}
	}
	return h.cfg.Appointments.BookOnce(q.ctx, u, slotID, serviceOf(a), q.r.Header.Get("Idempotency-Key"))
}

// serviceOf is the service an Appointment names in serviceType, "" when
// none.
func serviceOf(a fhir.Appointment) string {
	service := ""
	for _, st := range a.ServiceType {
		for _, c := range st.Coding {
			if c.System != nil && *c.System == serviceSystem && c.Code != nil {
				service = *c.Code
			}
		}
	}
	return service
}

// clientBook books slotID as the request's integration client
// (system/Appointment.write) for the resident named by personal identity
// code: patient (system|code) or a Patient participant whose actor is an
// identifier of personalIDSystem. No resident named is 400
// ("error.fhir_book_patient"), one named twice differently too.
func (h *Handler) clientBook(q *request, a fhir.Appointment, slotID int64, patient string) (sotepe.Appointment, bool, error) {
	c, err := h.client(q, sotepe.ScopeFHIRAppointmentWrite)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	codes := map[string]bool{}
	if patient != "" {
		code, err := tokenValue("patient", patient, personalIDSystem)
		if err != nil || !strings.HasPrefix(patient, personalIDSystem+"|") {
			return sotepe.Appointment{}, false, errBookPatient()
		}
		codes[strings.ToUpper(code)] = true
	}
	for _, p := range a.Participant {
		if p.Actor == nil {
			continue
		}
		if id := p.Actor.Identifier; id != nil && id.System != nil && *id.System == personalIDSystem && id.Value != nil {
			codes[strings.ToUpper(*id.Value)] = true
		} else if p.Actor.Reference != nil && strings.Contains(*p.Actor.Reference, "Patient/") {
			// A literal Patient reference is sotepe's id, which no
			// system may read or name.
			return sotepe.Appointment{}, false, errBookPatient()
		}
	}
	if len(codes) != 1 {
		return sotepe.Appointment{}, false, errBookPatient()
	}
	var code string
	for k := range codes {
		code = k
	}
	return h.cfg.ClientBookings.ClientBook(q.ctx, c, slotID, serviceOf(a), code, q.r.Header.Get("Idempotency-Key"))
}

// errBookPatient refuses a system's booking that does not name one
// resident by personal identity code.
func errBookPatient() error {
	return sotepe.Invalid("error.fhir_book_patient", "name the resident by the identifier "+personalIDSystem+"|code")
}

// booker returns who books through q: the signed-in resident (or staff),
// or nobody for an integration client, whose token must hold
// system/Appointment.write; the scope is checked before the body is read.
func (h *Handler) booker(q *request) (sotepe.User, error) {
	if q.token != "" {
		_, err := h.client(q, sotepe.ScopeFHIRAppointmentWrite)
		return sotepe.User{}, err
	}
	return h.person(q)
}

// createAppointment books a slot (POST Appointment): 201 with the booking,
// or 200 with the one an earlier try under the same Idempotency-Key made.
func (h *Handler) createAppointment(w http.ResponseWriter, q *request) error {
	u, err := h.booker(q)
	if err != nil {
		return err
	}
	a, err := readAppointment(q)
	if err != nil {
		return err
	}
	booked, created, err := h.bookAppointment(q, u, a, "")
	if err != nil {
		return err
	}
	res, err := h.mapAppointment(q, booked)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", q.base+"/Appointment/"+res.id)
	return h.sendResource(w, q, status, res)
}

// readAppointment reads the request's body as an Appointment resource.
func readAppointment(q *request) (fhir.Appointment, error) {
	var raw json.RawMessage
	if err := readBody(q.r, &raw, "application/fhir+json", "application/json"); err != nil {
		return fhir.Appointment{}, err
	}
	return decodeAppointment(raw)
}

// decodeAppointment reads an Appointment resource.
func decodeAppointment(raw []byte) (fhir.Appointment, error) {
	if resourceTypeOf(raw) != "Appointment" {
		return fhir.Appointment{}, sotepe.Invalid("error.fhir_body", "not an Appointment")
	}
	a, err := fhir.UnmarshalAppointment(raw)
	if err != nil {
		return a, sotepe.Invalid("error.fhir_body", "not an Appointment")
	}
	return a, nil
}

// errCancelOnly refuses any change but a cancellation.
func errCancelOnly() error {
	return withStatus(http.StatusUnprocessableEntity, sotepe.EInvalid, "error.fhir_cancel_only", "only cancelling is supported")
}

// cancel cancels appointment id for u after checking If-Match against the
// version the client read: the appointment service keeps the
// cancellation limit.
func (h *Handler) cancel(w http.ResponseWriter, q *request, u sotepe.User, current sotepe.Appointment) error {
	if m := q.r.Header.Get("If-Match"); m != "" {
		res, err := h.mapAppointment(q, current)
		if err != nil {
			return err
		}
		_, version, err := res.encode()
		if err != nil {
			return err
		}
		if !matchesTag(m, etag(version)) {
			return withStatus(http.StatusPreconditionFailed, sotepe.EConflict, "error.fhir_version", "the appointment changed since it was read")
		}
	}
	a := current
	if current.Status != sotepe.AppointmentCancelled {
		var err error
		if a, err = h.cancelAppointment(q, u, current.ID); err != nil {
			return err
		}
	}
	res, err := h.mapAppointment(q, a)
	if err != nil {
		return err
	}
	return h.sendResource(w, q, http.StatusOK, res)
}

// updateAppointment takes a whole Appointment (PUT) whose one change may
// be the status to cancelled.
func (h *Handler) updateAppointment(w http.ResponseWriter, q *request, id string) error {
	u, current, err := h.getAppointment(q, id)
	if err != nil {
		return err
	}
	a, err := readAppointment(q)
	if err != nil {
		return err
	}
	if a.Id == nil || *a.Id != id {
		return sotepe.Invalid("error.fhir_id_mismatch", "the body's id is not the path's")
	}
	if a.Status != fhir.AppointmentStatusCancelled && a.Status != toFHIRStatus[current.Status] {
		return errCancelOnly()
	}
	if a.Status != fhir.AppointmentStatusCancelled {
		res, err := h.mapAppointment(q, current)
		if err != nil {
			return err
		}
		return h.sendResource(w, q, http.StatusOK, res)
	}
	return h.cancel(w, q, u, current)
}

// patchOp is one operation of a JSON Patch (RFC 6902).
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// patchAppointment takes a JSON Patch whose one change is the status to
// cancelled ("test" operations on the status are checked).
func (h *Handler) patchAppointment(w http.ResponseWriter, q *request, id string) error {
	u, current, err := h.getAppointment(q, id)
	if err != nil {
		return err
	}
	var ops []patchOp
	if err := readBody(q.r, &ops, "application/json-patch+json"); err != nil {
		return err
	}
	cancel := false
	for _, op := range ops {
		var value string
		if op.Path != "/status" || json.Unmarshal(op.Value, &value) != nil {
			return errCancelOnly()
		}
		switch {
		case op.Op == "test":
			if value != toFHIRStatus[current.Status].Code() {
				return withStatus(http.StatusPreconditionFailed, sotepe.EConflict, "error.fhir_version", "the patch's test failed")
			}
		case (op.Op == "replace" || op.Op == "add") && value == "cancelled":
			cancel = true
		default:
			return errCancelOnly()
		}
	}
	if !cancel {
		return errCancelOnly()
	}
	return h.cancel(w, q, u, current)
}
