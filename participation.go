package sotepe

import (
	"context"
	"strconv"
)

// Population and participation (issue 20): the city's population figures
// of a year as the statistics authority publishes them, the experience
// experts the sector works with, and the participation events it holds
// (resident evenings, client forums in the service centres). The annual
// report counts them; no record holds a name or an identity code, an
// experience expert is an opaque key.

// PopulationYear is the city's population figures of a year.
type PopulationYear struct {
	Year int `json:"year"`
	// Residents is the residents at the end of the year.
	Residents int64 `json:"residents"`
	// NativeLanguages is how many native languages the population
	// register holds for the city's residents.
	NativeLanguages int64 `json:"registered_native_languages"`
	// GrowthFromElsewherePercent is the share, in whole per cent, of the
	// last ten years' population growth made by residents whose native
	// language is other than Finnish, Swedish or Sami.
	GrowthFromElsewherePercent int64 `json:"share_of_growth_from_elsewhere_10y_percent"`
}

// Validate reports the first field of p that is out of range.
func (p PopulationYear) Validate() error {
	switch {
	case p.Year < 1900 || p.Year > 2200:
		return InvalidField("year", "participation.error.year", "the year is out of range")
	case p.Residents < 0:
		return InvalidField("residents", "participation.error.count", "a count below zero")
	case p.NativeLanguages < 0:
		return InvalidField("registered_native_languages", "participation.error.count", "a count below zero")
	case p.GrowthFromElsewherePercent < 0 || p.GrowthFromElsewherePercent > 100:
		return InvalidField("share_of_growth_from_elsewhere_10y_percent", "participation.error.percent", "a share outside 0-100")
	}
	return nil
}

// ExperienceExpert is one experience expert's engagement with a service
// area, from Start to End (dates, End empty while it lasts).
type ExperienceExpert struct {
	Key    string `json:"key"`
	AreaID string `json:"area"`
	Start  string `json:"start"`
	End    string `json:"end,omitempty"`
}

// Validate reports the first field of e that is missing or malformed.
func (e ExperienceExpert) Validate() error {
	switch {
	case !validKey(e.Key):
		return InvalidField("key", "staff.error.key", "the key is 1-64 letters, digits, - or _")
	case e.AreaID == "":
		return InvalidField("area", "staff.error.area", "the area is missing")
	}
	return checkSpan(e.Start, e.End)
}

// ParticipationKind is the kind of a participation event.
type ParticipationKind string

// The participation events the annual report counts.
const (
	// ResidentEvening is an evening where residents meet the sector's
	// management.
	ResidentEvening ParticipationKind = "resident_evening"
	// ClientForum is a client forum meeting in a service centre.
	ClientForum ParticipationKind = "client_forum"
)

// ParticipationEvent is one held participation event.
type ParticipationEvent struct {
	ID   string            `json:"id"`
	Kind ParticipationKind `json:"kind"`
	Day  string            `json:"day"`
}

// Validate reports the first field of e that is missing or malformed.
func (e ParticipationEvent) Validate() error {
	switch {
	case !validKey(e.ID):
		return InvalidField("id", "staff.error.key", "the id is 1-64 letters, digits, - or _")
	case e.Kind != ResidentEvening && e.Kind != ClientForum:
		return InvalidField("kind", "participation.error.kind", "unknown kind of event")
	case !validDay(e.Day):
		return InvalidField("day", "error.date", "the day is not a date")
	}
	return nil
}

// ParticipationRecords is one batch of population years, experience
// experts and participation events, stored whole or not at all.
type ParticipationRecords struct {
	Population []PopulationYear
	Experts    []ExperienceExpert
	Events     []ParticipationEvent
}

// AreaCount is a count of one service area.
type AreaCount struct {
	AreaID string
	Count  int64
}

// ParticipationStore keeps the population figures and the participation
// records.
type ParticipationStore interface {
	// SaveParticipationRecords stores r whole or nothing, replacing
	// records of the same year, key and start, or id. A bad record is
	// EInvalid naming its field, kind and index; an unknown area is
	// EInvalid too.
	SaveParticipationRecords(ctx context.Context, r ParticipationRecords) error
	// PopulationYear returns the population figures of year, or
	// ENotFound.
	PopulationYear(ctx context.Context, year int) (PopulationYear, error)
	// ExperienceExperts counts by area the experience experts engaged on
	// some day from from to to (dates, both included).
	ExperienceExperts(ctx context.Context, from, to string) ([]AreaCount, error)
	// ParticipationEvents counts by kind the events held from from to to.
	ParticipationEvents(ctx context.Context, from, to string) (map[ParticipationKind]int64, error)
}

// ResidentSurvey returns the id of the resident survey of year (a survey
// definition of package survey, answered anonymously).
func ResidentSurvey(year int) string { return "resident-" + strconv.Itoa(year) }

// EServicesQuestion is the resident survey's question "how often do you
// use e-services (such as booking or a contact request online)"; every
// answer but EServicesNever counts the respondent as a user of the portal.
const EServicesQuestion = "e-services"

// EServicesNever is the answer of a respondent who never uses e-services.
const EServicesNever = "never"
