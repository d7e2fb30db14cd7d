package sotepe

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"
)

// The rescue department's work: fire and rescue missions with their time
// points and the response-time target of the place's risk class,
// prehospital emergency care runs, and fire inspections of buildings. The
// figures are aggregates and hold nothing about a person.

// AccidentType is the kind of a rescue mission (onnettomuustyyppi,
// olyckstyp). The person-visible names are the catalog keys
// "rescue.type.<type>".
type AccidentType string

// The accident types of rescue missions.
const (
	AccidentBuildingFire     AccidentType = "building_fire"
	AccidentOtherFire        AccidentType = "other_fire"
	AccidentTraffic          AccidentType = "traffic_accident"
	AccidentSpill            AccidentType = "chemical_or_oil_spill"
	AccidentRescue           AccidentType = "rescue_of_people_or_animals"
	AccidentDamagePrevention AccidentType = "damage_prevention"
	AccidentOther            AccidentType = "other"
)

// AccidentTypes lists every accident type in the order the pages show them.
var AccidentTypes = []AccidentType{AccidentBuildingFire, AccidentOtherFire, AccidentTraffic, AccidentSpill,
	AccidentRescue, AccidentDamagePrevention, AccidentOther}

// Valid reports whether t is a known accident type.
func (t AccidentType) Valid() bool { return slices.Contains(AccidentTypes, t) }

// RescueUrgency is the urgency class of a mission or a run, A (most urgent) to D.
type RescueUrgency string

// RescueUrgencies lists the urgency classes, most urgent first.
var RescueUrgencies = []RescueUrgency{"A", "B", "C", "D"}

// Valid reports whether u is a known urgency class.
func (u RescueUrgency) Valid() bool { return slices.Contains(RescueUrgencies, u) }

// RiskClass is the risk-grid class (riskiluokka, riskklass) of the square
// kilometre a mission's place lies in: I the densest risk, IV the least.
type RiskClass string

// RiskClasses lists the risk classes, I first.
var RiskClasses = []RiskClass{"I", "II", "III", "IV"}

// Valid reports whether c is a known risk class.
func (c RiskClass) Valid() bool { return slices.Contains(RiskClasses, c) }

// ResponseTarget returns the response-time target of risk class c and
// true: 6 minutes in class I, 10 in class II and 20 in class III, as the
// Ministry of the Interior's guideline on the rescue services' readiness
// sets them. Class IV has no time target (help comes within a reasonable
// time), so it, and any unknown class, returns false.
func ResponseTarget(c RiskClass) (time.Duration, bool) {
	switch c {
	case "I":
		return 6 * time.Minute, true
	case "II":
		return 10 * time.Minute, true
	case "III":
		return 20 * time.Minute, true
	}
	return 0, false
}

// Limits of rescue rows.
const (
	MaxRescueExternalID = 100
	MaxInspectionText   = 500
	// MaxRescueBatch is the most rows one import or API request takes.
	MaxRescueBatch = 20_000
)

// RescueTimes are the standard time points of a mission or a run: the
// emergency call received, the alarm to the unit, its departure, its
// arrival on the scene and the end of the work on the scene. They are in
// that order.
type RescueTimes struct {
	CallAt     time.Time `json:"call_received"`
	AlarmAt    time.Time `json:"alarm"`
	DepartedAt time.Time `json:"departure"`
	OnSceneAt  time.Time `json:"on_scene"`
	ClearedAt  time.Time `json:"cleared"`
}

// CallProcessing is the time from the call received to the alarm.
func (t RescueTimes) CallProcessing() time.Duration { return t.AlarmAt.Sub(t.CallAt) }

// Turnout is the time from the alarm to the departure.
func (t RescueTimes) Turnout() time.Duration { return t.DepartedAt.Sub(t.AlarmAt) }

// Travel is the time from the departure to the arrival on the scene.
func (t RescueTimes) Travel() time.Duration { return t.OnSceneAt.Sub(t.DepartedAt) }

// OnScene is the time on the scene.
func (t RescueTimes) OnScene() time.Duration { return t.ClearedAt.Sub(t.OnSceneAt) }

// ResponseTime is the response time the targets are measured by: from the
// alarm to the first unit on the scene (toimintavalmiusaika, the turnout
// and the travel), as the Finnish rescue services' readiness guideline
// defines it. The emergency response centre's call processing before the
// alarm is not the rescue department's and is not in it.
func (t RescueTimes) ResponseTime() time.Duration { return t.OnSceneAt.Sub(t.AlarmAt) }

// validate checks that every time point is set and that they come in order.
func (t RescueTimes) validate() error {
	points := []struct {
		field string
		at    time.Time
	}{{"call_received", t.CallAt}, {"alarm", t.AlarmAt}, {"departure", t.DepartedAt}, {"on_scene", t.OnSceneAt}, {"cleared", t.ClearedAt}}
	for i, p := range points {
		if p.at.IsZero() {
			return InvalidField(p.field, "error.rescue_time", "a time point is missing").With(map[string]any{"Field": p.field})
		}
		if i > 0 && p.at.Before(points[i-1].at) {
			return InvalidField(p.field, "error.rescue_time_order", "time points out of order").
				With(map[string]any{"Field": p.field, "Before": points[i-1].field})
		}
	}
	return nil
}

// RescueMission is one fire and rescue mission (pelastustoimen tehtävä):
// the station (a unit of kind rescue_station) whose unit was first on the
// scene, the accident type, the urgency class, the risk class of the place
// and its district, and the time points. ExternalID is the dispatch's
// number of the mission; a mission is stored once.
type RescueMission struct {
	ID         int64         `json:"id"`
	ExternalID string        `json:"external_id"`
	StationID  string        `json:"station"`
	Type       AccidentType  `json:"type"`
	Urgency    RescueUrgency `json:"urgency"`
	RiskClass  RiskClass     `json:"risk_class"`
	District   string        `json:"district,omitempty"`
	RescueTimes
}

// TargetMet reports whether the mission reached the response-time target
// of its risk class, and whether the class has a target at all.
func (m RescueMission) TargetMet() (met, hasTarget bool) {
	target, ok := ResponseTarget(m.RiskClass)
	if !ok {
		return false, false
	}
	return m.ResponseTime() <= target, true
}

// Validate checks a mission before it is stored, each failure an EInvalid
// *Error naming its field: an external id of 1–100 characters
// ("error.rescue_external_id"), a station id ("error.rescue_station"), a
// known type ("error.rescue_type"), urgency ("error.rescue_urgency") and
// risk class ("error.rescue_risk_class"), a district id when one is given
// ("error.rescue_district") and every time point, in order
// ("error.rescue_time", "error.rescue_time_order").
func (m RescueMission) Validate() error {
	if err := validateRescueHead(m.ExternalID, m.StationID, m.Urgency); err != nil {
		return err
	}
	switch {
	case !m.Type.Valid():
		return InvalidField("type", "error.rescue_type", "unknown accident type")
	case !m.RiskClass.Valid():
		return InvalidField("risk_class", "error.rescue_risk_class", "risk class must be I, II, III or IV")
	case m.District != "" && !ValidID(m.District):
		return InvalidField("district", "error.rescue_district", "bad district id")
	}
	return m.validate()
}

func validateRescueHead(externalID, station string, u RescueUrgency) error {
	switch {
	case externalID == "" || len(externalID) > MaxRescueExternalID:
		return InvalidField("external_id", "error.rescue_external_id", "external id must be 1–100 characters")
	case !ValidID(station):
		return InvalidField("station", "error.rescue_station", "a rescue station id is required")
	case !u.Valid():
		return InvalidField("urgency", "error.rescue_urgency", "urgency must be A, B, C or D")
	}
	return nil
}

// EmergencyRun is one prehospital emergency care run (ensihoitotehtävä):
// the station of the ambulance, the urgency class and the time points.
type EmergencyRun struct {
	ID         int64         `json:"id"`
	ExternalID string        `json:"external_id"`
	StationID  string        `json:"station"`
	Urgency    RescueUrgency `json:"urgency"`
	RescueTimes
}

// Validate checks a run as RescueMission.Validate checks a mission's
// external id, station, urgency and time points.
func (r EmergencyRun) Validate() error {
	if err := validateRescueHead(r.ExternalID, r.StationID, r.Urgency); err != nil {
		return err
	}
	return r.validate()
}

// FireInspection is one fire inspection of a building (palotarkastus,
// brandsyn) by a station: the building's address, the day, the number of
// findings (defects to mend), a note on them and, when the findings need
// one, the day of the re-inspection. It holds no personal data.
type FireInspection struct {
	ID          int64  `json:"id"`
	ExternalID  string `json:"external_id"`
	StationID   string `json:"station"`
	Address     string `json:"address"`
	InspectedOn string `json:"inspected_on"`
	Findings    int    `json:"findings"`
	Notes       string `json:"notes,omitempty"`
	ReinspectOn string `json:"reinspect_on,omitempty"`
}

// Validate checks an inspection: an external id and station as a
// mission's, an address of 1–500 characters ("error.inspection_address"),
// a real day ("error.inspection_day"), findings of 0 or more
// ("error.inspection_findings"), notes of at most 500 characters
// ("error.inspection_notes") and a re-inspection day, when given, after
// the inspection ("error.inspection_reinspect").
func (f FireInspection) Validate() error {
	switch {
	case f.ExternalID == "" || len(f.ExternalID) > MaxRescueExternalID:
		return InvalidField("external_id", "error.rescue_external_id", "external id must be 1–100 characters")
	case !ValidID(f.StationID):
		return InvalidField("station", "error.rescue_station", "a rescue station id is required")
	case f.Address == "" || len(f.Address) > MaxInspectionText:
		return InvalidField("address", "error.inspection_address", "address must be 1–500 characters")
	case !validDay(f.InspectedOn):
		return InvalidField("inspected_on", "error.inspection_day", "day must be a date YYYY-MM-DD")
	case f.Findings < 0 || f.Findings > 1000:
		return InvalidField("findings", "error.inspection_findings", "findings must be 0 to 1000")
	case len(f.Notes) > MaxInspectionText:
		return InvalidField("notes", "error.inspection_notes", "notes must be at most 500 characters")
	case f.ReinspectOn != "" && (!validDay(f.ReinspectOn) || f.ReinspectOn <= f.InspectedOn):
		return InvalidField("reinspect_on", "error.inspection_reinspect", "the re-inspection must be a day after the inspection")
	}
	return nil
}

// RescueDim is what the rescue figures are grouped by.
type RescueDim string

// The dimensions of the rescue figures. Runs have no accident type, risk
// class or district; grouped by those, they fall in one group "".
const (
	RescueByStation   RescueDim = "station"
	RescueByDistrict  RescueDim = "district"
	RescueByRiskClass RescueDim = "risk_class"
	RescueByUrgency   RescueDim = "urgency"
	RescueByMonth     RescueDim = "month"
	RescueByType      RescueDim = "type"
)

// RescueDims lists every dimension.
var RescueDims = []RescueDim{RescueByStation, RescueByDistrict, RescueByRiskClass, RescueByUrgency, RescueByMonth, RescueByType}

// Valid reports whether d is a known dimension.
func (d RescueDim) Valid() bool { return slices.Contains(RescueDims, d) }

// RescueQuery asks for the missions (or runs) whose call was received on
// the days From to To (YYYY-MM-DD in Europe/Helsinki, both included); each
// filter, when not empty, keeps only the rows it lists. Runs are kept by
// Stations and Urgencies only.
type RescueQuery struct {
	From, To    string
	Stations    []string
	RiskClasses []RiskClass
	Urgencies   []RescueUrgency
	Types       []AccidentType
	GroupBy     RescueDim
}

// Validate checks the period and the filters: a bad date is "error.date",
// From after To "error.stats_period", an unknown dimension, class, urgency
// or type "error.rescue_filter".
func (q RescueQuery) Validate() error {
	if !validDay(q.From) || !validDay(q.To) {
		return Invalid("error.date", "dates must be YYYY-MM-DD")
	}
	if q.From > q.To {
		return Invalid("error.stats_period", "from is after to")
	}
	bad := q.GroupBy != "" && !q.GroupBy.Valid()
	for _, c := range q.RiskClasses {
		bad = bad || !c.Valid()
	}
	for _, u := range q.Urgencies {
		bad = bad || !u.Valid()
	}
	for _, t := range q.Types {
		bad = bad || !t.Valid()
	}
	if bad {
		return Invalid("error.rescue_filter", "unknown grouping, class, urgency or type")
	}
	return nil
}

// RescueResponse is what the figures need of one mission or run: its
// groups, the local day of its call and its response time in seconds.
type RescueResponse struct {
	Station   string
	District  string
	Type      AccidentType
	Urgency   RescueUrgency
	RiskClass RiskClass
	Day       string
	Seconds   int32
}

// RescueMonthCount is how many missions or runs a station had in a month
// (YYYY-MM).
type RescueMonthCount struct {
	Station string
	Month   string
	Count   int64
}

// RescueFigure is the figures of one group of missions or runs: how many,
// how many in a risk class with a target and how many of those reached
// it (with the share in per cent, one decimal), and the median and 90th
// percentile of the response time in seconds.
type RescueFigure struct {
	Key           string   `json:"key"`
	Count         int      `json:"count"`
	WithTarget    int      `json:"with_target"`
	Met           int      `json:"met"`
	MetPercent    *float64 `json:"met_percent"`
	MedianSeconds *float64 `json:"median_seconds"`
	P90Seconds    *float64 `json:"p90_seconds"`
}

// RescueFigures is the answer to a RescueQuery: the missions and the runs
// by the dimension asked for, in the dimension's order, with their totals.
type RescueFigures struct {
	GroupBy       RescueDim      `json:"group_by"`
	Missions      []RescueFigure `json:"missions"`
	MissionsTotal RescueFigure   `json:"missions_total"`
	Runs          []RescueFigure `json:"runs"`
	RunsTotal     RescueFigure   `json:"runs_total"`
}

// RescueKey returns the group of r under d.
func RescueKey(r *RescueResponse, d RescueDim) string {
	switch d {
	case RescueByStation:
		return r.Station
	case RescueByDistrict:
		return r.District
	case RescueByRiskClass:
		return string(r.RiskClass)
	case RescueByUrgency:
		return string(r.Urgency)
	case RescueByMonth:
		if len(r.Day) >= 7 {
			return r.Day[:7]
		}
	case RescueByType:
		return string(r.Type)
	}
	return ""
}

// FigureRescue computes the figures of rows grouped by d (no groups when d
// is ""), the groups in key order (accident types and classes in their
// lists' order), and the total. A row reaches its target when its risk
// class has one and its response time is within it; runs have no risk
// class and so no target.
func FigureRescue(rows []RescueResponse, d RescueDim) (groups []RescueFigure, total RescueFigure) {
	by := map[string][]int{}
	if d != "" {
		for i := range rows {
			k := RescueKey(&rows[i], d)
			by[k] = append(by[k], i)
		}
	}
	all := make([]int, len(rows))
	for i := range all {
		all[i] = i
	}
	total = figureOf(rows, all, "")
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(rescueOrder(d, a), rescueOrder(d, b)), cmp.Compare(a, b))
	})
	for _, k := range keys {
		groups = append(groups, figureOf(rows, by[k], k))
	}
	return groups, total
}

// rescueOrder places the keys of listed dimensions in their lists' order;
// others sort by key.
func rescueOrder(d RescueDim, k string) int {
	switch d {
	case RescueByType:
		return slices.Index(AccidentTypes, AccidentType(k))
	case RescueByRiskClass:
		return slices.Index(RiskClasses, RiskClass(k))
	}
	return 0
}

func figureOf(rows []RescueResponse, idx []int, key string) RescueFigure {
	f := RescueFigure{Key: key, Count: len(idx)}
	secs := make([]int32, 0, len(idx))
	for _, i := range idx {
		r := &rows[i]
		secs = append(secs, r.Seconds)
		if target, ok := ResponseTarget(r.RiskClass); ok {
			f.WithTarget++
			if time.Duration(r.Seconds)*time.Second <= target {
				f.Met++
			}
		}
	}
	if f.WithTarget > 0 {
		p := math.Round(float64(f.Met)*1000/float64(f.WithTarget)) / 10
		f.MetPercent = &p
	}
	if len(secs) > 0 {
		q := Percentiles(secs, 0.5, 0.9)
		f.MedianSeconds, f.P90Seconds = &q[0], &q[1]
	}
	return f
}

// RescueMissionFilter narrows the mission list: the calls of the days From
// to To (both optional) and, when set, one station, risk class, urgency
// and type.
type RescueMissionFilter struct {
	From, To  string
	Station   string
	RiskClass RiskClass
	Urgency   RescueUrgency
	Type      AccidentType
}

// InspectionFilter narrows the inspection list: one station when set and,
// when DueBy is set, only the inspections whose re-inspection is due on or
// before that day, soonest first (else the latest inspections first).
type InspectionFilter struct {
	Station string
	DueBy   string
}

// RescueCounts is the year's (or any period's) number of missions, of
// chemical and oil spills among them, of runs and of inspections.
type RescueCounts struct {
	Missions    int64 `json:"missions"`
	Spills      int64 `json:"spills"`
	Runs        int64 `json:"runs"`
	Inspections int64 `json:"inspections"`
}

// RescueStore keeps the missions, runs and inspections.
type RescueStore interface {
	// AddRescueMissions stores the missions whole, in one transaction, or
	// nothing: a mission already stored (the same external id, also twice
	// in the batch) counts as a duplicate. An invalid mission, or one whose
	// station is not a rescue station, is an EInvalid *Error naming its
	// field, with Args "Index", its position from 0.
	AddRescueMissions(ctx context.Context, ms []RescueMission) (EventResult, error)
	// AddEmergencyRuns stores runs as AddRescueMissions stores missions.
	AddEmergencyRuns(ctx context.Context, rs []EmergencyRun) (EventResult, error)
	// AddFireInspections stores inspections as AddRescueMissions stores
	// missions.
	AddFireInspections(ctx context.Context, fs []FireInspection) (EventResult, error)
	// RescueMissions returns a page of the missions f keeps, the latest
	// call first. A bad cursor or filter is EInvalid.
	RescueMissions(ctx context.Context, f RescueMissionFilter, p PageRequest) (Page[RescueMission], error)
	// FireInspections returns a page of the inspections f keeps.
	FireInspections(ctx context.Context, f InspectionFilter, p PageRequest) (Page[FireInspection], error)
	// RescueResponses returns what the figures need of the missions (runs
	// when runs is set) q keeps, in no set order. q is validated.
	RescueResponses(ctx context.Context, q RescueQuery, runs bool) ([]RescueResponse, error)
	// RescueMonthCounts returns how many of the missions (runs when runs
	// is set) q keeps started in each station and month, counted by the
	// database: the dashboard's facts need no more. q is validated.
	RescueMonthCounts(ctx context.Context, q RescueQuery, runs bool) ([]RescueMonthCount, error)
	// RescueCounts returns the counts of the days from to to.
	RescueCounts(ctx context.Context, from, to string) (RescueCounts, error)
}

// RescueService decides who may read and write the rescue department's
// rows: the rescue officer reads and writes them all; the analyst reads
// the figures only; everyone else is EForbidden.
type RescueService interface {
	// Figures returns the figures of q. EForbidden for all but rescue
	// officers and analysts; a bad query EInvalid.
	Figures(ctx context.Context, u User, q RescueQuery) (RescueFigures, error)
	// Missions returns a page of the missions f keeps, to rescue officers.
	Missions(ctx context.Context, u User, f RescueMissionFilter, p PageRequest) (Page[RescueMission], error)
	// Inspections returns a page of the inspections f keeps, to rescue
	// officers.
	Inspections(ctx context.Context, u User, f InspectionFilter, p PageRequest) (Page[FireInspection], error)
	// ImportMissions stores a batch of missions whole or nothing, for
	// rescue officers (AddRescueMissions).
	ImportMissions(ctx context.Context, u User, ms []RescueMission) (EventResult, error)
}
