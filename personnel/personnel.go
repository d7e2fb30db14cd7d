// Package personnel serves HR's staff figures: the headcount by area and
// profession on any day, starts, leavers and turnover, vacancies and their
// applicants, training and sick leave, and the personnel survey's share
// that would recommend the sector as an employer. HR reads and stores the
// records; analysts read the figures, which are aggregates only. A figure
// about fewer than sotepe.MinCellSize people (the leavers of a small
// profession in one area, its sick-leave days) is suppressed. It
// implements sotepe.StaffService.
package personnel

import (
	"context"
	"fmt"
	"slices"

	"sotepe"
	"sotepe/report"
)

// Store is what the service reads and writes.
type Store interface {
	sotepe.StaffStore
	Areas(ctx context.Context) ([]sotepe.Area, error)
	SurveyTally(ctx context.Context, survey string) (sotepe.SurveyTally, error)
}

// Service implements sotepe.StaffService.
type Service struct {
	store Store
}

var _ sotepe.StaffService = (*Service)(nil)

// New returns a Service over st.
func New(st Store) *Service { return &Service{store: st} }

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "only HR and analysts read the staff figures"}
}

// Save stores HR's records whole or nothing. Only HR may (EForbidden);
// a bad record is the store's EInvalid naming its field, kind and index.
func (s *Service) Save(ctx context.Context, u sotepe.User, r sotepe.StaffRecords) error {
	if !u.Has(sotepe.RoleHR) {
		return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "only HR stores staff records"}
	}
	return s.store.SaveStaffRecords(ctx, r)
}

// cellKey is an area and a profession ("" for the area's total).
type cellKey struct{ area, profession string }

// sums is what is counted of a cell before suppression.
type sums struct {
	headcount, before, yearEnd, starts, leavers int64
	sick, courses, days, vacancies, applicants  int64
}

func (a *sums) add(b sums) {
	a.headcount += b.headcount
	a.before += b.before
	a.yearEnd += b.yearEnd
	a.starts += b.starts
	a.leavers += b.leavers
	a.sick += b.sick
	a.courses += b.courses
	a.days += b.days
	a.vacancies += b.vacancies
	a.applicants += b.applicants
}

// Figures returns the staff figures of q for HR and analysts (EForbidden
// for anyone else). The headcount is on q.Day (the year's last day when
// empty); starts, leavers, training, sick leave and vacancies are the
// year's; the turnover is sotepe.Turnover of the year's leavers over the
// headcounts on the last days of the year before and the year, one
// decimal. Starts, leavers and the turnover of a cell with fewer than
// five leavers or starters, and the sick-leave days of a cell of fewer than
// five people, are suppressed. A year outside 2000–2100 or a day that is
// not a date is EInvalid.
func (s *Service) Figures(ctx context.Context, u sotepe.User, q sotepe.StaffFiguresQuery) (sotepe.StaffFigures, error) {
	out := sotepe.StaffFigures{Year: q.Year, Day: q.Day, Areas: []sotepe.StaffAreaFigures{}, Cells: []sotepe.StaffAreaFigures{}}
	if !u.Has(sotepe.RoleHR) && !u.Has(sotepe.RoleAnalyst) {
		return out, forbidden()
	}
	if q.Year < 2000 || q.Year > 2100 {
		return out, sotepe.InvalidField("year", "staff.error.year", "the year is out of range")
	}
	yearEnd := fmt.Sprintf("%04d-12-31", q.Year)
	if out.Day == "" {
		out.Day = yearEnd
	}
	if !sotepe.ValidDay(out.Day) {
		return out, sotepe.InvalidField("day", "error.date", "the day is not a date")
	}
	cells := map[cellKey]*sums{}
	at := func(area, profession string) *sums {
		k := cellKey{area, profession}
		if cells[k] == nil {
			cells[k] = &sums{}
		}
		return cells[k]
	}
	counts := func(rows []sotepe.StaffCell, err error, field func(*sums) *int64) error {
		for _, r := range rows {
			*field(at(r.AreaID, r.Profession)) += r.Count
		}
		return err
	}
	from, prevEnd := fmt.Sprintf("%04d-01-01", q.Year), fmt.Sprintf("%04d-12-31", q.Year-1)
	rows, err := s.store.StaffHeadcount(ctx, out.Day)
	if err := counts(rows, err, func(c *sums) *int64 { return &c.headcount }); err != nil {
		return out, err
	}
	rows, err = s.store.StaffHeadcount(ctx, prevEnd)
	if err := counts(rows, err, func(c *sums) *int64 { return &c.before }); err != nil {
		return out, err
	}
	rows, err = s.store.StaffHeadcount(ctx, yearEnd)
	if err := counts(rows, err, func(c *sums) *int64 { return &c.yearEnd }); err != nil {
		return out, err
	}
	rows, err = s.store.StaffStarts(ctx, from, yearEnd)
	if err := counts(rows, err, func(c *sums) *int64 { return &c.starts }); err != nil {
		return out, err
	}
	rows, err = s.store.StaffLeavers(ctx, from, yearEnd)
	if err := counts(rows, err, func(c *sums) *int64 { return &c.leavers }); err != nil {
		return out, err
	}
	months, err := s.store.StaffMonths(ctx, fmt.Sprintf("%04d-01", q.Year), fmt.Sprintf("%04d-12", q.Year))
	if err != nil {
		return out, err
	}
	for _, m := range months {
		c := at(m.AreaID, m.Profession)
		c.courses += m.Courses
		c.days += m.TrainingDays
		c.sick += m.SickDays
	}
	vac, err := s.store.StaffVacancies(ctx, from, yearEnd)
	if err != nil {
		return out, err
	}
	for _, v := range vac {
		c := at(v.AreaID, v.Profession)
		c.vacancies += v.Vacancies
		c.applicants += v.Applicants
	}
	areas, err := s.store.Areas(ctx)
	if err != nil {
		return out, err
	}
	order := make([]string, 0, len(areas))
	for _, a := range areas {
		order = append(order, a.ID)
	}
	byArea := map[string]*sums{}
	var total sums
	var keys []cellKey
	for k, c := range cells {
		keys = append(keys, k)
		if byArea[k.area] == nil {
			byArea[k.area] = &sums{}
			if !slices.Contains(order, k.area) {
				order = append(order, k.area)
			}
		}
		byArea[k.area].add(*c)
		total.add(*c)
	}
	profIndex := func(id string) int {
		return slices.IndexFunc(sotepe.Professions, func(p sotepe.Profession) bool { return p.ID == id })
	}
	slices.SortFunc(keys, func(a, b cellKey) int {
		if ia, ib := slices.Index(order, a.area), slices.Index(order, b.area); ia != ib {
			return ia - ib
		}
		return profIndex(a.profession) - profIndex(b.profession)
	})
	out.Total = figures("", "", total)
	var areaRows []row
	for _, id := range order {
		if c := byArea[id]; c != nil {
			out.Areas = append(out.Areas, figures(id, "", *c))
			areaRows = append(areaRows, row{c: *c})
		}
	}
	for i := range areaRows {
		areaRows[i].f = &out.Areas[i]
	}
	suppressComplements(row{&out.Total, total}, areaRows)
	for _, k := range keys {
		out.Cells = append(out.Cells, figures(k.area, k.profession, *cells[k]))
	}
	for i, a := range out.Areas {
		var group []row
		for j := range out.Cells {
			if out.Cells[j].AreaID == a.AreaID {
				group = append(group, row{&out.Cells[j], *cells[keys[j]]})
			}
		}
		suppressComplements(row{&out.Areas[i], areaRows[i].c}, group)
	}
	out.Survey, err = report.RecommendShare(ctx, s.store, q.Year)
	return out, err
}

// figures turns a cell's sums into what may be shown of them.
func figures(area, profession string, c sums) sotepe.StaffAreaFigures {
	f := sotepe.StaffAreaFigures{AreaID: area, Profession: profession, Headcount: c.headcount, HeadcountBefore: c.before,
		Starts: sotepe.CountCell(c.starts), Leavers: sotepe.CountCell(c.leavers), Courses: c.courses, TrainingDays: c.days,
		Vacancies: c.vacancies, Applicants: c.applicants}
	// The turnover reveals the leavers given the headcounts: it goes with
	// them.
	if !f.Leavers.Suppressed {
		if t := sotepe.Turnover(c.leavers, c.before, c.yearEnd); t != nil {
			v := sotepe.RoundHalfAway(*t, 1)
			f.TurnoverPercent.Value = &v
		}
	} else {
		f.TurnoverPercent.Suppressed = true
	}
	// Sick leave is about the cell's people: fewer than five could be
	// told apart.
	if sotepe.Suppressed(c.headcount) {
		f.SickLeaveDays = sotepe.Cell{Suppressed: true}
	} else {
		v := float64(c.sick)
		f.SickLeaveDays.Value = &v
	}
	return f
}

// row is a shown row of the figures and what it counts.
type row struct {
	f *sotepe.StaffAreaFigures
	c sums
}

// suppressComplements hides the figures of rows that their group's total
// would give away (sotepe.SuppressComplement): the areas within the
// sector's total, the professions within their area. Starts and leavers
// count their people; sick-leave days are about the row's headcount. The
// turnover goes with the leavers.
func suppressComplements(total row, rows []row) {
	measures := []struct {
		cell   func(*sotepe.StaffAreaFigures) *sotepe.Cell
		people func(sums) int64
	}{
		{func(f *sotepe.StaffAreaFigures) *sotepe.Cell { return &f.Starts }, func(c sums) int64 { return c.starts }},
		{func(f *sotepe.StaffAreaFigures) *sotepe.Cell { return &f.Leavers }, func(c sums) int64 { return c.leavers }},
		{func(f *sotepe.StaffAreaFigures) *sotepe.Cell { return &f.SickLeaveDays }, func(c sums) int64 { return c.headcount }},
	}
	for _, m := range measures {
		values := make([]int64, len(rows))
		hidden := make([]bool, len(rows))
		for i, r := range rows {
			values[i], hidden[i] = m.people(r.c), m.cell(r.f).Suppressed
		}
		for i, h := range sotepe.SuppressComplement(values, hidden, !m.cell(total.f).Suppressed) {
			if h {
				*m.cell(rows[i].f) = sotepe.Cell{Suppressed: true}
			}
		}
	}
	for _, r := range rows {
		if r.f.Leavers.Suppressed {
			r.f.TurnoverPercent = sotepe.Cell{Suppressed: true}
		}
	}
}
