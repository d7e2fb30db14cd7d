package sotepe

import (
	"context"
	"strings"
)

// BudgetMonth is one service area's budget and actual spending of a month
// (YYYY-MM), in whole euros.
type BudgetMonth struct {
	AreaID    string `json:"area"`
	Month     string `json:"month"`
	BudgetEUR int64  `json:"budget_eur"`
	ActualEUR int64  `json:"actual_eur"`
}

// Validate checks a budget line (EInvalid naming the field): an area, a
// month YYYY-MM and euros not below 0.
func (b BudgetMonth) Validate() error {
	switch {
	case b.AreaID == "":
		return InvalidField("area", "staff.error.area", "the area is missing")
	case !ValidMonth(b.Month):
		return InvalidField("month", "staff.error.month", "the month is not YYYY-MM")
	case b.BudgetEUR < 0:
		return InvalidField("budget_eur", "staff.error.negative", "euros below 0")
	case b.ActualEUR < 0:
		return InvalidField("actual_eur", "staff.error.negative", "euros below 0")
	}
	return nil
}

// ChangeMeasure is a measure of the change programme: its names, the area
// it belongs to ("" for the whole sector), the euros it must save a year by
// TargetYear, and the euros it achieved by year.
type ChangeMeasure struct {
	ID         string          `json:"id"`
	Names      Names           `json:"names"`
	AreaID     string          `json:"area,omitempty"`
	TargetEUR  int64           `json:"target_eur"`
	TargetYear int             `json:"target_year"`
	Achieved   []MeasureSaving `json:"achieved"`
}

// MeasureSaving is what a measure saved in one year, in euros.
type MeasureSaving struct {
	Year int   `json:"year"`
	EUR  int64 `json:"eur"`
}

// Validate checks a measure (EInvalid naming the field).
func (m ChangeMeasure) Validate() error {
	switch {
	case !validKey(m.ID):
		return InvalidField("id", "staff.error.key", "the measure id is 1-64 letters, digits, - or _")
	case !m.Names.Complete() || !ValidText(m.Names.Fi+m.Names.Sv+m.Names.En):
		return InvalidField("names", "economy.error.names", "the names in fi, sv and en")
	case m.TargetEUR < 0:
		return InvalidField("target_eur", "staff.error.negative", "euros below 0")
	case m.TargetYear < 2000 || m.TargetYear > 2100:
		return InvalidField("target_year", "economy.error.year", "the target year is out of range")
	}
	for _, a := range m.Achieved {
		if a.Year < 2000 || a.Year > 2100 {
			return InvalidField("achieved", "economy.error.year", "a year out of range")
		}
		if a.EUR < 0 {
			return InvalidField("achieved", "staff.error.negative", "euros below 0")
		}
	}
	return nil
}

// HiredLabourMonth is what one area paid for hired labour (staffing
// agencies) in a month, in euros.
type HiredLabourMonth struct {
	AreaID string `json:"area"`
	Month  string `json:"month"`
	EUR    int64  `json:"eur"`
}

// Car is one car of the sector's fleet: in service from InService to
// OutOfService (the last day; "" while in use), electric or not.
type Car struct {
	ID           string `json:"id"`
	Electric     bool   `json:"electric"`
	InService    string `json:"in_service"`
	OutOfService string `json:"out_of_service,omitempty"`
}

// SolarMonth is the solar energy a unit's panels (a rescue station's)
// produced in a month, in kWh.
type SolarMonth struct {
	UnitID string `json:"unit"`
	Month  string `json:"month"`
	KWh    int64  `json:"kwh"`
}

// PlasticMonth is the plastic sorted for recycling in a month, in kg.
type PlasticMonth struct {
	Month string `json:"month"`
	Kg    int64  `json:"kg"`
}

// EconomyRecords is what finance stores in one go: budget lines (by area
// and month), change-programme measures (by id, their savings replaced),
// hired-labour costs (by area and month), cars (by id), solar energy (by
// unit and month) and sorted plastic (by month).
type EconomyRecords struct {
	Budget      []BudgetMonth
	Measures    []ChangeMeasure
	HiredLabour []HiredLabourMonth
	Cars        []Car
	Solar       []SolarMonth
	Plastic     []PlasticMonth
}

// Fleet is the cars in service on a day.
type Fleet struct {
	Cars     int64 `json:"cars"`
	Electric int64 `json:"electric_cars"`
}

// EconomyStore keeps finance's records and reads them summed.
type EconomyStore interface {
	// SaveEconomyRecords stores r whole in one transaction or nothing. An
	// invalid record, or one naming an unknown area or unit, is an
	// EInvalid *Error naming the field, whose Args hold "Kind" and
	// "Index".
	SaveEconomyRecords(ctx context.Context, r EconomyRecords) error
	// BudgetMonths returns the budget lines of the months from to to
	// (YYYY-MM, both included), by area and month.
	BudgetMonths(ctx context.Context, from, to string) ([]BudgetMonth, error)
	// ChangeMeasures returns every measure with its savings, by id.
	ChangeMeasures(ctx context.Context) ([]ChangeMeasure, error)
	// HiredLabourMonths returns the hired-labour costs of the months from
	// to to, by area and month.
	HiredLabourMonths(ctx context.Context, from, to string) ([]HiredLabourMonth, error)
	// FleetOn counts the cars in service on day.
	FleetOn(ctx context.Context, day string) (Fleet, error)
	// SolarMonths returns the solar energy of the months from to to, by
	// unit and month.
	SolarMonths(ctx context.Context, from, to string) ([]SolarMonth, error)
	// PlasticMonths returns the sorted plastic of the months from to to.
	PlasticMonths(ctx context.Context, from, to string) ([]PlasticMonth, error)
}

// Cell is a figure of the staff pages that may be suppressed: its value, or
// nil with Suppressed set when it is about fewer than MinCellSize people.
type Cell struct {
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed,omitempty"`
}

// CountCell returns the cell of a count about n people: suppressed below
// MinCellSize.
func CountCell(n int64) Cell {
	if Suppressed(n) {
		return Cell{Suppressed: true}
	}
	v := float64(n)
	return Cell{Value: &v}
}

// StaffFiguresQuery asks for the staff figures of a year: the headcount on
// its last day (or on Day when set, YYYY-MM-DD) and the year's movements.
type StaffFiguresQuery struct {
	Year int
	Day  string
}

// StaffAreaFigures is one area's (or, with AreaID "", the sector's) staff
// figures of a year, every count that could identify a person a Cell.
type StaffAreaFigures struct {
	AreaID     string `json:"area"`
	Profession string `json:"profession,omitempty"`
	// Headcount is on the query's day, HeadcountBefore on the last day of
	// the year before.
	Headcount       int64 `json:"headcount"`
	HeadcountBefore int64 `json:"headcount_previous_year_end"`
	Starts          Cell  `json:"starts"`
	Leavers         Cell  `json:"leavers"`
	// TurnoverPercent is Turnover in per cent, one decimal; suppressed
	// with the leavers.
	TurnoverPercent Cell  `json:"turnover_percent"`
	SickLeaveDays   Cell  `json:"sick_leave_days"`
	Courses         int64 `json:"courses"`
	TrainingDays    int64 `json:"training_days"`
	Vacancies       int64 `json:"vacancies"`
	Applicants      int64 `json:"applicants"`
}

// StaffFigures is HR's view of a year: the sector, each area, and each
// area and profession, plus the personnel survey's share that would
// recommend the sector as an employer.
type StaffFigures struct {
	Year   int                `json:"year"`
	Day    string             `json:"day"`
	Total  StaffAreaFigures   `json:"total"`
	Areas  []StaffAreaFigures `json:"areas"`
	Cells  []StaffAreaFigures `json:"by_profession"`
	Survey SurveyShare        `json:"personnel_survey"`
}

// SurveyShare is the share of the personnel survey's respondents who would
// recommend the sector as an employer; nil below MinCellSize respondents.
type SurveyShare struct {
	Survey      string   `json:"survey"`
	Respondents int64    `json:"respondents"`
	Recommend   *float64 `json:"recommend_percent"`
}

// EconomyFigures is finance's view of a year: budget and actual by area and
// month, the change programme and hired labour.
type EconomyFigures struct {
	Year        int                `json:"year"`
	Budget      []BudgetMonth      `json:"budget"`
	Measures    []ChangeMeasure    `json:"measures"`
	HiredLabour []HiredLabourMonth `json:"hired_labour"`
	// HiredLabourTotal and HiredLabourPrevious are the year's and the year
	// before's hired-labour costs.
	HiredLabourTotal    int64 `json:"hired_labour_eur"`
	HiredLabourPrevious int64 `json:"hired_labour_previous_year_eur"`
}

// SustainabilityFigures is the fleet at the year's end and the year
// before's, solar energy by station and month, and sorted plastic by month.
type SustainabilityFigures struct {
	Year          int            `json:"year"`
	Fleet         Fleet          `json:"fleet"`
	FleetPrevious Fleet          `json:"fleet_previous_year"`
	Solar         []SolarMonth   `json:"solar"`
	Plastic       []PlasticMonth `json:"plastic"`
	PlasticPrev   []PlasticMonth `json:"plastic_previous_year"`
}

// StaffService gives HR (and analysts, read only) the staff figures.
type StaffService interface {
	// Figures returns the staff figures of q. Only HR and analysts may
	// read them (EForbidden otherwise); a bad year or day is EInvalid.
	Figures(ctx context.Context, u User, q StaffFiguresQuery) (StaffFigures, error)
	// Save stores HR's records whole or nothing; only HR may (EForbidden).
	Save(ctx context.Context, u User, r StaffRecords) error
}

// EconomyService gives finance (and analysts, read only) the economy and
// sustainability figures.
type EconomyService interface {
	// Economy and Sustainability return the figures of year; only finance
	// and analysts may read them (EForbidden otherwise).
	Economy(ctx context.Context, u User, year int) (EconomyFigures, error)
	Sustainability(ctx context.Context, u User, year int) (SustainabilityFigures, error)
	// Save stores finance's records whole or nothing; only finance may.
	Save(ctx context.Context, u User, r EconomyRecords) error
}

// validCarID reports whether s is a usable car id.
func validCarID(s string) bool { return validKey(strings.TrimSpace(s)) && s == strings.TrimSpace(s) }

// Validate checks a car (EInvalid naming the field).
func (c Car) Validate() error {
	switch {
	case !validCarID(c.ID):
		return InvalidField("id", "staff.error.key", "the car id is 1-64 letters, digits, - or _")
	case !validDay(c.InService):
		return InvalidField("in_service", "error.date", "not a date")
	case c.OutOfService != "" && (!validDay(c.OutOfService) || c.OutOfService < c.InService):
		return InvalidField("out_of_service", "error.date", "not a date on or after in_service")
	}
	return nil
}

// Validate checks a month of solar energy (EInvalid naming the field).
func (s SolarMonth) Validate() error {
	switch {
	case s.UnitID == "":
		return InvalidField("unit", "economy.error.unit", "the unit is missing")
	case !ValidMonth(s.Month):
		return InvalidField("month", "staff.error.month", "the month is not YYYY-MM")
	case s.KWh < 0:
		return InvalidField("kwh", "staff.error.negative", "below 0")
	}
	return nil
}

// Validate checks a month of sorted plastic (EInvalid naming the field).
func (p PlasticMonth) Validate() error {
	switch {
	case !ValidMonth(p.Month):
		return InvalidField("month", "staff.error.month", "the month is not YYYY-MM")
	case p.Kg < 0:
		return InvalidField("kg", "staff.error.negative", "below 0")
	}
	return nil
}

// Validate checks a month of hired labour (EInvalid naming the field).
func (h HiredLabourMonth) Validate() error {
	switch {
	case h.AreaID == "":
		return InvalidField("area", "staff.error.area", "the area is missing")
	case !ValidMonth(h.Month):
		return InvalidField("month", "staff.error.month", "the month is not YYYY-MM")
	case h.EUR < 0:
		return InvalidField("eur", "staff.error.negative", "euros below 0")
	}
	return nil
}
