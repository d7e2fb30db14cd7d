package fhir

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// The code systems and extensions of sotepe's own codes. They are URNs,
// not addresses: nothing is served at them.
const (
	serviceSystem      = "urn:sotepe:service"
	unitKindSystem     = "urn:sotepe:unit-kind"
	producerKindSystem = "urn:sotepe:producer-kind"
	areaSystem         = "urn:sotepe:area"
	modeExtension      = "urn:sotepe:extension:appointment-mode"
	// personalIDSystem is the Finnish personal identity code (henkilötunnus)
	// as the Finnish base profiles name it.
	personalIDSystem = "urn:oid:1.2.246.21"
)

// The directory's types: public, read by anyone, and by systems holding
// the type's scope.
var (
	organizationType = resourceType{name: "Organization", scope: sotepe.ScopeFHIROrganizationRead,
		read: (*Handler).readOrganization, search: (*Handler).searchOrganizations,
		params: map[string]bool{"_id": true, "name": true, "type": true}}
	locationType = resourceType{name: "Location", scope: sotepe.ScopeFHIRLocationRead,
		read: (*Handler).readLocation, search: (*Handler).searchLocations,
		params: map[string]bool{"_id": true, "name": true, "address": true, "organization": true, "type": true}}
	healthcareServiceType = resourceType{name: "HealthcareService", scope: sotepe.ScopeFHIRHealthcareServiceRead,
		read: (*Handler).readHealthcareService, search: (*Handler).searchHealthcareServices,
		params: map[string]bool{"_id": true, "service-category": true, "location": true}}
)

// names splits trilingual names into FHIR's one name (Finnish, the
// fallback language) and aliases (Swedish and English, when they differ).
func names(n sotepe.Names) (*string, []string) {
	var alias []string
	for _, a := range []string{n.Sv, n.En} {
		if a != "" && a != n.Fi && !containsString(alias, a) {
			alias = append(alias, a)
		}
	}
	return ptr(n.Fi), alias
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func coding(system, code, display string) fhir.Coding {
	c := fhir.Coding{System: ptr(system), Code: ptr(code)}
	if display != "" {
		c.Display = ptr(display)
	}
	return c
}

func reference(typ, id string) *fhir.Reference {
	return &fhir.Reference{Reference: ptr(typ + "/" + id)}
}

// serviceConcept is a service as a CodeableConcept: its id in sotepe's
// service system, its Finnish name as display.
func serviceConcept(s sotepe.Service) fhir.CodeableConcept {
	return fhir.CodeableConcept{Coding: []fhir.Coding{coding(serviceSystem, s.ID, s.Names.Fi)}, Text: ptr(s.Names.Fi)}
}

// organization maps a producer.
func organization(p sotepe.Producer) resource {
	name, alias := names(p.Names)
	o := fhir.Organization{Id: ptr(p.ID), Active: ptr(true), Name: name, Alias: alias,
		Type: []fhir.CodeableConcept{{Coding: []fhir.Coding{coding(producerKindSystem, string(p.Kind), "")}}}}
	return resource{typ: "Organization", id: p.ID, v: o}
}

func (h *Handler) readOrganization(q *request, id string) (resource, error) {
	ps, err := h.cfg.Directory.Producers(q.ctx)
	if err != nil {
		return resource{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			return organization(p), nil
		}
	}
	return resource{}, notFound("organization")
}

// searchOrganizations filters the producers by id, kind and a part of a
// name in any language.
func (h *Handler) searchOrganizations(q *request, p searchParams) (searchResult, error) {
	id, err := p.one("_id")
	if err != nil {
		return searchResult{}, err
	}
	name, err := p.one("name")
	if err != nil {
		return searchResult{}, err
	}
	kind, err := p.token("type", producerKindSystem)
	if err != nil {
		return searchResult{}, err
	}
	ps, err := h.cfg.Directory.Producers(q.ctx)
	if err != nil {
		return searchResult{}, err
	}
	name = sotepe.FoldText(name)
	var out []sotepe.Producer
	for _, pr := range ps {
		if id != "" && pr.ID != id || kind != "" && string(pr.Kind) != kind ||
			name != "" && !strings.Contains(sotepe.FoldText(pr.Names.Fi+" | "+pr.Names.Sv+" | "+pr.Names.En), name) {
			continue
		}
		out = append(out, pr)
	}
	return offsetResult(out, p.page, organization)
}

// location maps a unit: its address, position, phone, kind, producer and
// opening hours.
func location(u sotepe.Unit) resource {
	name, alias := names(u.Names)
	kind, _ := sotepe.UnitKindNames(u.Kind)
	l := fhir.Location{Id: ptr(u.ID), Status: ptr(fhir.LocationStatusActive), Mode: ptr(fhir.LocationModeInstance),
		Name: name, Alias: alias,
		Type:                 []fhir.CodeableConcept{{Coding: []fhir.Coding{coding(unitKindSystem, u.Kind, kind.Fi)}}},
		ManagingOrganization: reference("Organization", u.ProducerID),
		Position: &fhir.LocationPosition{Longitude: json.Number(strconv.FormatFloat(u.Location.Lon, 'f', -1, 64)),
			Latitude: json.Number(strconv.FormatFloat(u.Location.Lat, 'f', -1, 64))},
		HoursOfOperation: hoursOfOperation(u.Hours),
	}
	if u.Address.Street.Fi != "" || u.Address.PostalCode != "" {
		a := &fhir.Address{Use: ptr(fhir.AddressUseWork), Type: ptr(fhir.AddressTypePhysical), Country: ptr("FI")}
		if u.Address.Street.Fi != "" {
			a.Line = []string{u.Address.Street.Fi}
		}
		if u.Address.PostalCode != "" {
			a.PostalCode = ptr(u.Address.PostalCode)
		}
		if u.Address.City.Fi != "" {
			a.City = ptr(u.Address.City.Fi)
		}
		l.Address = a
	}
	if u.Phone != "" {
		l.Telecom = []fhir.ContactPoint{{System: ptr(fhir.ContactPointSystemPhone), Value: ptr(u.Phone), Use: ptr(fhir.ContactPointUseWork)}}
	}
	if ex := exceptionsText(u.Hours.Exceptions); ex != "" {
		l.AvailabilityExceptions = &ex
	}
	return resource{typ: "Location", id: u.ID, v: l}
}

// fhirDays are FHIR's days of the week in ISO order (1 Monday … 7 Sunday).
var fhirDays = [8]fhir.DaysOfWeek{0, fhir.DaysOfWeekMon, fhir.DaysOfWeekTue, fhir.DaysOfWeekWed,
	fhir.DaysOfWeekThu, fhir.DaysOfWeekFri, fhir.DaysOfWeekSat, fhir.DaysOfWeekSun}

// hoursOfOperation writes the regular hours, one entry per interval with
// the days that keep it. A unit open around the clock is allDay every
// day; 24:00 (which FHIR's time cannot say) closes at 23:59:59.
func hoursOfOperation(h sotepe.OpeningHours) []fhir.LocationHoursOfOperation {
	if h.AlwaysOpen {
		return []fhir.LocationHoursOfOperation{{DaysOfWeek: fhirDays[1:], AllDay: ptr(true)}}
	}
	var out []fhir.LocationHoursOfOperation
	index := map[[2]string]int{}
	for _, d := range h.Regular {
		if d.Weekday < 1 || d.Weekday > 7 {
			continue
		}
		key := [2]string{d.Open, d.Close}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			e := fhir.LocationHoursOfOperation{}
			if d.Open == "00:00" && d.Close == "24:00" {
				e.AllDay = ptr(true)
			} else {
				e.OpeningTime, e.ClosingTime = ptr(clockTime(d.Open)), ptr(clockTime(d.Close))
			}
			out = append(out, e)
		}
		if !containsDay(out[i].DaysOfWeek, fhirDays[d.Weekday]) {
			out[i].DaysOfWeek = append(out[i].DaysOfWeek, fhirDays[d.Weekday])
		}
	}
	return out
}

func containsDay(days []fhir.DaysOfWeek, d fhir.DaysOfWeek) bool {
	for _, x := range days {
		if x == d {
			return true
		}
	}
	return false
}

// clockTime writes "HH:MM" as FHIR's time.
func clockTime(s string) string {
	if s == "24:00" {
		return "23:59:59"
	}
	return s + ":00"
}

// exceptionsText tells the dates the regular hours do not hold, in the
// three languages, as Location.availabilityExceptions is one text.
func exceptionsText(ex []sotepe.HoursException) string {
	var parts []string
	for _, e := range ex {
		when := "suljettu / stängt / closed"
		if e.Open != "" {
			when = e.Open + "–" + e.Close
		}
		s := e.Date + " " + when
		if e.Note.Fi != "" {
			s += fmt.Sprintf(" (%s)", strings.Join(distinct(e.Note.Fi, e.Note.Sv, e.Note.En), " / "))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func distinct(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !containsString(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (h *Handler) readLocation(q *request, id string) (resource, error) {
	u, err := h.cfg.Directory.Unit(q.ctx, id)
	if err != nil {
		return resource{}, err
	}
	return location(u), nil
}

// searchLocations searches the units as the directory does: name or
// address (a part of the names, district or street, in any language),
// organization (the producer) and type (the kind), ordered by Finnish
// name.
func (h *Handler) searchLocations(q *request, p searchParams) (searchResult, error) {
	if id, err := p.one("_id"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		return h.searchByID(q, id, p, h.readLocation)
	}
	f := sotepe.UnitFilter{SortLang: sotepe.Finnish, Page: p.page}
	var err error
	name, err := p.one("name")
	if err != nil {
		return searchResult{}, err
	}
	address, err := p.one("address")
	if err != nil {
		return searchResult{}, err
	}
	if name != "" && address != "" {
		return searchResult{}, errParamValue("address")
	}
	f.Query = name + address
	if f.Producer, err = p.ref("organization", "Organization"); err != nil {
		return searchResult{}, err
	}
	if f.Kind, err = p.token("type", unitKindSystem); err != nil {
		return searchResult{}, err
	}
	page, err := h.cfg.Directory.Units(q.ctx, f)
	if err != nil {
		return searchResult{}, err
	}
	res := searchResult{next: page.NextCursor}
	for _, u := range page.Items {
		res.matches = append(res.matches, location(u))
	}
	return res, nil
}

// searchByID answers a search by _id: the one resource, or none.
func (h *Handler) searchByID(q *request, id string, p searchParams, read func(*request, string) (resource, error)) (searchResult, error) {
	if p.page.Cursor != "" {
		return searchResult{}, nil
	}
	r, err := read(q, id)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return searchResult{}, nil
	}
	if err != nil {
		return searchResult{}, err
	}
	return searchResult{matches: []resource{r}}, nil
}

// healthcareService maps a service with the units that offer it.
func (h *Handler) healthcareService(q *request, s sotepe.Service) (resource, error) {
	name, _ := names(s.Names)
	hs := fhir.HealthcareService{Id: ptr(s.ID), Active: ptr(true), Name: name,
		Type:     []fhir.CodeableConcept{serviceConcept(s)},
		Category: []fhir.CodeableConcept{{Coding: []fhir.Coding{coding(areaSystem, s.AreaID, "")}}}}
	if s.Descriptions.Fi != "" {
		hs.Comment = ptr(s.Descriptions.Fi)
	}
	err := h.eachUnit(q, s.ID, func(u sotepe.Unit) bool {
		hs.Location = append(hs.Location, *reference("Location", u.ID))
		return true
	})
	if err != nil {
		return resource{}, err
	}
	return resource{typ: "HealthcareService", id: s.ID, v: hs}, nil
}

func (h *Handler) readHealthcareService(q *request, id string) (resource, error) {
	s, err := h.cfg.Directory.Service(q.ctx, id)
	if err != nil {
		return resource{}, err
	}
	return h.healthcareService(q, s)
}

// searchHealthcareServices lists the services, of one area
// (service-category) or offered at one unit (location).
func (h *Handler) searchHealthcareServices(q *request, p searchParams) (searchResult, error) {
	if id, err := p.one("_id"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		return h.searchByID(q, id, p, h.readHealthcareService)
	}
	area, err := p.token("service-category", areaSystem)
	if err != nil {
		return searchResult{}, err
	}
	var services []sotepe.Service
	next := ""
	u, err := h.locationUnit(q, p)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return searchResult{}, nil
	} else if err != nil {
		return searchResult{}, err
	}
	if u != nil {
		var ids []string
		if ids, next, err = offsetPage(u.Services, p.page); err != nil {
			return searchResult{}, err
		}
		for _, id := range ids {
			s, err := h.cfg.Directory.Service(q.ctx, id)
			if err != nil {
				return searchResult{}, err
			}
			if area == "" || s.AreaID == area {
				services = append(services, s)
			}
		}
	} else {
		page, err := h.cfg.Directory.Services(q.ctx, area, p.page)
		if err != nil {
			return searchResult{}, err
		}
		services, next = page.Items, page.NextCursor
	}
	res := searchResult{next: next}
	for _, s := range services {
		r, err := h.healthcareService(q, s)
		if err != nil {
			return searchResult{}, err
		}
		res.matches = append(res.matches, r)
	}
	return res, nil
}
