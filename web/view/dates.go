package view

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// Dates writes dates, times, months and weeks in one language and time
// zone, with the names of days and months from the catalog: the one place
// the pages get their dates from. Machine forms (CSV, <time datetime>,
// input values) stay ISO and do not come from here.
type Dates struct {
	lang sotepe.Lang
	loc  *time.Location
	t    func(key string, args map[string]any) string
}

// NewDates returns the formatter for lang in loc; t translates a catalog
// key in lang (date.weekday.N, date.weekday_short.N, date.month.N,
// date.month_name.N, date.month_short.N and date.long are used).
func NewDates(lang sotepe.Lang, loc *time.Location, t func(key string, args map[string]any) string) Dates {
	if loc == nil {
		loc = time.UTC
	}
	return Dates{lang: lang, loc: loc, t: t}
}

func (d Dates) name(key string) string { return d.t(key, nil) }

// isoWeekday is Monday 1 … Sunday 7.
func isoWeekday(t time.Time) int {
	if wd := int(t.Weekday()); wd != 0 {
		return wd
	}
	return 7
}

// Date writes a day: "7.12.2026" in Finnish and Swedish, "7 Dec 2026" in
// English.
func (d Dates) Date(t time.Time) string {
	t = t.In(d.loc)
	return d.day(t.Year(), t.Month(), t.Day())
}

func (d Dates) day(y int, m time.Month, day int) string {
	if d.lang == sotepe.English {
		return fmt.Sprintf("%d %s %d", day, d.name(fmt.Sprintf("date.month_short.%d", int(m))), y)
	}
	return fmt.Sprintf("%d.%d.%d", day, int(m), y)
}

// Day writes a weekday and a day: "ma 7.12.2026", "mån 7.12.2026",
// "Mon 7 Dec 2026".
func (d Dates) Day(t time.Time) string {
	t = t.In(d.loc)
	return d.name(fmt.Sprintf("date.weekday_short.%d", isoWeekday(t))) + " " + d.Date(t)
}

// DayOf writes the day an ISO date ("2026-12-07") names as Day does; text
// that is not such a date comes back as it is.
func (d Dates) DayOf(iso string) string {
	t, err := time.ParseInLocation(time.DateOnly, iso, d.loc)
	if err != nil {
		return iso
	}
	return d.Day(t)
}

// DateOf writes an ISO date ("2026-12-07") as Date does; text that is not
// such a date comes back as it is.
func (d Dates) DateOf(iso string) string {
	t, err := time.ParseInLocation(time.DateOnly, iso, d.loc)
	if err != nil {
		return iso
	}
	return d.Date(t)
}

// Time writes a time of day: "12.30" in Finnish and Swedish, "12:30" in
// English.
func (d Dates) Time(t time.Time) string {
	t = t.In(d.loc)
	if d.lang == sotepe.English {
		return t.Format("15:04")
	}
	return t.Format("15.04")
}

// TimeOf writes a time of day given as "08:00" (opening hours) as Time
// does: "08.00" in Finnish and Swedish, "08:00" in English; text that is no
// such time comes back as it is.
func (d Dates) TimeOf(hhmm string) string {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return hhmm
	}
	if d.lang == sotepe.English {
		return t.Format("15:04")
	}
	return t.Format("15.04")
}

// DateTime writes a weekday, day and time: "ma 7.12.2026 klo 12.30",
// "mån 7.12.2026 kl. 12.30", "Mon 7 Dec 2026, 12:30".
func (d Dates) DateTime(t time.Time) string {
	switch d.lang {
	case sotepe.English:
		return d.Day(t) + ", " + d.Time(t)
	case sotepe.Swedish:
		return d.Day(t) + " kl.\u00a0" + d.Time(t)
	default:
		return d.Day(t) + " klo " + d.Time(t)
	}
}

// Month writes a month in words: "joulukuu 2026", "december 2026",
// "December 2026".
func (d Dates) Month(y int, m time.Month) string {
	return d.name(fmt.Sprintf("date.month_name.%d", int(m))) + " " + strconv.Itoa(y)
}

// ShortMonth writes a month briefly for a chart's axis: "12/2026" in
// Finnish and Swedish, "Dec 2026" in English.
func (d Dates) ShortMonth(y int, m time.Month) string {
	if d.lang == sotepe.English {
		return d.name(fmt.Sprintf("date.month_short.%d", int(m))) + " " + strconv.Itoa(y)
	}
	return fmt.Sprintf("%d/%d", int(m), y)
}

// Week writes an ISO week in words: "viikko 45/2026", "vecka 45 2026",
// "week 45, 2026".
func (d Dates) Week(y, w int) string {
	switch d.lang {
	case sotepe.English:
		return fmt.Sprintf("week %d, %d", w, y)
	case sotepe.Swedish:
		return fmt.Sprintf("vecka %d %d", w, y)
	default:
		return fmt.Sprintf("viikko %d/%d", w, y)
	}
}

// Period writes the label of a statistics period as words: an ISO date
// ("2026-12-07") as Date, a month ("2026-12") as Month, a week
// ("2026-W45") as Week and a year as it is; anything else comes back as
// it is.
func (d Dates) Period(label string) string {
	switch {
	case len(label) == 10 && label[4] == '-' && label[7] == '-':
		return d.DateOf(label)
	case len(label) == 7 && label[4] == '-':
		if t, err := time.Parse("2006-01", label); err == nil {
			return d.Month(t.Year(), t.Month())
		}
	case len(label) >= 7 && label[4] == '-' && (label[5] == 'W' || label[5] == 'w'):
		y, err1 := strconv.Atoi(label[:4])
		w, err2 := strconv.Atoi(strings.TrimLeft(label[6:], "0"))
		if err1 == nil && err2 == nil {
			return d.Week(y, w)
		}
	}
	return label
}

// ShortPeriod is Period for a chart's axis: months as ShortMonth, weeks
// as "vk 45", "v. 45", "wk 45" when the year is the chart's, days as
// Date.
func (d Dates) ShortPeriod(label string) string {
	switch {
	case len(label) == 7 && label[4] == '-' && label[5] != 'W':
		if t, err := time.Parse("2006-01", label); err == nil {
			return d.ShortMonth(t.Year(), t.Month())
		}
	case len(label) >= 7 && label[4] == '-' && label[5] == 'W':
		if w, err := strconv.Atoi(strings.TrimLeft(label[6:], "0")); err == nil {
			switch d.lang {
			case sotepe.English:
				return fmt.Sprintf("wk %d/%s", w, label[2:4])
			case sotepe.Swedish:
				return fmt.Sprintf("v. %d/%s", w, label[2:4])
			default:
				return fmt.Sprintf("vk %d/%s", w, label[2:4])
			}
		}
	}
	return d.Period(label)
}

// Long writes a weekday, day, month and time as promises are written:
// "maanantaina 7. joulukuuta klo 12.30", "måndag 7 december kl. 12.30",
// "Monday 7 December at 12:30", from the catalog's date.long.
func (d Dates) Long(t time.Time) string {
	t = t.In(d.loc)
	return d.t("date.long", map[string]any{"Weekday": d.name(fmt.Sprintf("date.weekday.%d", isoWeekday(t))), "Day": t.Day(),
		"Month": d.name(fmt.Sprintf("date.month.%d", int(t.Month()))), "Hour": t.Format("15"), "Minute": t.Format("04")})
}
