package sotepe

import (
	"context"
	"slices"
	"time"
)

// Measure says what one counted unit of a statistic is: a visit, a care day
// (hoitopäivä, vårddygn), an electronic contact, a rescue mission, an
// inspection, an assessment, a client or a care period.
type Measure string

// The measures of the statistics.
const (
	MeasureVisit      Measure = "visit"
	MeasureCareDay    Measure = "care_day"
	MeasureEContact   Measure = "e_contact"
	MeasureMission    Measure = "mission"
	MeasureInspection Measure = "inspection"
	MeasureAssessment Measure = "assessment"
	MeasureClient     Measure = "client"
	MeasureCarePeriod Measure = "care_period"
	// MeasureAnswer is one answer to the recommendation question.
	MeasureAnswer Measure = "answer"
)

// EventMode is how a counted act was given: in person, by phone, by video, or
// remotely (a remote home-care visit, an electronic contact).
type EventMode string

// The modes of service events.
const (
	EventInPerson EventMode = "in_person"
	EventPhone    EventMode = "phone"
	EventVideo    EventMode = "video"
	EventRemote   EventMode = "remote"
)

// EventModes lists every mode, in person first.
var EventModes = []EventMode{EventInPerson, EventPhone, EventVideo, EventRemote}

// Valid reports whether m is a known mode.
func (m EventMode) Valid() bool { return slices.Contains(EventModes, m) }

// Statistic is one counted service (suorite, prestation) of the sector's
// statistics. Reference statistics are the service_volumes lines of the
// sector's annual report (reference/helsinki-2024.json), in the report's
// order and grouped as its "millions of encounters" table; the others are
// sotepe's own and the e-service figures. AreaID is the service area that
// gives the service ("" for the e-services the whole sector shares); the
// person-visible names are the catalog keys "statistic.<Key>" and
// "statistic_group.<Group>".
type Statistic struct {
	Key       string
	Measure   Measure
	AreaID    string
	Group     string
	Reference bool
}

// Groups of the annual report's table of service volumes, in its order.
const (
	GroupHealthStationsDental  = "health_stations_and_dental"
	GroupChildSchoolHealth     = "child_and_school_health"
	GroupMentalHealthSubstance = "mental_health_and_substance_abuse"
	GroupRescue                = "rescue"
	GroupOlderPeopleHospital   = "older_people_and_hospital"
	GroupChildProtectionSocial = "child_protection_and_social_work"
	GroupEServices             = "e_services"
	GroupFeedback              = "feedback"
	GroupOtherServices         = "other_services"
)

// The demo network's area ids the statistics name.
const (
	areaHealthSubstance = "health-and-substance-abuse-services"
	areaFamilySocial    = "family-and-social-services"
	areaHospitalCare    = "hospital-rehabilitation-and-care-services"
	areaRescue          = "rescue-department"
)

// StatisticGroups lists the groups in the order of the annual report: the
// six of the reference table first, then the e-services, feedback and the
// other services.
var StatisticGroups = []string{
	GroupHealthStationsDental, GroupChildSchoolHealth, GroupMentalHealthSubstance,
	GroupRescue, GroupOlderPeopleHospital, GroupChildProtectionSocial,
	GroupEServices, GroupFeedback, GroupOtherServices,
}

// Keys of sotepe's own and the e-service statistics.
const (
	StatContactRequestsAnswered = "contact_requests_answered"
	StatSymptomAssessments      = "symptom_assessments"
	StatChatContacts            = "chat_contacts"
	StatPortalCustomerContacts  = "portal_customer_contacts"
	StatPortalVideoAppointments = "portal_video_appointments"
	StatFeedbackAnswers         = "feedback_answers"
	StatHomeCareClients         = "home_care_clients"
	StatHomeCareClientsRemote   = "home_care_clients_remote"
	StatServiceNeedAssessments  = "service_need_assessments"
	// StatOtherVisits counts the completed appointments of services that
	// no reference statistic covers.
	StatOtherVisits = "other_visits"
)

// Statistics is the table of every statistic: the 24 service_volumes lines of
// reference/helsinki-2024.json in the file's order, then sotepe's own.
// Callers must not modify it.
var Statistics = []Statistic{
	{"health_station_nurse_visits", MeasureVisit, areaHealthSubstance, GroupHealthStationsDental, true},
	{"health_station_doctor_visits", MeasureVisit, areaHealthSubstance, GroupHealthStationsDental, true},
	{"dental_visits", MeasureVisit, areaHealthSubstance, GroupHealthStationsDental, true},
	{"maternity_child_clinic_visits", MeasureVisit, areaFamilySocial, GroupChildSchoolHealth, true},
	{"maternity_child_clinic_e_contacts", MeasureEContact, areaFamilySocial, GroupChildSchoolHealth, true},
	{"school_health_visits", MeasureVisit, areaFamilySocial, GroupChildSchoolHealth, true},
	{"student_health_visits", MeasureVisit, areaFamilySocial, GroupChildSchoolHealth, true},
	{"psychiatric_outpatient_visits", MeasureVisit, areaHealthSubstance, GroupMentalHealthSubstance, true},
	{"psychiatric_ward_days", MeasureCareDay, areaHealthSubstance, GroupMentalHealthSubstance, true},
	{"substance_abuse_clinic_visits", MeasureVisit, areaHealthSubstance, GroupMentalHealthSubstance, true},
	{"substance_abuse_institution_days", MeasureCareDay, areaHealthSubstance, GroupMentalHealthSubstance, true},
	{"mental_health_housing_days", MeasureCareDay, areaHealthSubstance, GroupMentalHealthSubstance, true},
	{"homeless_housing_days", MeasureCareDay, areaHealthSubstance, GroupMentalHealthSubstance, true},
	{"fire_rescue_missions", MeasureMission, areaRescue, GroupRescue, true},
	{"prehospital_emergency_runs", MeasureMission, areaRescue, GroupRescue, true},
	{"accident_prevention_inspections", MeasureInspection, areaRescue, GroupRescue, true},
	{StatServiceNeedAssessments, MeasureAssessment, areaHospitalCare, GroupOlderPeopleHospital, true},
	{"home_care_visits", MeasureVisit, areaHospitalCare, GroupOlderPeopleHospital, true},
	{"elderly_long_term_care_days", MeasureCareDay, areaHospitalCare, GroupOlderPeopleHospital, true},
	{"somatic_hospital_discharges", MeasureCarePeriod, areaHospitalCare, GroupOlderPeopleHospital, true},
	{"children_placed_outside_home", MeasureClient, areaFamilySocial, GroupChildProtectionSocial, true},
	{"adult_social_work_clients", MeasureClient, areaFamilySocial, GroupChildProtectionSocial, true},
	{"disability_24h_housing_days", MeasureCareDay, areaFamilySocial, GroupChildProtectionSocial, true},
	{"disability_service_clients", MeasureClient, areaFamilySocial, GroupChildProtectionSocial, true},

	{StatContactRequestsAnswered, MeasureEContact, "", GroupEServices, false},
	{StatSymptomAssessments, MeasureAssessment, "", GroupEServices, false},
	{StatChatContacts, MeasureEContact, "", GroupEServices, false},
	{StatPortalCustomerContacts, MeasureEContact, "", GroupEServices, false},
	{StatPortalVideoAppointments, MeasureVisit, "", GroupEServices, false},
	{StatFeedbackAnswers, MeasureAnswer, "", GroupFeedback, false},
	{StatHomeCareClients, MeasureClient, areaHospitalCare, GroupOlderPeopleHospital, false},
	{StatHomeCareClientsRemote, MeasureClient, areaHospitalCare, GroupOlderPeopleHospital, false},
	{StatOtherVisits, MeasureVisit, "", GroupOtherServices, false},
}

// StatisticByKey returns the statistic of key, and false when there is none.
func StatisticByKey(key string) (Statistic, bool) {
	for _, s := range Statistics {
		if s.Key == key {
			return s, true
		}
	}
	return Statistic{}, false
}

// ServiceStatistics maps the demo network's service ids to the statistic a
// completed appointment of the service counts as. Services not in the table
// count as StatOtherVisits. Callers must not modify it.
var ServiceStatistics = map[string]string{
	"health-station-nurse":    "health_station_nurse_visits",
	"doctor-appointment":      "health_station_doctor_visits",
	"diabetes-care":           "health_station_nurse_visits",
	"dental-care":             "dental_visits",
	"maternity-child-clinic":  "maternity_child_clinic_visits",
	"school-student-health":   "school_health_visits",
	"psychiatric-outpatient":  "psychiatric_outpatient_visits",
	"mental-health-walk-in":   "psychiatric_outpatient_visits",
	"substance-abuse":         "substance_abuse_clinic_visits",
	"home-care":               "home_care_visits",
	"service-need-assessment": StatServiceNeedAssessments,
}

// ServiceStatistic returns the statistic a completed appointment of the
// service counts as.
func ServiceStatistic(serviceID string) string {
	if s, ok := ServiceStatistics[serviceID]; ok {
		return s
	}
	return StatOtherVisits
}

// Sources of the events sotepe's own flows record; the external id is the
// row id of the act.
const (
	SourceAppointment    = "sotepe.appointment"
	SourceContactRequest = "sotepe.contact_request"
	SourceAssessment     = "sotepe.assessment"
	SourceFeedback       = "sotepe.feedback"
	SourceChat           = "sotepe.chat"
	// SourceVideo is the source of a held video call's count
	// (StatPortalVideoAppointments); the external id is the appointment's.
	SourceVideo = "sotepe.video"
	// SourceYear is the source of the events `sotepe generate --year` writes.
	SourceYear = "sotepe.generate"
)

// AgeBands lists the optional age bands of events ("" is none).
var AgeBands = []string{"", "0-6", "7-17", "18-29", "30-64", "65-74", "75+"}

// EventLangs lists the optional languages of events ("" is none, "other" any
// other than Finnish, Swedish or English).
var EventLangs = []string{"", "fi", "sv", "en", "other"}

// Limits of service events.
const (
	MaxEventSource     = 100
	MaxEventExternalID = 200
	MaxEventCount      = 1_000_000_000
	// MaxEventBatch is the most events one AddEvents call or one API
	// request takes.
	MaxEventBatch = 10_000
)

// ServiceEvent is one counted act (or Count acts of the same kind on one
// day): a visit, care day, electronic contact, mission, inspection,
// assessment, client or care period, at a unit, of a statistic, produced by
// a producer, in a mode, with an optional age band and language. Source and
// ExternalID identify it: a source sends the same act only once. It holds no
// personal identifiers. An empty ProducerID means the unit's producer.
type ServiceEvent struct {
	Source     string    `json:"source"`
	ExternalID string    `json:"external_id"`
	Day        string    `json:"day"`
	UnitID     string    `json:"unit"`
	Statistic  string    `json:"statistic"`
	ProducerID string    `json:"producer,omitempty"`
	Mode       EventMode `json:"mode"`
	AgeBand    string    `json:"age_band,omitempty"`
	Lang       string    `json:"lang,omitempty"`
	Count      int       `json:"count"`
}

// Validate checks the parts of an event that need no look-up, each an
// EInvalid *Error: a source and external id of 1–100 and 1–200 characters
// ("error.event_source", "error.event_external_id"), Day a real date
// YYYY-MM-DD ("error.event_day"), a unit id ("error.event_unit"), a known
// statistic ("error.event_statistic"), a known mode ("error.event_mode"), a
// producer id when one is named ("error.event_producer"), a known age band
// ("error.event_age_band") and language ("error.event_lang"), and a count of
// 1 to MaxEventCount ("error.event_count").
func (e ServiceEvent) Validate() error {
	switch {
	case e.Source == "" || len(e.Source) > MaxEventSource:
		return Invalid("error.event_source", "source must be 1–100 characters")
	case e.ExternalID == "" || len(e.ExternalID) > MaxEventExternalID:
		return Invalid("error.event_external_id", "external id must be 1–200 characters")
	case !validDay(e.Day):
		return Invalid("error.event_day", "day must be a date YYYY-MM-DD")
	case !ValidID(e.UnitID):
		return Invalid("error.event_unit", "a unit id is required")
	case !knownStatistic(e.Statistic):
		return Invalid("error.event_statistic", "unknown statistic")
	case !e.Mode.Valid():
		return Invalid("error.event_mode", "unknown mode")
	case e.ProducerID != "" && !ValidID(e.ProducerID):
		return Invalid("error.event_producer", "bad producer id")
	case !slices.Contains(AgeBands, e.AgeBand):
		return Invalid("error.event_age_band", "unknown age band")
	case !slices.Contains(EventLangs, e.Lang):
		return Invalid("error.event_lang", "unknown language")
	case e.Count < 1 || e.Count > MaxEventCount:
		return Invalid("error.event_count", "count must be at least 1")
	}
	return nil
}

func knownStatistic(key string) bool {
	_, ok := StatisticByKey(key)
	return ok
}

// validDay reports whether s is a real calendar date written YYYY-MM-DD.
func validDay(s string) bool {
	if len(s) != len(time.DateOnly) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// EventResult tells what became of a batch of events: how many were added
// and how many the store had already (the same source and external id),
// which are not errors.
type EventResult struct {
	Added      int `json:"added"`
	Duplicates int `json:"duplicates"`
}

// IntegrationClient is another system (a patient record, rescue dispatch)
// allowed to call the API with a bearer token. Only the token's SHA-256 is
// kept; Token is set only when the client is created. Its Name is the source
// of the events it sends.
type IntegrationClient struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes"`
	Token     string     `json:"token,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// ScopeEventsWrite lets an integration client send service events.
const ScopeEventsWrite = "events:write"

// Audit actions of integration clients: an admin creates or revokes one.
const (
	ActionIntegrationCreate = "integration.create"
	ActionIntegrationRevoke = "integration.revoke"
)

// SMART-style system scopes of the FHIR R4 API (package fhir): each lets a
// client read one kind of the public directory and free times.
const (
	ScopeFHIROrganizationRead      = "system/Organization.read"
	ScopeFHIRLocationRead          = "system/Location.read"
	ScopeFHIRHealthcareServiceRead = "system/HealthcareService.read"
	ScopeFHIRScheduleRead          = "system/Schedule.read"
	ScopeFHIRSlotRead              = "system/Slot.read"
	// ScopeFHIRPractitionerRead lets a client read Practitioner and
	// PractitionerRole: staff's names and units, which are not public.
	ScopeFHIRPractitionerRead = "system/Practitioner.read"
)

// Scopes lists every scope an integration client may hold.
var Scopes = []string{ScopeEventsWrite, ScopeFHIROrganizationRead, ScopeFHIRLocationRead,
	ScopeFHIRHealthcareServiceRead, ScopeFHIRScheduleRead, ScopeFHIRSlotRead, ScopeFHIRPractitionerRead,
	ScopeFHIRAppointmentRead, ScopeFHIRAppointmentWrite}

// HasScope reports whether c holds scope.
func (c IntegrationClient) HasScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

// Events is the store of service events and the figures beside them.
type Events interface {
	// AddEvents stores a batch of at most MaxEventBatch events whole, in
	// one transaction with the daily aggregates, or nothing: an event the
	// store already has (the same source and external id) counts as a
	// duplicate. An invalid event, or one naming an unknown unit or
	// producer, is an EInvalid *Error whose Args hold "Index", the
	// event's position in the batch.
	AddEvents(ctx context.Context, events []ServiceEvent) (EventResult, error)
}

// IntegrationClients is the store of API clients and their tokens.
type IntegrationClients interface {
	// CreateIntegrationClient creates a client with the scopes and returns
	// it with its token, shown this once. A name in use is EConflict; a bad
	// name or an unknown scope is EInvalid.
	CreateIntegrationClient(ctx context.Context, name string, scopes []string, at time.Time) (IntegrationClient, error)
	// IntegrationClientByToken returns the client that holds token. A
	// token unknown or revoked is EUnauthorized.
	IntegrationClientByToken(ctx context.Context, token string) (IntegrationClient, error)
	// RevokeIntegrationClient revokes the client of name; its token stops
	// working at once. An unknown name is ENotFound.
	RevokeIntegrationClient(ctx context.Context, name string, at time.Time) error
}
