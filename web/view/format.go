package view

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// Missing is what a figure without a value shows.
const Missing = "–"

// Count writes a count with its thousands grouped as the language does:
// "12 345" in Finnish and Swedish (with a no-break space), "12,345" in
// English.
func Count(lang sotepe.Lang, v int64) string {
	s := strconv.FormatInt(v, 10)
	sep := "\u00a0"
	if lang == sotepe.English {
		sep = ","
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && c != '-' && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Share writes a share (0–1) as a percentage with one decimal in the
// language's way: "93,3 %" in Finnish and Swedish, "93.3%" in English; nil
// is Missing.
func Share(lang sotepe.Lang, v *float64) string {
	if v == nil {
		return Missing
	}
	return Percent(lang, *v*100, 1)
}

// Percent writes pct per cent with decimals decimals in the language's way.
func Percent(lang sotepe.Lang, pct float64, decimals int) string {
	if lang == sotepe.English {
		return Decimal(lang, pct, decimals) + "%"
	}
	return Decimal(lang, pct, decimals) + "\u00a0%"
}

// Hours writes hours with two decimals, with a decimal comma in Finnish and
// Swedish; nil is Missing.
func Hours(lang sotepe.Lang, v *float64) string {
	if v == nil {
		return Missing
	}
	return Decimal(lang, *v, 2) + "\u00a0h"
}

// Decimal writes v with decimals decimals and the language's decimal mark:
// a comma in Finnish and Swedish, a point in English.
func Decimal(lang sotepe.Lang, v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if lang != sotepe.English {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// CountFormat writes counts for lang, rounded to whole numbers.
func CountFormat(lang sotepe.Lang) func(float64) string {
	return func(v float64) string { return Count(lang, int64(math.Round(v))) }
}

// PercentFormat writes values in per cent with one decimal for lang.
func PercentFormat(lang sotepe.Lang) func(float64) string {
	return func(v float64) string { return Percent(lang, v, 1) }
}

// ScoreFormat writes scores (NPS) with one decimal for lang.
func ScoreFormat(lang sotepe.Lang) func(float64) string {
	return func(v float64) string { return Decimal(lang, v, 1) }
}

// Minutes writes seconds as minutes and seconds, "6 min 5 s"; nil is
// Missing.
func Minutes(sec *float64) string {
	if sec == nil {
		return Missing
	}
	return Duration(time.Duration(math.Round(*sec)) * time.Second)
}

// Duration writes d as hours and minutes, or minutes and seconds under an
// hour: units every language of the pages writes the same, and no clock
// time's colon or dot.
func Duration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d\u00a0h %d\u00a0min", s/3600, s/60%60)
	}
	return fmt.Sprintf("%d\u00a0min %d\u00a0s", s/60, s%60)
}

// Euros writes whole euros v with the language's grouping and the sign
// after a no-break space: "1 234 €".
func Euros(lang sotepe.Lang, v int64) string { return Count(lang, v) + "\u00a0€" }

// Tile is one headline figure of a dashboard: its label, its value written
// for the page's language and a note under it; ID is the element's id.
type Tile struct {
	ID, Label, Value, Note string
}

// SummaryLine is one answered question as the summary of an assessment or
// a survey shows it.
type SummaryLine struct {
	ID, Question, Answer string
}
