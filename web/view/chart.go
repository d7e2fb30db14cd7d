package view

import (
	"math"
	"strings"
)

// The bar charts of the pages: SVG drawn on the server, with the data table
// behind each. templates/dashboard_chart.partial.html draws them: "barchart"
// the chart alone (the answer-promise page, whose own tables hold its
// figures), "dashchart" the chart and its table (the dashboard).

// Chart is the geometry of a bar chart drawn as SVG: the plot area, its
// bars and the ticks of its scale, with the title, description and axis
// name that screen readers get.
type Chart struct {
	Width, Height     int
	Left, Top         float64 // the plot area
	PlotW, PlotH      float64
	Bottom, Right     float64
	TickX, LabelY     float64 // where the scale's and the periods' labels go
	Bars              []Bar
	Ticks             []Tick
	Title, Desc, Axis string
}

// Bar is one bar of a Chart, or the marker of a value that is missing.
type Bar struct {
	X, Y, W, H float64
	LabelX     float64
	Label      string   // shown under the axis, for some bars only, whole
	Lines      []string // Label broken into the lines drawn under the bar
	Title      string   // "2026-W48: 93,3 %", the bar's tooltip
	Missing    bool     // no known outcome: a marker instead of a bar
}

// Tick is one labelled line of a Chart's scale.
type Tick struct {
	Y     float64
	Label string
}

// The size of every chart in SVG units, its margins around the plot area,
// and how many labels at most go under the axis. The pages draw the text 14
// units high and never draw a chart narrower than 652 CSS px (style.css), so
// no text is smaller than 12 CSS px; the margin below the plot holds labels
// of up to LabelLines lines.
const (
	ChartWidth  = 760
	ChartHeight = 300
	ChartLeft   = 48
	ChartTop    = 12
	ChartRight  = 12
	ChartBottom = 64
	ChartLabels = 12 // at most this many period labels under the axis
	LabelLines  = 3  // at most this many lines in a label under the axis
	// charWidth is the width of an average character of the 14-unit text.
	charWidth = 7.7
)

// Frame returns an empty chart of the standard size whose plot area starts
// left units from the left edge, leaving room for the scale's labels.
func Frame(left float64) Chart {
	c := Chart{Width: ChartWidth, Height: ChartHeight, Left: left, Top: ChartTop,
		PlotW: ChartWidth - left - ChartRight, PlotH: ChartHeight - ChartTop - ChartBottom}
	c.Right, c.Bottom = c.Left+c.PlotW, c.Top+c.PlotH
	c.TickX, c.LabelY = c.Left-6, c.Bottom+18
	return c
}

// BarChart is one bar chart and its data table.
type BarChart struct {
	Chart
	// ID names the chart's elements on a page with several charts.
	ID string
	// Zero is the y of the zero line (the bottom unless the scale goes
	// below zero).
	Zero float64
	// LabelHead and Head are the headers of the table's label and value
	// columns; Rows the table.
	LabelHead, Head string
	Rows            []ChartRow
}

// ChartRow is one line of a chart's data table.
type ChartRow struct {
	Label, Value string
}

// ChartSpec is what a chart shows: a label and a value (nil: no value, a
// marker instead of a bar) per bar on the scale lo–hi.
type ChartSpec struct {
	ID, Title, Desc, Axis string
	// LabelHead names what the bars are (months, areas).
	LabelHead string
	Labels    []string
	// AxisLabels, when given, are shorter forms of Labels for under the
	// axis ("12/2026" for "joulukuu 2026"); the tooltips and the table
	// keep Labels.
	AxisLabels []string
	Values     []*float64
	Lo, Hi     float64
	// Format writes a value for the ticks, tooltips and the table.
	Format func(float64) string
	// Missing is what a bar without a value says.
	Missing string
}

// NewBarChart lays out spec. A scale with no room (hi ≤ lo) is widened to one
// unit, so an all-zero series still draws.
func NewBarChart(spec ChartSpec) BarChart {
	c := BarChart{ID: spec.ID, LabelHead: spec.LabelHead, Head: spec.Axis}
	c.Chart = Frame(ChartLeft + 24)
	c.Title, c.Desc, c.Axis = spec.Title, spec.Desc, spec.Axis
	lo, hi := spec.Lo, spec.Hi
	if hi <= lo {
		hi = lo + 1
	}
	y := func(v float64) float64 { return c.Bottom - c.PlotH*(min(max(v, lo), hi)-lo)/(hi-lo) }
	c.Zero = y(max(lo, 0))
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		c.Ticks = append(c.Ticks, Tick{Y: y(v), Label: spec.Format(v)})
	}
	n := len(spec.Values)
	step := c.PlotW / float64(max(n, 1))
	every := (n + ChartLabels - 1) / ChartLabels
	for i, v := range spec.Values {
		b := Bar{X: c.Left + float64(i)*step + step*0.15, W: step * 0.7, LabelX: c.Left + float64(i)*step + step/2}
		if i%max(every, 1) == 0 {
			// A label is shown whole: broken into lines, never cut short.
			b.Label = spec.Labels[i]
			if i < len(spec.AxisLabels) {
				b.Label = spec.AxisLabels[i]
			}
			b.Lines = WrapLabel(b.Label, int(step*float64(every)/charWidth), LabelLines)
		}
		row := ChartRow{Label: spec.Labels[i], Value: "–"}
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

// WrapLabel breaks a label under a bar into at most lines lines of about n
// characters each, at spaces. Nothing is cut: a word longer than n keeps a
// line of its own, and the words past the last line join it.
func WrapLabel(label string, n, lines int) []string {
	words := strings.Fields(label)
	var out []string
	for _, w := range words {
		last := len(out) - 1
		switch {
		case last < 0:
			out = append(out, w)
		case len(out) == lines || len([]rune(out[last]))+1+len([]rune(w)) <= n:
			out[last] += " " + w
		default:
			out = append(out, w)
		}
	}
	return out
}

// NiceMax is the top of a count scale for values up to v: four times a
// whole step of 1, 1.25, 2, 2.5 or 5 times a power of ten (at least 1), so that the five
// ticks of a chart are distinct whole numbers ("0, 1, 2, 3, 4", "0, 250,
// 500, 750, 1 000"), never "0, 0, 1, 1, 1".
func NiceMax(v float64) float64 {
	for p := 1.0; ; p *= 10 {
		for _, m := range []float64{1, 1.25, 2, 2.5, 5} {
			if step := m * p; step == math.Trunc(step) && 4*step >= v {
				return 4 * step
			}
		}
	}
}
