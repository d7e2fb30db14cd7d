package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// A Schedule is one service as a unit offers it for booking: its actors are
// the unit (Location) and the service (HealthcareService), and the slots of
// that service at that unit are its Slots. Free Slots are public, as the
// portal's free-time search is.
var (
	scheduleType = resourceType{name: "Schedule", scope: sotepe.ScopeFHIRScheduleRead,
		read: (*Handler).readSchedule, search: (*Handler).searchSchedules,
		params: map[string]bool{"_id": true, "actor": true, "service-type": true, "active": true}}
	slotType = resourceType{name: "Slot", scope: sotepe.ScopeFHIRSlotRead,
		read: (*Handler).readSlot, search: (*Handler).searchSlots,
		params: map[string]bool{"_id": true, "service-type": true, "schedule": true, "schedule.actor": true,
			"status": true, "start": true, "_include": true}}
)

// scheduleID is the id of the schedule of service at unit: the unit's id, a dot and the service's id
// (neither id holds a dot), or, when that is longer than the 64 characters
// a FHIR id may have, "h-" and a hash of the two.
func scheduleID(unit, service string) string {
	if id := unit + "." + service; len(id) <= 64 {
		return id
	}
	sum := sha256.Sum256([]byte(unit + "\x00" + service))
	return "h-" + hex.EncodeToString(sum[:10])
}

// resolveSchedule finds the unit and service of a schedule id; a unit that
// does not offer the service, or an id nobody has, is ENotFound.
func (h *Handler) resolveSchedule(q *request, id string) (sotepe.Unit, sotepe.Service, error) {
	missing := notFound("schedule")
	if unitID, serviceID, ok := strings.Cut(id, "."); ok {
		u, err := h.cfg.Directory.Unit(q.ctx, unitID)
		if err != nil {
			return u, sotepe.Service{}, err
		}
		if !slices.Contains(u.Services, serviceID) {
			return u, sotepe.Service{}, missing
		}
		s, err := h.cfg.Directory.Service(q.ctx, serviceID)
		return u, s, err
	}
	if !strings.HasPrefix(id, "h-") {
		return sotepe.Unit{}, sotepe.Service{}, missing
	}
	var found sotepe.Unit
	var service string
	err := h.eachUnit(q, "", func(u sotepe.Unit) bool {
		for _, s := range u.Services {
			if scheduleID(u.ID, s) == id {
				found, service = u, s
				return false
			}
		}
		return true
	})
	if err != nil {
		return found, sotepe.Service{}, err
	}
	if service == "" {
		return found, sotepe.Service{}, missing
	}
	s, err := h.cfg.Directory.Service(q.ctx, service)
	return found, s, err
}

// eachUnit calls fn for every unit (offering service, when not empty) in
// the directory's order until fn returns false.
func (h *Handler) eachUnit(q *request, service string, fn func(sotepe.Unit) bool) error {
	f := sotepe.UnitFilter{Service: service, SortLang: sotepe.Finnish, Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}}
	for {
		page, err := h.cfg.Directory.Units(q.ctx, f)
		if err != nil {
			return err
		}
		for _, u := range page.Items {
			if !fn(u) {
				return nil
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		f.Page.Cursor = page.NextCursor
	}
}

// schedule maps the schedule of service at unit.
func schedule(unit string, s sotepe.Service) resource {
	id := scheduleID(unit, s.ID)
	sc := fhir.Schedule{Id: ptr(id), Active: ptr(true),
		ServiceType: []fhir.CodeableConcept{serviceConcept(s)},
		Actor:       []fhir.Reference{*reference("Location", unit), *reference("HealthcareService", s.ID)}}
	return resource{typ: "Schedule", id: id, v: sc}
}

func (h *Handler) readSchedule(q *request, id string) (resource, error) {
	u, s, err := h.resolveSchedule(q, id)
	if err != nil {
		return resource{}, err
	}
	return schedule(u.ID, s), nil
}

// searchSchedules lists the schedules of a unit (actor=Location/…), of a
// service (actor=HealthcareService/… or service-type) or of both, or
// every schedule, in the directory's order of units.
func (h *Handler) searchSchedules(q *request, p searchParams) (searchResult, error) {
	if id, err := p.one("_id"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		return h.searchByID(q, id, p, h.readSchedule)
	}
	if v, err := p.one("active"); err != nil {
		return searchResult{}, err
	} else if v == "false" {
		return searchResult{}, nil
	} else if v != "" && v != "true" {
		return searchResult{}, errParamValue("active")
	}
	unit, service := "", ""
	if v, err := p.one("actor"); err != nil {
		return searchResult{}, err
	} else if v != "" {
		if strings.Contains(v, "HealthcareService/") {
			service, err = refValue("actor", v, "HealthcareService")
		} else {
			unit, err = refValue("actor", v, "Location")
		}
		if err != nil {
			return searchResult{}, err
		}
	}
	if st, err := p.token("service-type", serviceSystem); err != nil {
		return searchResult{}, err
	} else if st != "" {
		if service != "" && service != st {
			return searchResult{}, nil
		}
		service = st
	}
	type pair struct{ unit, service string }
	var pairs []pair
	add := func(u sotepe.Unit) bool {
		for _, s := range u.Services {
			if service == "" || s == service {
				pairs = append(pairs, pair{u.ID, s})
			}
		}
		return true
	}
	if unit != "" {
		u, err := h.cfg.Directory.Unit(q.ctx, unit)
		if sotepe.ErrorCode(err) == sotepe.ENotFound {
			return searchResult{}, nil
		} else if err != nil {
			return searchResult{}, err
		}
		add(u)
	} else if err := h.eachUnit(q, service, add); err != nil {
		return searchResult{}, err
	}
	page, next, err := offsetPage(pairs, p.page)
	if err != nil {
		return searchResult{}, err
	}
	res := searchResult{next: next}
	services := map[string]sotepe.Service{}
	for _, pr := range page {
		s, ok := services[pr.service]
		if !ok {
			if s, err = h.cfg.Directory.Service(q.ctx, pr.service); err != nil {
				return searchResult{}, err
			}
			services[pr.service] = s
		}
		res.matches = append(res.matches, schedule(pr.unit, s))
	}
	return res, nil
}

// slotStatus is a slot's state as FHIR's slot status.
func slotStatus(s sotepe.SlotState) fhir.SlotStatus {
	switch s {
	case sotepe.SlotOpen:
		return fhir.SlotStatusFree
	case sotepe.SlotOffered:
		return fhir.SlotStatusBusyTentative
	case sotepe.SlotClosed:
		return fhir.SlotStatusBusyUnavailable
	}
	return fhir.SlotStatusBusy
}

// slot maps a slot of service s; the mode (in person, phone, video) is an
// extension, as R4 has no element for it.
func (h *Handler) slot(sl sotepe.Slot, s sotepe.Service) resource {
	id := strconv.FormatInt(sl.ID, 10)
	v := fhir.Slot{Id: ptr(id), Schedule: *reference("Schedule", scheduleID(sl.UnitID, sl.ServiceID)),
		Status: slotStatus(sl.State), Start: instant(sl.Start.In(h.loc)), End: instant(sl.End.In(h.loc)),
		ServiceType: []fhir.CodeableConcept{serviceConcept(s)},
		Extension:   []fhir.Extension{{Url: modeExtension, ValueCode: ptr(string(sl.Mode))}}}
	return resource{typ: "Slot", id: id, v: v}
}

// readSlot shows a slot to staff of its unit and to a resident it is
// offered to (the appointment service decides), and to anyone while it is
// free and ahead, as the free-time search would.
func (h *Handler) readSlot(q *request, id string) (resource, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return resource{}, notFound("slot")
	}
	var sl sotepe.Slot
	err = sotepe.NotFound("slot")
	if q.user != nil {
		sl, err = h.cfg.Appointments.Slot(q.ctx, *q.user, n)
	}
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		sl, err = h.cfg.Slots.Slot(q.ctx, n)
		if err == nil && (sl.State != sotepe.SlotOpen || !sl.Start.After(h.now())) {
			err = notFound("slot")
		}
	}
	if err != nil {
		return resource{}, err
	}
	s, err := h.cfg.Directory.Service(q.ctx, sl.ServiceID)
	if err != nil {
		return resource{}, err
	}
	return h.slot(sl, s), nil
}

// slotQuery is a free-time search read from FHIR's parameters.
type slotQuery struct {
	filter  sotepe.SlotFilter
	include bool
}

// parseSlotQuery reads a Slot search: the service from service-type,
// schedule or a HealthcareService as schedule.actor (one is needed), the
// units from schedule or Locations as schedule.actor, the period from
// start, status free (the only one searchable).
func (h *Handler) parseSlotQuery(q *request, p searchParams) (slotQuery, error) {
	var sq slotQuery
	f := &sq.filter
	setService := func(name, s string) error {
		if f.Service != "" && f.Service != s {
			return errParamValue(name)
		}
		f.Service = s
		return nil
	}
	if s, err := p.token("service-type", serviceSystem); err != nil {
		return sq, err
	} else if s != "" {
		if err := setService("service-type", s); err != nil {
			return sq, err
		}
	}
	if id, err := p.ref("schedule", "Schedule"); err != nil {
		return sq, err
	} else if id != "" {
		u, s, err := h.resolveSchedule(q, id)
		if sotepe.ErrorCode(err) == sotepe.ENotFound {
			return sq, errParamValue("schedule")
		} else if err != nil {
			return sq, err
		}
		if err := setService("schedule", s.ID); err != nil {
			return sq, err
		}
		f.Units = []string{u.ID}
	}
	for _, v := range p.Values["schedule.actor"] {
		for _, ref := range strings.Split(v, ",") {
			if strings.Contains(ref, "HealthcareService/") {
				s, err := refValue("schedule.actor", ref, "HealthcareService")
				if err != nil {
					return sq, err
				}
				if err := setService("schedule.actor", s); err != nil {
					return sq, err
				}
				continue
			}
			u, err := refValue("schedule.actor", ref, "Location")
			if err != nil {
				return sq, err
			}
			f.Units = append(f.Units, u)
		}
	}
	if f.Service == "" {
		return sq, sotepe.Invalid("error.fhir_slot_service", "name the service")
	}
	if v, err := p.one("status"); err != nil {
		return sq, err
	} else if v != "" && v != "free" {
		return sq, sotepe.Invalid("error.fhir_slot_status", "only free slots are searched")
	}
	var err error
	if f.From, f.To, err = h.dateRange("start", p.Values["start"]); err != nil {
		return sq, err
	}
	for _, v := range p.Values["_include"] {
		if v != "Slot:schedule" && v != "Slot:schedule:Schedule" {
			return sq, errParamValue("_include")
		}
		sq.include = true
	}
	f.Page = p.page
	return sq, nil
}

// searchSlots finds free slots through the appointment service's
// free-time search, with their schedules when _include=Slot:schedule.
func (h *Handler) searchSlots(q *request, p searchParams) (searchResult, error) {
	if id, err := p.one("_id"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		return h.searchByID(q, id, p, h.readSlot)
	}
	sq, err := h.parseSlotQuery(q, p)
	if err != nil {
		return searchResult{}, err
	}
	page, err := h.cfg.Appointments.Search(q.ctx, q.user, sq.filter)
	if err != nil {
		return searchResult{}, err
	}
	s, err := h.cfg.Directory.Service(q.ctx, sq.filter.Service)
	if err != nil {
		return searchResult{}, err
	}
	res := searchResult{next: page.NextCursor}
	seen := map[string]bool{}
	for _, sl := range page.Items {
		res.matches = append(res.matches, h.slot(sl, s))
		if sq.include && !seen[sl.UnitID] {
			seen[sl.UnitID] = true
			res.includes = append(res.includes, schedule(sl.UnitID, s))
		}
	}
	return res, nil
}
