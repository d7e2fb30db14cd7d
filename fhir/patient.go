package fhir

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// A Patient is a resident: the signed-in resident reads their own (any
// other id is 404, as missing), staff read one on a basis (?basis=…), which
// the resident service audits; no system reads patients.
var patientType = resourceType{name: "Patient",
	read: (*Handler).readPatient, search: (*Handler).searchPatients,
	params: map[string]bool{"_id": true, "identifier": true, "basis": true}}

// isResident reports whether u is signed in as a resident (or acting for
// one).
func isResident(u sotepe.User) bool { return u.Has(sotepe.RoleResident) && u.ResidentID != 0 }

// The Finnish base profiles' (hl7.fi 2.0.0) extension of a Patient's home
// municipality, and the municipality code system (Kuntakoodisto) its
// Coding is in.
const (
	municipalityExtension = "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/municipality-code"
	municipalitySystem    = "urn:oid:1.2.246.537.6.21.2003"
)

// patient maps a resident with the home municipality the population
// register tells (patientResource), leaving it out when the register does
// not know it, does not answer (logged) or the address is protected
// (turvakielto: the profiles protect the municipality with the address).
// sotepe keeps no home address, so there is none to hide.
func (h *Handler) patient(q *request, r sotepe.Resident) resource {
	if h.cfg.Population == nil {
		return patientResource(r, "")
	}
	home, err := h.cfg.Population.Home(q.ctx, r.PersonalID)
	if err != nil {
		if h.cfg.Logger != nil {
			h.cfg.Logger.WarnContext(q.ctx, "fhir: the population register did not tell a home", "code", sotepe.ErrorCode(err))
		}
		return patientResource(r, "")
	}
	if home.Protected {
		return patientResource(r, "")
	}
	return patientResource(r, home.Municipality)
}

// patientResource maps a resident: the personal identity code
// (urn:oid:1.2.246.21), names, date of birth and sex read from the code,
// contact details, language and, when not empty, the home municipality's
// code as the Finnish base profiles' extension.
func patientResource(r sotepe.Resident, municipality string) resource {
	id := strconv.FormatInt(r.ID, 10)
	p := fhir.Patient{Id: ptr(id), Active: ptr(true),
		Identifier: []fhir.Identifier{{Use: ptr(fhir.IdentifierUseOfficial), System: ptr(personalIDSystem), Value: ptr(r.PersonalID)}},
		Name: []fhir.HumanName{{Use: ptr(fhir.NameUseOfficial), Family: ptr(r.LastName),
			Given: strings.Fields(r.FirstName), Text: ptr(r.FullName())}},
	}
	if birth, err := sotepe.ParsePersonalID(r.PersonalID); err == nil {
		p.BirthDate = ptr(birth.Format(time.DateOnly))
		// The individual number is odd for men and even for women.
		if n, err := strconv.Atoi(r.PersonalID[7:10]); err == nil {
			g := fhir.AdministrativeGenderFemale
			if n%2 == 1 {
				g = fhir.AdministrativeGenderMale
			}
			p.Gender = &g
		}
	}
	if r.Phone != "" {
		p.Telecom = append(p.Telecom, fhir.ContactPoint{System: ptr(fhir.ContactPointSystemPhone), Value: ptr(r.Phone)})
	}
	if r.Email != "" {
		p.Telecom = append(p.Telecom, fhir.ContactPoint{System: ptr(fhir.ContactPointSystemEmail), Value: ptr(r.Email)})
	}
	if r.Lang != "" {
		p.Communication = []fhir.PatientCommunication{{Preferred: ptr(true),
			Language: fhir.CodeableConcept{Coding: []fhir.Coding{coding("urn:ietf:bcp:47", string(r.Lang), "")}}}}
	}
	if municipality != "" {
		p.Extension = append(p.Extension, fhir.Extension{Url: municipalityExtension,
			ValueCoding: &fhir.Coding{System: ptr(municipalitySystem), Code: ptr(municipality)}})
	}
	return resource{typ: "Patient", id: id, v: p, private: true}
}

func (h *Handler) readPatient(q *request, id string) (resource, error) {
	u, err := h.person(q)
	if err != nil {
		return resource{}, err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return resource{}, notFound("patient")
	}
	if isResident(u) {
		if n != u.ResidentID {
			return resource{}, notFound("patient")
		}
		r, err := h.cfg.Residents.Own(q.ctx, u)
		if err != nil {
			return resource{}, err
		}
		return h.patient(q, r), nil
	}
	r, err := h.cfg.Residents.Read(q.ctx, u, n, sotepe.Basis(q.r.URL.Query().Get("basis")))
	if err != nil {
		return resource{}, err
	}
	return h.patient(q, r), nil
}

// searchPatients gives a resident themselves (narrowed by _id), and staff
// the resident with a personal identity code (identifier, with a basis),
// audited. The code is personal data, so staff send it only in a form body
// (POST Patient/_search), never in a URL that logs and proxies keep.
func (h *Handler) searchPatients(q *request, p searchParams) (searchResult, error) {
	u, err := h.person(q)
	if err != nil {
		return searchResult{}, err
	}
	if isResident(u) {
		if len(p.Values["identifier"]) > 0 || len(p.Values["basis"]) > 0 {
			return searchResult{}, errParam("identifier")
		}
		if id, err := p.one("_id"); err != nil {
			return searchResult{}, err
		} else if id != "" && id != strconv.FormatInt(u.ResidentID, 10) || p.page.Cursor != "" {
			return searchResult{}, nil
		}
		r, err := h.cfg.Residents.Own(q.ctx, u)
		if err != nil {
			return searchResult{}, err
		}
		return searchResult{matches: []resource{h.patient(q, r)}}, nil
	}
	v, err := p.one("identifier")
	if err != nil {
		return searchResult{}, err
	}
	if v == "" || q.r.Method != http.MethodPost || q.r.URL.Query().Has("identifier") {
		return searchResult{}, sotepe.Invalid("error.fhir_patient_search", "search patients by identifier in a POST body")
	}
	code, err := tokenValue("identifier", v, personalIDSystem)
	if err != nil {
		return searchResult{}, err
	}
	basis, err := p.one("basis")
	if err != nil {
		return searchResult{}, err
	}
	r, err := h.cfg.Residents.Find(q.ctx, u, code, sotepe.Basis(basis))
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return searchResult{}, nil
	}
	if err != nil {
		return searchResult{}, err
	}
	return searchResult{matches: []resource{h.patient(q, r)}}, nil
}
