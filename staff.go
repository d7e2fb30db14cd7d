package sotepe

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"
)

// Staff, economy and sustainability: the sector's own people as
// employments without names or health data, and its money, fleet and
// energy. Everything a person reads of them is an aggregate; a staff figure
// about fewer than MinCellSize people is suppressed (see Suppress).

// MinCellSize is the smallest number of people a staff figure may be about:
// a cell of fewer (the leavers of a small profession in one area, their
// sick-leave days) could identify a person and is hidden, as is a cell that
// would give it away (SuppressComplement).
const MinCellSize = 5

// Profession is one of the fixed professions of employments.
type Profession struct {
	ID    string `json:"id"`
	Names Names  `json:"names"`
}

// Professions lists the professions an employment may have, in the order
// the figures show them.
var Professions = []Profession{
	{"physician", Names{Fi: "Lääkäri", Sv: "Läkare", En: "Physician"}},
	{"dentist", Names{Fi: "Hammaslääkäri", Sv: "Tandläkare", En: "Dentist"}},
	{"nurse", Names{Fi: "Sairaanhoitaja", Sv: "Sjukskötare", En: "Nurse"}},
	{"public-health-nurse", Names{Fi: "Terveydenhoitaja", Sv: "Hälsovårdare", En: "Public health nurse"}},
	{"practical-nurse", Names{Fi: "Lähihoitaja", Sv: "Närvårdare", En: "Practical nurse"}},
	{"social-worker", Names{Fi: "Sosiaalityöntekijä", Sv: "Socialarbetare", En: "Social worker"}},
	{"social-counsellor", Names{Fi: "Sosiaaliohjaaja", Sv: "Socialhandledare", En: "Social counsellor"}},
	{"psychologist", Names{Fi: "Psykologi", Sv: "Psykolog", En: "Psychologist"}},
	{"therapist", Names{Fi: "Terapeutti", Sv: "Terapeut", En: "Therapist"}},
	{"firefighter", Names{Fi: "Palomies", Sv: "Brandman", En: "Firefighter"}},
	{"paramedic", Names{Fi: "Ensihoitaja", Sv: "Förstavårdare", En: "Paramedic"}},
	{"administration", Names{Fi: "Hallinto", Sv: "Administration", En: "Administration"}},
	{"support", Names{Fi: "Tukipalvelut", Sv: "Stödtjänster", En: "Support services"}},
}

// ProfessionByID returns the profession id names.
func ProfessionByID(id string) (Profession, bool) {
	i := slices.IndexFunc(Professions, func(p Profession) bool { return p.ID == id })
	if i < 0 {
		return Profession{}, false
	}
	return Professions[i], true
}

// LeaveReason is why an employment ended.
type LeaveReason string

// The reasons an employment ends.
const (
	LeaveResignation LeaveReason = "resignation"
	LeaveRetirement  LeaveReason = "retirement"
	LeaveFixedTerm   LeaveReason = "fixed_term_ended"
	LeaveDismissal   LeaveReason = "dismissal"
	LeaveOther       LeaveReason = "other"
)

// LeaveReasons lists every reason.
var LeaveReasons = []LeaveReason{LeaveResignation, LeaveRetirement, LeaveFixedTerm, LeaveDismissal, LeaveOther}

// Employment is one employment: an opaque employee key (never a name or an
// identity code), the service area and profession, the first day and, once
// it has ended, the last day and why. A person with two employments one
// after another has two rows with the same key and different starts.
type Employment struct {
	Key        string      `json:"key"`
	AreaID     string      `json:"area"`
	Profession string      `json:"profession"`
	Start      string      `json:"start"`
	End        string      `json:"end,omitempty"`
	EndReason  LeaveReason `json:"end_reason,omitempty"`
}

// Validate checks an employment. Errors are EInvalid naming the field: a
// key of 1–64 letters, digits, '-' or '_'; an area (its existence is the
// store's to check); a known profession; dates YYYY-MM-DD with the end not
// before the start; an end with a known reason and a reason only with an
// end.
func (e Employment) Validate() error {
	switch {
	case !validKey(e.Key):
		return InvalidField("key", "staff.error.key", "the employee key is 1-64 letters, digits, - or _")
	case e.AreaID == "":
		return InvalidField("area", "staff.error.area", "the area is missing")
	case !knownProfession(e.Profession):
		return InvalidField("profession", "staff.error.profession", "unknown profession")
	}
	if err := checkSpan(e.Start, e.End); err != nil {
		return err
	}
	switch {
	case e.End != "" && !slices.Contains(LeaveReasons, e.EndReason):
		return InvalidField("end_reason", "staff.error.end_reason", "unknown reason for the end")
	case e.End == "" && e.EndReason != "":
		return InvalidField("end_reason", "staff.error.end_reason", "a reason without an end")
	}
	return nil
}

// checkSpan checks the start and the optional end of an engagement: dates
// YYYY-MM-DD with the end not before the start. Errors name the field
// start or end.
func checkSpan(start, end string) error {
	switch {
	case !validDay(start):
		return InvalidField("start", "error.date", "the start is not a date")
	case end != "" && !validDay(end):
		return InvalidField("end", "error.date", "the end is not a date")
	case end != "" && end < start:
		return InvalidField("end", "staff.error.end_before_start", "the end is before the start")
	}
	return nil
}

func knownProfession(id string) bool {
	_, ok := ProfessionByID(id)
	return ok
}

func validKey(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Vacancy is an open position of an area and profession, published on a
// day, with the number of applicants it got (people are not stored).
type Vacancy struct {
	ID         string `json:"id"`
	AreaID     string `json:"area"`
	Profession string `json:"profession"`
	Published  string `json:"published"`
	Applicants int64  `json:"applicants"`
}

// Validate checks a vacancy: an id like an employee key, an area, a known
// profession, a date and applicants not below 0 (EInvalid naming the field).
func (v Vacancy) Validate() error {
	switch {
	case !validKey(v.ID):
		return InvalidField("id", "staff.error.key", "the vacancy id is 1-64 letters, digits, - or _")
	case v.AreaID == "":
		return InvalidField("area", "staff.error.area", "the area is missing")
	case !knownProfession(v.Profession):
		return InvalidField("profession", "staff.error.profession", "unknown profession")
	case !validDay(v.Published):
		return InvalidField("published", "error.date", "the publication day is not a date")
	case v.Applicants < 0:
		return InvalidField("applicants", "staff.error.negative", "a count below 0")
	}
	return nil
}

// StaffMonth is an aggregate of one area, profession and month (YYYY-MM)
// as HR's systems report it: course participations and training days, and
// sick-leave days. No row is about a person.
type StaffMonth struct {
	AreaID       string `json:"area"`
	Profession   string `json:"profession"`
	Month        string `json:"month"`
	Courses      int64  `json:"courses"`
	TrainingDays int64  `json:"training_days"`
	SickDays     int64  `json:"sick_leave_days"`
}

// Validate checks a monthly aggregate (EInvalid naming the field).
func (m StaffMonth) Validate() error {
	switch {
	case m.AreaID == "":
		return InvalidField("area", "staff.error.area", "the area is missing")
	case !knownProfession(m.Profession):
		return InvalidField("profession", "staff.error.profession", "unknown profession")
	case !ValidMonth(m.Month):
		return InvalidField("month", "staff.error.month", "the month is not YYYY-MM")
	case m.Courses < 0:
		return InvalidField("courses", "staff.error.negative", "a count below 0")
	case m.TrainingDays < 0:
		return InvalidField("training_days", "staff.error.negative", "a count below 0")
	case m.SickDays < 0:
		return InvalidField("sick_leave_days", "staff.error.negative", "a count below 0")
	}
	return nil
}

// ValidDay reports whether s is a real calendar date written YYYY-MM-DD.
func ValidDay(s string) bool { return validDay(s) }

// ValidMonth reports whether s is a month written YYYY-MM.
func ValidMonth(s string) bool {
	if len(s) != 7 {
		return false
	}
	_, err := time.Parse("2006-01", s)
	return err == nil
}

// StaffRecords is what HR stores in one go: employments (an employment
// with a key and start the store has replaces it), vacancies (by id) and
// monthly aggregates (by area, profession and month).
type StaffRecords struct {
	Employments []Employment
	Vacancies   []Vacancy
	Months      []StaffMonth
}

// StaffCell is a count of one area and profession.
type StaffCell struct {
	AreaID     string
	Profession string
	Count      int64
}

// StaffMonthSum is the monthly aggregates summed over a period for one area
// and profession.
type StaffMonthSum struct {
	AreaID       string
	Profession   string
	Courses      int64
	TrainingDays int64
	SickDays     int64
}

// VacancySum is the vacancies published in a period for one area and
// profession and their applicants.
type VacancySum struct {
	AreaID     string
	Profession string
	Vacancies  int64
	Applicants int64
}

// StaffStore keeps employments, vacancies and HR's monthly aggregates and
// reads them only as counts.
type StaffStore interface {
	// SaveStaffRecords stores r whole in one transaction or nothing. An
	// invalid record, or one naming an unknown area, is an EInvalid
	// *Error naming the field, whose Args hold "Kind" (employment, vacancy
	// or month) and "Index", its position.
	SaveStaffRecords(ctx context.Context, r StaffRecords) error
	// StaffHeadcount counts the employments on day (YYYY-MM-DD: started
	// on or before it and not ended before it) by area and profession.
	StaffHeadcount(ctx context.Context, day string) ([]StaffCell, error)
	// StaffStarts and StaffLeavers count the employments that started, or
	// ended, on the days from to to (both included) by area and
	// profession.
	StaffStarts(ctx context.Context, from, to string) ([]StaffCell, error)
	StaffLeavers(ctx context.Context, from, to string) ([]StaffCell, error)
	// StaffVacancies sums the vacancies published from from to to.
	StaffVacancies(ctx context.Context, from, to string) ([]VacancySum, error)
	// StaffMonths sums the monthly aggregates of the months from to to
	// (YYYY-MM, both included).
	StaffMonths(ctx context.Context, from, to string) ([]StaffMonthSum, error)
}

// PersonnelSurvey returns the id of the personnel survey of year (a survey
// definition of package survey, answered anonymously), whose question
// RecommendQuestion is "would you recommend us as an employer".
func PersonnelSurvey(year int) string { return "personnel-" + strconv.Itoa(year) }

// RecommendQuestion is the personnel survey's yes-or-no question "would you
// recommend the sector as an employer".
const RecommendQuestion = "recommend-employer"

// Turnover is the staff turnover of a period in per cent: the leavers of the
// period ÷ the average headcount, where the average headcount is the mean of
// the headcount on the day before the period and on its last day
// ((start + end) / 2), × 100. It is nil when the average is 0.
func Turnover(leavers, headcountBefore, headcountEnd int64) *float64 {
	avg := float64(headcountBefore+headcountEnd) / 2
	if avg == 0 {
		return nil
	}
	v := float64(leavers) / avg * 100
	return &v
}

// Suppressed reports whether a count about n people must not be shown:
// fewer than MinCellSize people could be identified.
func Suppressed(n int64) bool { return n < MinCellSize }

// SuppressComplement returns which cells of a group to hide so that none
// can be worked out from the group's total (secondary suppression). values
// are the number of people in each cell; hidden tells which cells the
// n < MinCellSize rule hides already. When the total is shown and exactly
// one cell is hidden, the total less the shown cells would give that cell
// away; when the hidden cells hold between one and MinCellSize-1 people
// together, their sum would tell about fewer than five. Either way the
// smallest shown cell is hidden too, until neither holds. hidden itself is
// not changed.
func SuppressComplement(values []int64, hidden []bool, totalShown bool) []bool {
	out := slices.Clone(hidden)
	if !totalShown {
		return out
	}
	for {
		n, sum, smallest := 0, int64(0), -1
		for i, h := range out {
			switch {
			case h:
				n++
				sum += values[i]
			case smallest < 0 || values[i] < values[smallest]:
				smallest = i
			}
		}
		if n == 0 || smallest < 0 || n > 1 && (sum == 0 || sum >= MinCellSize) {
			return out
		}
		out[smallest] = true
	}
}

// RoundHalfAway rounds v to decimals places with halves away from zero.
func RoundHalfAway(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}
