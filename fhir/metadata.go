package fhir

import (
	"net/http"
	"sort"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"
)

// capabilityDate is the date of the CapabilityStatement: change it when
// what the API supports changes.
const capabilityDate = "2026-12-07"

// searchParam is one search parameter as the CapabilityStatement lists it.
type searchParam struct {
	name string
	typ  fhir.SearchParamType
	doc  string
}

// searchDocs are the types' search parameters, with their FHIR types and
// what they match here: the same names as the routing table's params.
var searchDocs = map[string][]searchParam{
	"Organization": {
		{"_id", fhir.SearchParamTypeToken, "the producer's id"},
		{"name", fhir.SearchParamTypeString, "a part of the name in any language, accents ignored"},
		{"type", fhir.SearchParamTypeToken, "own, contract or voucher (" + producerKindSystem + ")"},
	},
	"Location": {
		{"_id", fhir.SearchParamTypeToken, "the unit's id"},
		{"name", fhir.SearchParamTypeString, "a part of the names, district or street in any language"},
		{"address", fhir.SearchParamTypeString, "as name"},
		{"organization", fhir.SearchParamTypeReference, "the producer"},
		{"type", fhir.SearchParamTypeToken, "the unit's kind (" + unitKindSystem + ")"},
	},
	"HealthcareService": {
		{"_id", fhir.SearchParamTypeToken, "the service's id"},
		{"service-category", fhir.SearchParamTypeToken, "the service area (" + areaSystem + ")"},
		{"location", fhir.SearchParamTypeReference, "a unit offering the service"},
	},
	"Schedule": {
		{"_id", fhir.SearchParamTypeToken, "the unit's id, a dot and the service's id"},
		{"actor", fhir.SearchParamTypeReference, "a Location (unit) or HealthcareService"},
		{"service-type", fhir.SearchParamTypeToken, "the service (" + serviceSystem + ")"},
		{"active", fhir.SearchParamTypeToken, "true: every schedule"},
	},
	"Slot": {
		{"_id", fhir.SearchParamTypeToken, "the slot's id"},
		{"service-type", fhir.SearchParamTypeToken, "the service (" + serviceSystem + "); it, schedule or a HealthcareService as schedule.actor is required"},
		{"schedule", fhir.SearchParamTypeReference, "one unit's schedule of a service"},
		{"schedule.actor", fhir.SearchParamTypeReference, "Locations (units) and the HealthcareService"},
		{"status", fhir.SearchParamTypeToken, "free: only free slots are searched"},
		{"start", fhir.SearchParamTypeDate, "ge, gt, le, lt, eq; dates in Europe/Helsinki; at most 92 days from the first"},
	},
	"Appointment": {
		{"patient", fhir.SearchParamTypeReference, "a resident's own Patient"},
		{"status", fhir.SearchParamTypeToken, "booked, cancelled, arrived, fulfilled, noshow"},
		{"date", fhir.SearchParamTypeDate, "the start"},
	},
	"Practitioner": {
		{"_id", fhir.SearchParamTypeToken, "the staff member's id"},
		{"name", fhir.SearchParamTypeString, "a part of the name, accents ignored"},
	},
	"PractitionerRole": {
		{"_id", fhir.SearchParamTypeToken, "the staff member's id, a dot and the unit's id"},
		{"location", fhir.SearchParamTypeReference, "the unit"},
		{"practitioner", fhir.SearchParamTypeReference, "the staff member"},
	},
	"Patient": {
		{"_id", fhir.SearchParamTypeToken, "a resident's own id"},
		{"identifier", fhir.SearchParamTypeToken, personalIDSystem + "|code, for staff in a POST _search body with basis"},
		{"basis", fhir.SearchParamTypeToken, "the basis of a staff read: care_relationship, client_request, phone_request, statutory_task"},
	},
}

// resourceDocs say who may read each type.
var resourceDocs = map[string]string{
	"Organization":          "Producers of the services (the city, contract partners, service-voucher producers). Public; systems need system/Organization.read.",
	"Location":              "Units with address, position, phone and opening hours. Public; systems need system/Location.read.",
	"HealthcareService":     "Services with the units offering them. Public; systems need system/HealthcareService.read.",
	"Schedule":              "A service as one unit offers it for booking (actors: the Location and the HealthcareService). Public; systems need system/Schedule.read.",
	"Slot":                  "Free times, searched through the portal's free-time search. Public; systems need system/Slot.read.",
	"Appointment":           "A signed-in resident's own appointments (also by access token with patient scopes), staff their units' (audited), an integration client those it booked (system/Appointment.read, audited). Create books a free slot for the resident, or with system/Appointment.write for the resident a Patient participant names by identifier; update (PUT) and patch (JSON Patch) only cancel, within the service's cancellation limit.",
	"Practitioner":          "Professionals and managers of the units: the name only. Signed-in people; systems need system/Practitioner.read.",
	"PractitionerRole":      "Who works at which unit (Location, Organization, role in urn:sotepe:role). Signed-in people; systems need system/Practitioner.read.",
	"QuestionnaireResponse": "An assessment handed over as a contact request, with the request's id: the questions in the caller's language and the answers. The resident who handed it over, and staff who may see the request (audited); read only.",
	"Patient":               "The signed-in resident themselves; staff on a basis (?basis=…), audited. Identifier system " + personalIDSystem + "; the home municipality from the population register as the extension " + municipalityExtension + " (left out under address protection).",
}

// securityText is the CapabilityStatement's description of who may call.
const securityText = "Residents and staff through their sotepe session. " +
	"Residents also with an access token (RFC 9068 JWT, typ at+jwt) of the OpenID provider they sign in with, issued for this server's base URL as its audience, " +
	"limited by SMART patient scopes: patient/Appointment.rs (or .read) to read and search their own appointments, patient/Appointment.cud (or .write) to book and cancel them, " +
	"patient/Patient.read, patient/Slot.read (also for $find), and the type's read scope for any other type; a bad token is 401 (invalid_token), a missing scope 403 (insufficient_scope). " +
	"Systems with an integration client's bearer token holding SMART-style system scopes: system/Slot.read, system/Schedule.read, system/Location.read, system/HealthcareService.read and system/Organization.read for the public resources, " +
	"system/Practitioner.read for staff's names, system/Appointment.write to book ($book or create, naming the resident by the identifier " + personalIDSystem + "|code) and cancel, " +
	"and system/Appointment.read to read the appointments the client booked; every booking, cancellation and read of a system is audited with the client as the actor. " +
	"Patients and assessment hand-overs are never open to systems."

// metadata answers the CapabilityStatement.
func (h *Handler) metadata(w http.ResponseWriter, q *request) error {
	rest := fhir.CapabilityStatementRest{Mode: fhir.RestfulCapabilityModeServer,
		Documentation: ptr("sotepe's service network and appointments. Errors are OperationOutcomes in the caller's language (?lang=fi|sv|en, the session's, or Accept-Language)."),
		Security: &fhir.CapabilityStatementRestSecurity{Cors: ptr(false),
			Service:     []fhir.CodeableConcept{{Coding: []fhir.Coding{coding("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")}}},
			Description: ptr(securityText)},
	}
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := types[n]
		if !h.serves(t) {
			continue
		}
		r := fhir.CapabilityStatementRestResource{Documentation: ptr(resourceDocs[n]),
			Versioning:      ptr(fhir.ResourceVersionPolicyVersioned),
			Interaction:     []fhir.CapabilityStatementRestResourceInteraction{{Code: fhir.TypeRestfulInteractionRead}},
			ConditionalRead: ptr(fhir.ConditionalReadStatusNotMatch)}
		if !t.readOnly {
			r.Interaction = append(r.Interaction, fhir.CapabilityStatementRestResourceInteraction{Code: fhir.TypeRestfulInteractionSearchType})
		}
		if err := r.Type.UnmarshalJSON([]byte(`"` + n + `"`)); err != nil {
			return err
		}
		if t.create != nil {
			r.Interaction = append(r.Interaction, fhir.CapabilityStatementRestResourceInteraction{Code: fhir.TypeRestfulInteractionCreate})
		}
		if t.update != nil {
			r.Interaction = append(r.Interaction, fhir.CapabilityStatementRestResourceInteraction{Code: fhir.TypeRestfulInteractionUpdate,
				Documentation: ptr("status to cancelled only; If-Match checks the version")})
			r.Versioning = ptr(fhir.ResourceVersionPolicyVersionedUpdate)
		}
		if t.patch != nil {
			r.Interaction = append(r.Interaction, fhir.CapabilityStatementRestResourceInteraction{Code: fhir.TypeRestfulInteractionPatch,
				Documentation: ptr("JSON Patch replacing /status with cancelled")})
		}
		for _, p := range searchDocs[n] {
			r.SearchParam = append(r.SearchParam, fhir.CapabilityStatementRestResourceSearchParam{Name: p.name, Type: p.typ, Documentation: ptr(p.doc)})
		}
		if n == "Slot" {
			r.SearchInclude = []string{"Slot:schedule"}
		}
		if n == "Appointment" {
			r.Operation = []fhir.CapabilityStatementRestResourceOperation{
				{Name: "find", Definition: findDefinition, Documentation: ptr("IHE ITI-115: free slots as proposed Appointments; start, end, service-type (required), location")},
				{Name: "book", Definition: bookDefinition, Documentation: ptr("IHE ITI-117: appointment-resource, a proposed Appointment naming its slot; a system names the resident in patient, an Identifier " + personalIDSystem + "|code; Idempotency-Key makes a retry safe; status cancelled with an id cancels")},
			}
		}
		rest.Resource = append(rest.Resource, r)
	}
	cs := fhir.CapabilityStatement{Status: fhir.PublicationStatusActive, Date: capabilityDate,
		Name: ptr("SotepeFHIR"), Title: ptr("sotepe FHIR R4 API"), Publisher: ptr("sotepe"),
		Kind:           fhir.CapabilityStatementKindInstance,
		Software:       &fhir.CapabilityStatementSoftware{Name: "sotepe"},
		Implementation: &fhir.CapabilityStatementImplementation{Description: "sotepe", Url: ptr(q.base)},
		FhirVersion:    fhir.FHIRVersion4_0_1,
		Format:         []string{"application/fhir+json", "json"},
		PatchFormat:    []string{"application/json-patch+json"},
		Rest:           []fhir.CapabilityStatementRest{rest},
	}
	return h.sendResource(w, q, http.StatusOK, resource{typ: "CapabilityStatement", v: cs})
}
