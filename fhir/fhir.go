// Package fhir serves sotepe's service network and appointments to other
// systems as HL7 FHIR R4 (4.0.1) resources under /fhir/R4/: producers as
// Organization, units as Location, services as HealthcareService, the
// bookable services of a unit as Schedule, free times as Slot, bookings as
// Appointment (with the IHE scheduling operations $find and $book), the
// signed-in resident as Patient, staff's names and units as Practitioner
// and PractitionerRole, and assessment hand-overs as QuestionnaireResponse. The resources are the structs of
// github.com/samply/golang-fhir-models.
//
// The package decides nothing about the domain: every read and change goes
// through the services sotepe's portal uses (sotepe.Directory,
// sotepe.AppointmentService, sotepe.ResidentService), so the same rules hold
// (no double booking, the cancellation limit, a resident's own data only,
// audited staff reads). It only maps, and checks who is at the door: a
// person by the session web authenticated (Config.Caller), a system by an
// integration client's bearer token and its SMART-style system scopes
// (system/Slot.read …, sotepe.Scopes). Every error is an OperationOutcome
// in the caller's language.
package fhir

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"sotepe"
)

// Config is what a Handler needs. Every field but BaseURL, Now, Location,
// Logger, Assessments, AccessTokens, Identities, ClientBookings and
// Population is required; Identities is with AccessTokens.
type Config struct {
	// Directory is the public service network.
	Directory sotepe.Directory
	// Appointments carries out free-time searches, bookings and
	// cancellations.
	Appointments sotepe.AppointmentService
	// Residents serves a resident's own data and staff's audited reads.
	Residents sotepe.ResidentService
	// Clients finds an integration client by its bearer token and scope.
	Clients sotepe.EventService
	// Slots reads one slot by id; the handler shows it to anyone only
	// while it is free and ahead, as the free-time search would, and
	// otherwise asks Appointments (staff of its unit, a resident it is
	// offered to). The store is one.
	Slots SlotReader
	// Staff reads the professionals and managers of the units for
	// Practitioner and PractitionerRole (the store is one); the handler
	// shows them to signed-in people and to systems holding
	// system/Practitioner.read, and only their names and units.
	Staff StaffReader
	// Assessments serves QuestionnaireResponse (assessment hand-overs);
	// when nil, that type is not served (404, and the
	// CapabilityStatement leaves it out).
	Assessments sotepe.AssessmentService
	// AccessTokens, when set, checks residents' access tokens from the
	// OpenID provider they sign in with (a bearer token that is a JWT);
	// Identities then finds the resident as sign-in does. Nil: only
	// sessions speak for people.
	AccessTokens sotepe.AccessTokenVerifier
	// Identities finds the resident of an access token (the store is
	// one); required with AccessTokens.
	Identities ResidentIdentities
	// ClientBookings lets integration clients holding
	// system/Appointment.write book and cancel for residents and, with
	// system/Appointment.read, read what they booked; nil: no system
	// reaches Appointment.
	ClientBookings sotepe.ClientBookings
	// Population tells a Patient's home municipality (the Finnish base
	// profiles' municipality extension); nil: it is left out.
	Population sotepe.PopulationRegister
	// Caller returns the signed-in person of a request (nil when nobody
	// is) and the language to answer in; web.Caller is the one sotepe
	// mounts the API with.
	Caller func(r *http.Request) (*sotepe.User, sotepe.Lang)
	// Translate gives a catalog message in a language (i18n.Catalog.T).
	Translate func(lang sotepe.Lang, key string, args map[string]any) string
	// BaseURL is the public address of sotepe (scheme, host and port);
	// when empty, links are made from the request's own host.
	BaseURL string
	// Location is the city's time zone (Europe/Helsinki by default), in
	// which times are written and dates read.
	Location *time.Location
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Logger receives internal errors (never personal data); nil logs
	// nothing.
	Logger *slog.Logger
}

// SlotReader reads one slot by id, or answers ENotFound.
type SlotReader interface {
	Slot(ctx context.Context, id int64) (sotepe.Slot, error)
}

// Handler serves the FHIR R4 API. Create it with New; it is an
// http.Handler for the paths under Prefix.
type Handler struct {
	cfg Config
	loc *time.Location
	now func() time.Time
}

// Prefix is the path the API is served under.
const Prefix = "/fhir/R4/"

// New returns a Handler, or an error naming a required field left out.
func New(c Config) (*Handler, error) {
	switch {
	case c.Directory == nil, c.Appointments == nil, c.Residents == nil, c.Clients == nil,
		c.Slots == nil, c.Staff == nil, c.Caller == nil, c.Translate == nil:
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "fhir: Directory, Appointments, Residents, Clients, Slots, Staff, Caller and Translate are required"}
	case c.AccessTokens != nil && c.Identities == nil:
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "fhir: AccessTokens needs Identities"}
	}
	h := &Handler{cfg: c, loc: c.Location, now: c.Now}
	if h.loc == nil {
		loc, err := time.LoadLocation("Europe/Helsinki")
		if err != nil {
			return nil, err
		}
		h.loc = loc
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.cfg.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	return h, nil
}

// request is one FHIR request: who asks, in which language, and where the
// API's links start.
type request struct {
	r    *http.Request
	ctx  context.Context
	lang sotepe.Lang
	// user is the signed-in person, or the resident of an access token;
	// nil for a system or nobody.
	user *sotepe.User
	// token is the bearer token of a system, "" for a person or nobody.
	token string
	base  string
	// presented is set when the request sent a bearer token.
	presented bool
	// patient is set when user comes from a resident's access token, whose
	// scopes limit what the request may do.
	patient bool
	scopes  []string
}

// ServeHTTP serves one request under Prefix. Deny by default: only the
// interactions of the routing table below answer, each with its own check
// of who may call it; anything else is an OperationOutcome (404 for an
// unknown type or path, 405 for a method the type does not take).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u, lang := h.cfg.Caller(r)
	q := &request{r: r, ctx: r.Context(), lang: lang, user: u, base: h.base(r)}
	// The CapabilityStatement answers anyone, whatever token they send.
	if auth := r.Header.Get("Authorization"); auth != "" && strings.TrimSuffix(r.URL.Path, "/") != Prefix+"metadata" {
		scheme, token, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			h.fail(w, q, errToken())
			return
		}
		// A token speaks for the request, never a cookie beside it.
		if err := h.bearer(w, q, strings.TrimSpace(token)); err != nil {
			h.fail(w, q, err)
			return
		}
	}
	w.Header().Add("Vary", "Authorization")
	if err := h.route(w, q); err != nil {
		h.fail(w, q, err)
	}
}

// base is the address the API's links start with.
func (h *Handler) base(r *http.Request) string {
	if h.cfg.BaseURL != "" {
		return h.cfg.BaseURL + strings.TrimSuffix(Prefix, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + strings.TrimSuffix(Prefix, "/")
}

// route dispatches by path and method.
func (h *Handler) route(w http.ResponseWriter, q *request) error {
	rest, ok := strings.CutPrefix(q.r.URL.Path, Prefix)
	if !ok {
		return errPath()
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	m := q.r.Method
	if len(parts) == 1 && parts[0] == "metadata" {
		if m != http.MethodGet && m != http.MethodHead {
			return errMethod("GET")
		}
		return h.metadata(w, q)
	}
	rt, known := types[parts[0]]
	if !known || !h.serves(rt) {
		return errPath()
	}
	switch {
	case len(parts) == 1:
		switch {
		case m == http.MethodGet || m == http.MethodHead:
			return h.search(w, q, rt, q.r.URL.Query())
		case m == http.MethodPost && rt.create != nil:
			return rt.create(h, w, q)
		}
		return errMethod(rt.allowType())
	case len(parts) == 2 && parts[1] == "_search":
		if m != http.MethodPost {
			return errMethod("POST")
		}
		return h.postSearch(w, q, rt)
	case len(parts) == 2 && strings.HasPrefix(parts[1], "$"):
		op, ok := rt.operations[parts[1]]
		if !ok {
			return errPath()
		}
		if !op.allows(m) {
			return errMethod(op.allow())
		}
		return op.run(h, w, q)
	case len(parts) == 2:
		id := parts[1]
		if !validID(id) {
			return notFound(rt.name)
		}
		switch {
		case m == http.MethodGet || m == http.MethodHead:
			return h.read(w, q, rt, id)
		case m == http.MethodPut && rt.update != nil:
			return rt.update(h, w, q, id)
		case m == http.MethodPatch && rt.patch != nil:
			return rt.patch(h, w, q, id)
		}
		return errMethod(rt.allowInstance())
	}
	return errPath()
}

// resourceType is one type of the routing table: how it is read and
// searched, and, for Appointment, created, updated, patched and operated on.
type resourceType struct {
	name string
	// scope is the system scope that lets a client read the type; ""
	// when no system may (personal data).
	scope string
	// read returns the resource with id, checking who may see it.
	read func(h *Handler, q *request, id string) (resource, error)
	// search returns one page of matches of the query.
	search func(h *Handler, q *request, p searchParams) (searchResult, error)
	// params are the search parameters the type takes (besides the
	// common ones, commonParams).
	params     map[string]bool
	create     func(h *Handler, w http.ResponseWriter, q *request) error
	update     func(h *Handler, w http.ResponseWriter, q *request, id string) error
	patch      func(h *Handler, w http.ResponseWriter, q *request, id string) error
	operations map[string]operation
	// clientBooked marks Appointment: scope is the system scope of reading
	// what a client booked, which needs Config.ClientBookings, and the
	// answers are personal data.
	clientBooked bool
	// readOnly types answer read but no search (which is 400).
	readOnly bool
	// optional, when set, says whether a Config serves the type at all.
	optional func(c Config) bool
}

// serves reports whether the handler serves type t.
func (h *Handler) serves(t resourceType) bool { return t.optional == nil || t.optional(h.cfg) }

// operation is a named operation ($find, $book) of a type.
type operation struct {
	get, post bool
	run       func(h *Handler, w http.ResponseWriter, q *request) error
}

func (o operation) allows(method string) bool {
	return o.get && (method == http.MethodGet || method == http.MethodHead) || o.post && method == http.MethodPost
}

func (o operation) allow() string {
	var m []string
	if o.get {
		m = append(m, "GET")
	}
	if o.post {
		m = append(m, "POST")
	}
	return strings.Join(m, ", ")
}

func (t resourceType) allowType() string {
	if t.create != nil {
		return "GET, POST"
	}
	return "GET"
}

func (t resourceType) allowInstance() string {
	m := "GET"
	if t.update != nil {
		m += ", PUT"
	}
	if t.patch != nil {
		m += ", PATCH"
	}
	return m
}

// types is the routing table: a read-only lookup table, filled once at
// initialisation (the functions are methods of Handler).
var types = map[string]resourceType{}

func init() {
	for _, t := range []resourceType{organizationType, locationType, healthcareServiceType, scheduleType, slotType, appointmentType, patientType, practitionerType, practitionerRoleType, questionnaireResponseType} {
		types[t.name] = t
	}
}

// validID reports whether s can be a FHIR logical id.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// system checks a system's token for the type's scope: a request without a
// token passes (the public reads are public), a token that is unknown or
// revoked is 401, one without the scope 403, and a type no system may read
// 403 whatever the token holds.
func (h *Handler) system(q *request, scope string) error {
	if q.token == "" {
		return nil
	}
	if scope == "" {
		// The token still has to be real before it is told what it lacks.
		if _, err := h.cfg.Clients.Client(q.ctx, q.token, sotepe.ScopeFHIRSlotRead); sotepe.ErrorCode(err) == sotepe.EUnauthorized {
			return err
		}
		return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.fhir_system_personal", Message: "systems may not read personal data"}
	}
	_, err := h.cfg.Clients.Client(q.ctx, q.token, scope)
	return err
}

// person returns the signed-in person: 401 for nobody, 403 for a system.
func (h *Handler) person(q *request) (sotepe.User, error) {
	if q.token != "" {
		return sotepe.User{}, h.system(q, "")
	}
	if q.user == nil {
		return sotepe.User{}, &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.unauthorized", Message: "sign in first"}
	}
	return *q.user, nil
}
