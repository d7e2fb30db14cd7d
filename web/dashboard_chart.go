package web

import (
	"math"
	"strings"

	"sotepe"
)

// The charts of the dashboard and the annual report: bar charts drawn as SVG
// on the server, in the geometry and the types of the answer-promise chart
// (statsChart, statsBar and statsTick of stats.go), with the data table
// behind each. templates/dashboard_chart.partial.html draws one.

// chart is one bar chart and its data.
type chart struct {
	statsChart
	// ID names the chart's elements on a page with several charts.
	ID string
	// Zero is the y of the zero line (the bottom unless the scale goes
	// below zero).
	Zero float64
	// LabelHead and Head are the headers of the table's label and value
	// columns; Rows the table.
	LabelHead, Head string
	Rows            []chartRow
}

// chartRow is one line of a chart's data table.
type chartRow struct {
	Label, Value string
}

// chartSpec is what a chart shows: a label and a value (nil: no value, a
// marker instead of a bar) per bar on the scale lo–hi.
type chartSpec struct {
	ID, Title, Desc, Axis string
	// LabelHead names what the bars are (months, areas).
	LabelHead string
	Labels    []string
	Values    []*float64
	Lo, Hi    float64
	// Format writes a value for the ticks, tooltips and the table.
	Format func(float64) string
	// Missing is what a bar without a value says.
	Missing string
}

// newChart lays out spec. A scale with no room (hi ≤ lo) is widened to one
// unit, so an all-zero series still draws.
func newChart(spec chartSpec) chart {
	c := chart{ID: spec.ID, LabelHead: spec.LabelHead, Head: spec.Axis}
	c.statsChart = statsChart{Width: chartWidth, Height: chartHeight, Left: chartLeft + 24, Top: chartTop,
		PlotW: chartWidth - chartLeft - 24 - chartRight, PlotH: chartHeight - chartTop - chartBottom,
		Title: spec.Title, Desc: spec.Desc, Axis: spec.Axis}
	c.Right, c.Bottom = c.Left+c.PlotW, c.Top+c.PlotH
	c.TickX, c.LabelY = c.Left-6, c.Bottom+18
	lo, hi := spec.Lo, spec.Hi
	if hi <= lo {
		hi = lo + 1
	}
	y := func(v float64) float64 { return c.Bottom - c.PlotH*(min(max(v, lo), hi)-lo)/(hi-lo) }
	c.Zero = y(max(lo, 0))
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		c.Ticks = append(c.Ticks, statsTick{Y: y(v), Label: spec.Format(v)})
	}
	n := len(spec.Values)
	step := c.PlotW / float64(max(n, 1))
	every := (n + chartLabels - 1) / chartLabels
	for i, v := range spec.Values {
		b := statsBar{X: c.Left + float64(i)*step + step*0.15, W: step * 0.7, LabelX: c.Left + float64(i)*step + step/2}
		if i%max(every, 1) == 0 {
			b.Label = fitLabel(spec.Labels[i], int(step/6.5))
		}
		row := chartRow{Label: spec.Labels[i], Value: "–"}
		if v == nil {
			b.Missing, b.Y, b.H = true, c.Zero-2, 2
			b.Title = spec.Labels[i] + ": " + spec.Missing
		} else {
			top := y(*v)
			b.Y, b.H = math.Min(top, c.Zero), math.Abs(c.Zero-top)
			row.Value = spec.Format(*v)
			b.Title = spec.Labels[i] + ": " + row.Value
		}
		c.Bars = append(c.Bars, b)
		c.Rows = append(c.Rows, row)
	}
	return c
}

// fitLabel shortens a label under a bar to about n characters (at 12 px,
// some 6.5 px each) with an ellipsis; the whole label is in the bar's
// tooltip and in the table.
func fitLabel(label string, n int) string {
	r := []rune(label)
	if n < 2 || len(r) <= n {
		return label
	}
	return strings.TrimRight(string(r[:n-1]), " ,-") + "…"
}

// niceMax rounds v up to 1, 2 or 5 times a power of ten, for a count scale.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// countFormat writes counts for lang.
func countFormat(lang sotepe.Lang) func(float64) string {
	return func(v float64) string { return formatCount(lang, int64(math.Round(v))) }
}

// percentFormat writes shares in per cent with one decimal for lang.
func percentFormat(lang sotepe.Lang) func(float64) string {
	return func(v float64) string { return formatPercent(lang, v, 1) }
}

// scoreFormat writes NPS scores with one decimal for lang.
func scoreFormat(lang sotepe.Lang) func(float64) string {
	return func(v float64) string { return formatDecimal(lang, v, 1) }
}
