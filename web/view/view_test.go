package view_test

import (
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/web/view"
)

func TestNumbersInEachLanguage(t *testing.T) {
	share, hours, secs := 0.9333, 12.5, 364.6
	cases := []struct{ got, want string }{
		{view.Count(sotepe.Finnish, 1234567), "1\u00a0234\u00a0567"},
		{view.Count(sotepe.Swedish, -1234), "-1\u00a0234"},
		{view.Count(sotepe.English, 1234567), "1,234,567"},
		{view.Count(sotepe.English, 999), "999"},
		{view.Share(sotepe.Finnish, &share), "93,3\u00a0%"},
		{view.Share(sotepe.English, &share), "93.3%"},
		{view.Share(sotepe.English, nil), view.Missing},
		{view.Hours(sotepe.Swedish, &hours), "12,50\u00a0h"},
		{view.Hours(sotepe.Finnish, nil), view.Missing},
		{view.Decimal(sotepe.English, -3.25, 1), "-3.2"},
		{view.CountFormat(sotepe.English)(1499.6), "1,500"},
		{view.PercentFormat(sotepe.Finnish)(50), "50,0\u00a0%"},
		{view.ScoreFormat(sotepe.Swedish)(-12.34), "-12,3"},
		{view.Minutes(&secs), "6\u00a0min 5\u00a0s"},
		{view.Minutes(nil), view.Missing},
		{view.Euros(sotepe.Finnish, 1234), "1\u00a0234\u00a0€"},
		{view.Euros(sotepe.English, 1234), "1,234\u00a0€"},
		{view.Duration(59*time.Second + 400*time.Millisecond), "0\u00a0min 59\u00a0s"},
		{view.Duration(2*time.Hour + 5*time.Minute + 30*time.Second), "2\u00a0h 5\u00a0min"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}

func TestCSV(t *testing.T) {
	rec := httptest.NewRecorder()
	c := view.NewCSV(rec, "x-2026.csv", "id", "fi", "sv", "en", "n", "share")
	v := 0.5
	c.Row(append(view.Group("=cmd", sotepe.Names{Fi: "+a", Sv: "b,c", En: "@d"}), view.Int(-7), view.OptFloat(&v))...)
	c.Row("", "", "", "", view.Int(0), view.OptFloat(nil))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	want := "id,fi,sv,en,n,share\n'=cmd,'+a,\"b,c\",'@d,-7,0.5\n,,,,0,\n"
	if got := rec.Body.String(); got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="x-2026.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
}

func TestBarChart(t *testing.T) {
	one, minus := 50.0, -50.0
	c := view.NewBarChart(view.ChartSpec{ID: "c", Labels: []string{"a", "b", "c"}, Values: []*float64{&one, nil, &minus},
		Lo: -100, Hi: 100, Format: view.ScoreFormat(sotepe.English), Missing: "none"})
	if len(c.Bars) != 3 || len(c.Rows) != 3 || len(c.Ticks) != 5 {
		t.Fatalf("%d bars, %d rows, %d ticks", len(c.Bars), len(c.Rows), len(c.Ticks))
	}
	// The zero line is in the middle of a -100–100 scale; the bars of 50
	// and -50 reach a quarter of the plot up and down from it.
	if mid := c.Top + c.PlotH/2; math.Abs(c.Zero-mid) > 1e-9 {
		t.Errorf("zero at %v, want %v", c.Zero, mid)
	}
	up, down := c.Bars[0], c.Bars[2]
	if math.Abs(up.H-c.PlotH/4) > 1e-9 || math.Abs(up.Y+up.H-c.Zero) > 1e-9 {
		t.Errorf("bar up %+v", up)
	}
	if math.Abs(down.H-c.PlotH/4) > 1e-9 || math.Abs(down.Y-c.Zero) > 1e-9 {
		t.Errorf("bar down %+v", down)
	}
	if !c.Bars[1].Missing || c.Bars[1].Title != "b: none" || c.Rows[1].Value != view.Missing {
		t.Errorf("missing bar %+v, row %+v", c.Bars[1], c.Rows[1])
	}
	if c.Rows[0].Value != "50.0" || c.Ticks[0].Label != "-100.0" {
		t.Errorf("row %+v, tick %+v", c.Rows[0], c.Ticks[0])
	}
	if f := view.Frame(view.ChartLeft); f.Right != view.ChartWidth-view.ChartRight || f.Bottom != view.ChartHeight-view.ChartBottom {
		t.Errorf("frame %+v", f)
	}
}

// TestChartLabelsWhole checks that the labels under the axis are never cut
// short, fit the margin below the plot, and keep to LabelLines lines.
func TestChartLabelsWhole(t *testing.T) {
	labels := []string{"Terveys- ja päihdepalvelut", "Perhe- ja sosiaalipalvelut", "Sairaala-, kuntoutus- ja hoivapalvelut",
		"Pelastuslaitos", "Hallinto ja tuki", "Ostopalvelut ja palvelusetelit", "Muut"}
	vals := make([]*float64, len(labels))
	for i := range vals {
		v := float64(i)
		vals[i] = &v
	}
	c := view.NewBarChart(view.ChartSpec{ID: "c", Labels: labels, Values: vals, Hi: 10, Format: view.ScoreFormat(sotepe.Finnish)})
	for i, b := range c.Bars {
		if b.Label != labels[i] || strings.Join(b.Lines, " ") != labels[i] {
			t.Errorf("bar %d: label %q, lines %q, want %q whole", i, b.Label, b.Lines, labels[i])
		}
		if len(b.Lines) == 0 || len(b.Lines) > view.LabelLines {
			t.Errorf("bar %d: %d lines", i, len(b.Lines))
		}
	}
	// The last line's baseline (1.15 em of 14 units apart) stays inside the chart.
	if last := c.LabelY + float64(view.LabelLines-1)*1.15*14; last > float64(c.Height)-2 {
		t.Errorf("labels end at %v, chart is %d high", last, c.Height)
	}
}

func TestScaleAndLabels(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{0, 4}, {1, 4}, {4, 4}, {7, 8}, {1.5, 4}, {17, 20}, {420, 500}, {2001, 4000}, {5569, 8000}} {
		if got := view.NiceMax(c.in); got != c.want {
			t.Errorf("NiceMax(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in    string
		n, ln int
		want  string
	}{
		{"Kallion terveysasema", 8, 3, "Kallion|terveysasema"},
		{"Kallio", 8, 3, "Kallio"},
		{"Terveys- ja päihdepalvelut", 12, 3, "Terveys- ja|päihdepalvelut"},
		{"a b c d e", 1, 3, "a|b|c d e"},
		{"", 8, 3, ""},
	} {
		if got := strings.Join(view.WrapLabel(c.in, c.n, c.ln), "|"); got != c.want {
			t.Errorf("WrapLabel(%q, %d, %d) = %q, want %q", c.in, c.n, c.ln, got, c.want)
		}
	}
	// The ticks of a count scale are distinct whole numbers, whatever the
	// largest count (issue 17: an axis "0, 0, 1, 1, 1").
	for _, top := range []float64{0, 1, 2, 3, 5, 9, 13, 37, 99, 101, 999, 5569, 123456} {
		c := view.NewBarChart(view.ChartSpec{Labels: []string{"a"}, Values: []*float64{&top}, Lo: 0, Hi: view.NiceMax(top), Format: view.CountFormat(sotepe.English)})
		seen := map[string]bool{}
		for i, tk := range c.Ticks {
			v := view.NiceMax(top) * float64(i) / 4
			if v != math.Trunc(v) || seen[tk.Label] {
				t.Errorf("top %v: tick %d is %v (%q), ticks %+v", top, i, v, tk.Label, c.Ticks)
			}
			seen[tk.Label] = true
		}
		if view.NiceMax(top) < top {
			t.Errorf("top %v above the scale %v", top, view.NiceMax(top))
		}
	}
}
