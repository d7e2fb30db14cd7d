package e2e

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sotepe/yeargen"
)

// reportScale is the scale of the year the report test generates: a
// hundredth of Helsinki's 2024, some 110,000 events.
const reportScale = 0.01

// swedishCount writes n as the Swedish pages do: thousands grouped with a
// no-break space.
func swedishCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// TestAnalystDashboardAndAnnualReport: the analyst opens the dashboard in
// Swedish, filters one service area, and opens the 2024 report, whose table
// holds every reference figure at the generated scale; the PDF of the same
// report renders a page.
func TestAnalystDashboardAndAnnualReport(t *testing.T) {
	ctx := browser(t)
	reference, err := yeargen.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	ref := reference.ServiceVolumes
	db := filepath.Join(t.TempDir(), "year.db")
	// The generator loads the demo network (349 units) and people on the
	// fresh database, then the year.
	gen := exec.Command(binary, "generate", "--year", "2024", "--scale", strconv.FormatFloat(reportScale, 'f', -1, 64), "--db", db)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate the year: %v\n%s", err, out)
	}
	url, _ := startOn(t, db)

	do(t, ctx, "sign in as the analyst", signInSteps(app{URL: url}, "analyst")...)
	do(t, ctx, "open the dashboard in Swedish and filter the rescue department",
		chromedp.Navigate(url+"/dashboard?lang=sv"),
		chromedp.WaitVisible(chromedp.ID("dashboard-filters")),
		chromedp.SetValue(chromedp.ID("from"), "2024-01-01"),
		chromedp.SetValue(chromedp.ID("to"), "2024-12-31"),
		chromedp.SetValue(chromedp.ID("area"), "rescue-department"),
		chromedp.Click(chromedp.ID("dashboard-show")),
		chromedp.WaitReady(chromedp.CSS(`#area option[value="rescue-department"][selected]`)),
		chromedp.WaitVisible(chromedp.ID("dashboard-areas")),
	)
	if lang := read(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value; lang != "sv" {
		t.Errorf("the dashboard is in %q, want sv", lang)
	}
	heading := read(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	if !strings.Contains(heading, "Ledningens översikt") {
		t.Errorf("heading %q", heading)
	}
	// One area's row; its missions are the two rescue statistics.
	areas := read(t, ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#dashboard-areas tbody tr")].map(r => [...r.cells].map(c => c.textContent.trim()))`))
	missions := int64(0)
	for _, v := range ref {
		if v.Key == "fire_rescue_missions" || v.Key == "prehospital_emergency_runs" {
			missions += int64(math.Round(v.Value * reportScale))
		}
	}
	if len(areas) != 1 || areas[0][0] != "Räddningsverket" || areas[0][4] != swedishCount(missions) {
		t.Errorf("the rescue department's volumes %q, want one row with %s missions", areas, swedishCount(missions))
	}
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart-visits-month rect").length`)); n != 12 {
		t.Errorf("%d bars in the monthly chart, want 12", n)
	}

	do(t, ctx, "open the 2024 report",
		chromedp.Click(chromedp.ID("dashboard-report")),
		chromedp.WaitVisible(chromedp.ID("report-volumes-table")),
	)
	cells := read(t, ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll("#report-volumes-table tr[data-key]")].map(r => [r.dataset.key, r.cells[1].textContent.trim()]))`))
	if len(cells) != len(ref) {
		t.Errorf("the report's table has %d lines, the reference %d", len(cells), len(ref))
	}
	for _, v := range ref {
		want := swedishCount(int64(math.Round(v.Value * reportScale)))
		if cells[v.Key] != want {
			t.Errorf("%s: the report shows %q, want %q (round(%v × %v))", v.Key, cells[v.Key], want, v.Value, reportScale)
		}
	}
	title := read(t, ctx, chromedp.Text(chromedp.CSS("h1")))
	if !strings.Contains(title, "Sektorns år 2024") {
		t.Errorf("report heading %q", title)
	}

	// The staff chart's labels are whole: each is the name of its row in
	// the table, and none is wider than its box (nothing cut or hidden).
	bars := read(t, ctx, chromedp.Evaluate[[][]any](`[...document.querySelectorAll("#report-staff-chart li")].map(li => {
		const l = li.querySelector(".bar-label"); return [l.textContent.trim(), l.scrollWidth <= l.clientWidth + 1] })`))
	rows := read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#report-staff-table tbody th")].map(th => th.textContent.trim())`))
	if len(bars) == 0 || len(bars) != len(rows) {
		t.Errorf("%d bars in the staff chart for %d rows of its table", len(bars), len(rows))
	}
	for i, b := range bars {
		if i < len(rows) && (b[0] != rows[i] || b[1] != true) {
			t.Errorf("bar %d is labelled %q (whole: %v), its row %q", i, b[0], b[1], rows[i])
		}
	}
	// On a phone (320 px) the page does not scroll sideways: the chart
	// wraps, wide tables scroll inside their own region.
	do(t, ctx, "view the report at 320 px", chromedp.EmulateViewport(320, 800), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("report-staff-chart")))
	// The site's header is the layout's; the report's own elements must fit
	// (a table scrolls inside its region).
	wide := read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#annual-report *")].filter(e => !e.closest(".scroll, .report-table-region") &&
		e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`))
	if len(wide) > 0 {
		t.Errorf("at 320 px these parts of the report are wider than the page: %q", wide)
	}
	do(t, ctx, "back to a desktop", chromedp.EmulateViewport(1280, 900), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("report-staff-chart")))
	answered := read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-figure="e_services.contact_requests_answered"]')].map(e => e.textContent.trim())`))
	if len(answered) < 2 || answered[0] == "0" || answered[0] == "–" || answered[0] != answered[1] {
		t.Errorf("answered contact requests on the page: %q, want the same figure above 0 in the summary and the table", answered)
	}

	// The PDF: the same page printed by chromium, its first page rendered
	// to an image by poppler's pdftoppm.
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	cmd := exec.Command(binary, "report", "--db", db, "--year", "2024", "--lang", "sv", "--format", "pdf", "--out", pdf)
	cmd.Env = append(os.Environ(), "SOTEPE_CHROMIUM="+chromiumPath())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("report --format pdf: %v\n%s", err, out)
	}
	// A publication: a cover with the date of publication, contents, and
	// on every page a footer with the title, the date and "Sida n / m".
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		pages := strings.Split(strings.TrimRight(string(text), "\f"), "\f")
		if len(pages) < 3 {
			t.Fatalf("the PDF has %d pages, want a cover, contents and the sections", len(pages))
		}
		if !strings.Contains(pages[0], "Sektorns år 2024") || !strings.Contains(pages[0], "Publicerad") {
			t.Errorf("the cover lacks the title or the date of publication:\n%s", pages[0])
		}
		if !strings.Contains(string(text), "Innehåll") {
			t.Error("the PDF has no contents")
		}
		for i, p := range pages {
			want := "Sida " + strconv.Itoa(i+1) + " / " + strconv.Itoa(len(pages))
			if !strings.Contains(p, want) || strings.Count(p, "Sektorns år 2024 · ") < 1 {
				t.Errorf("page %d's footer lacks %q or the title and date", i+1, want)
			}
		}
	}
	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("the PDF was written; checking its page needs pdftoppm (Debian poppler-utils)")
	}
	png := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command(pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", pdf, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(png + "*.png")
	if len(matches) != 1 {
		t.Fatalf("pdftoppm wrote %v", matches)
	}
	img, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	// An A4 page at 50 dpi is 413 × 585 pixels; a blank one compresses to
	// almost nothing.
	if len(img) < 8 || string(img[1:4]) != "PNG" || len(img) < 5000 {
		t.Errorf("the first page renders as %d bytes", len(img))
	}
	if w, h := pngSize(img); w < 400 || h < 570 {
		t.Errorf("the first page is %d × %d pixels, want A4 at 50 dpi", w, h)
	}
}

// chromiumPath is the browser the tests use.
func chromiumPath() string {
	if p := os.Getenv("SOTEPE_TEST_CHROMIUM"); p != "" {
		return p
	}
	p, _ := exec.LookPath("chromium")
	return p
}

// pngSize reads the width and height of a PNG's header.
func pngSize(b []byte) (int, int) {
	if len(b) < 24 {
		return 0, 0
	}
	be := func(x []byte) int { return int(x[0])<<24 | int(x[1])<<16 | int(x[2])<<8 | int(x[3]) }
	return be(b[16:20]), be(b[20:24])
}
