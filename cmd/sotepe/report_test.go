package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
	"sotepe/report"
	"sotepe/store"
	"sotepe/yeargen"
)

// reportDB is a database (on the engine of the test, see testenv.Engines)
// with the demo network, a few events of 2024 and the staff table.
func reportDB(t *testing.T) string {
	t.Helper()
	return engineDB(t, func(ctx context.Context, st *store.Store) error {
		if err := loadDemo(ctx, st, 0, io.Discard); err != nil {
			return err
		}
		if _, err := st.AddEvents(ctx, []sotepe.ServiceEvent{
			{Source: "test", ExternalID: "1", Day: "2024-02-01", UnitID: "kallio-health-station", Statistic: "health_station_nurse_visits", Mode: sotepe.EventInPerson, Count: 1375},
		}); err != nil {
			return err
		}
		// The rescue lines come from the rescue department's own rows.
		if _, err := st.AddRescueMissions(ctx, testMissions(79, time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC))); err != nil {
			return err
		}
		var staff sotepe.StaffRecords
		for i := range 798 {
			staff.Employments = append(staff.Employments, sotepe.Employment{Key: "e" + strconv.Itoa(i), AreaID: "rescue-department", Profession: "firefighter", Start: "2020-01-01"})
		}
		return st.SaveStaffRecords(ctx, staff)
	})
}

func TestReportJSONAndHTML(t *testing.T) { testenv.Engines(t, testReportJSONAndHTML) }

func testReportJSONAndHTML(t *testing.T) {
	db := reportDB(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"report", "--db", db, "--year", "2024", "--format", "json"}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		ServiceVolumes []struct {
			Key   string `json:"key"`
			Value int64  `json:"value"`
		} `json:"service_volumes"`
		Staff struct {
			Total int64 `json:"headcount_total"`
		} `json:"staff"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	got := map[string]int64{}
	for _, v := range rep.ServiceVolumes {
		got[v.Key] = v.Value
	}
	if len(rep.ServiceVolumes) != 24 || got["health_station_nurse_visits"] != 1375 || got["fire_rescue_missions"] != 79 || rep.Staff.Total != 798 {
		t.Errorf("json report %s", out.String())
	}

	file := filepath.Join(t.TempDir(), "report.html")
	if err := run(ctx, []string{"report", "--db", db, "--year", "2024", "--lang", "sv", "--out", file}, env(nil), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	// The file stands alone: its style sheets are inside it, print rules too.
	if strings.Contains(page, `<link rel="stylesheet"`) || !strings.Contains(page, "@media print") {
		t.Error("the HTML report links its style sheets instead of holding them")
	}
	for _, want := range []string{`<html lang="sv">`, "Sektorns år 2024", "Hälsovårdsmottagning", "1\u00a0375", "798"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Swedish HTML report lacks %q", want)
		}
	}

	for _, bad := range [][]string{{"--format", "doc"}, {"--lang", "de"}, {"--year", "1999"}} {
		args := append([]string{"report", "--db", db}, bad...)
		if err := run(ctx, args, env(nil), nil, io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	err = run(ctx, []string{"report", "--db", db, "--format", "pdf"}, env(map[string]string{"SOTEPE_CHROMIUM": "/no/such/chromium"}), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SOTEPE_CHROMIUM") {
		t.Errorf("a PDF without chromium: %v", err)
	}
}

func TestReportPDF(t *testing.T) {
	chromium := os.Getenv("SOTEPE_TEST_CHROMIUM")
	if chromium == "" {
		t.Skip("PDF report: set SOTEPE_TEST_CHROMIUM to chromium's path")
	}
	db := reportDB(t)
	file := filepath.Join(t.TempDir(), "report.pdf")
	err := run(context.Background(), []string{"report", "--db", db, "--year", "2024", "--lang", "en", "--format", "pdf", "--out", file},
		env(map[string]string{"SOTEPE_CHROMIUM": chromium}), nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10_000 || !bytes.Contains(pdf, []byte("/Type /Page")) {
		t.Errorf("not a PDF with pages: %d bytes, %.20q", len(pdf), pdf)
	}
}

// TestReportPDFAfterABrowserCrash prints the PDF through a chromium that
// dies of SIGSEGV the first time it is started, as it has on a busy
// machine: the report starts it once more and gets the PDF. A browser that
// crashes every time is an error.
func TestReportPDFAfterABrowserCrash(t *testing.T) {
	chromium := os.Getenv("SOTEPE_TEST_CHROMIUM")
	if chromium == "" {
		t.Skip("PDF report: set SOTEPE_TEST_CHROMIUM to chromium's path")
	}
	db := reportDB(t)
	dir := t.TempDir()
	// crashing writes a launcher that crashes the first n times, counting
	// its starts in a file, and then runs the real browser.
	crashing := func(name string, n int) string {
		path := filepath.Join(dir, name)
		script := fmt.Sprintf("#!/bin/sh\ncount=%[1]s.count\necho x >> \"$count\"\nif [ \"$(wc -l < \"$count\")\" -le %[2]d ]; then kill -SEGV $$; fi\nexec %[3]s \"$@\"\n",
			path, n, chromium)
		if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pdfWith := func(browser string) ([]byte, error) {
		file := filepath.Join(dir, "report.pdf")
		os.Remove(file)
		err := run(context.Background(), []string{"report", "--db", db, "--year", "2024", "--format", "pdf", "--out", file},
			env(map[string]string{"SOTEPE_CHROMIUM": browser}), nil, io.Discard, io.Discard)
		if err != nil {
			return nil, err
		}
		return os.ReadFile(file)
	}
	pdf, err := pdfWith(crashing("once", 1))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("after one crash: %v, %.20q", err, pdf)
	}
	if _, err := pdfWith(crashing("always", 100)); err == nil {
		t.Error("a browser that always crashes printed a PDF")
	}
}

// TestReportMatchesGeneratedYear generates a small-scale year through
// `sotepe generate --year` and checks that the report's JSON holds every
// service_volumes line of the reference, the feedback counts per channel and
// the staff table at round(value × scale), and the NPS of both years, that
// the answered chats are the report's chat contacts, that the year's contact
// requests were answered (and counted), and that every figure of the report
// page that appears in several places reads the same everywhere.
func TestReportMatchesGeneratedYear(t *testing.T) { testenv.Engines(t, testReportMatchesGeneratedYear) }

func testReportMatchesGeneratedYear(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a year")
	}
	const scale = 0.005
	ref, err := yeargen.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	db := testenv.DSN(t, testenv.EngineOf(t))
	ctx := context.Background()
	if err := run(ctx, []string{"generate", "--db", db, "--year", "2024", "--scale", strconv.FormatFloat(scale, 'f', -1, 64)},
		env(nil), nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("generate: %v", err)
	}
	rep, _ := annualJSON(t, db)
	if len(rep.ServiceVolumes) != len(ref.ServiceVolumes) {
		t.Fatalf("%d volume lines, the reference has %d", len(rep.ServiceVolumes), len(ref.ServiceVolumes))
	}
	for i, v := range ref.ServiceVolumes {
		got := rep.ServiceVolumes[i]
		if want := int64(yeargen.Scaled(v.Value, scale)); got.Key != v.Key || got.Value != want {
			t.Errorf("line %d: %s = %d, want %s = %d", i, got.Key, got.Value, v.Key, want)
		}
	}
	fb := ref.CustomerFeedback
	for _, c := range []struct {
		name     string
		got      int64
		refValue float64
	}{{"after a visit", rep.Feedback.AfterVisit, fb.AfterVisit}, {"website", rep.Feedback.ViaWebsite, fb.Website}, {"portal", rep.Feedback.ViaPortal, fb.Portal}} {
		if want := int64(yeargen.Scaled(c.refValue, scale)); c.got != want {
			t.Errorf("answers %s: %d, want %d", c.name, c.got, want)
		}
	}
	if sum := rep.Feedback.Answers["visit"] + rep.Feedback.Answers["qr"] + rep.Feedback.Answers["kiosk"]; sum != rep.Feedback.AfterVisit {
		t.Errorf("the channels after a visit add up to %d, not %d", sum, rep.Feedback.AfterVisit)
	}
	if rep.Feedback.NPS == nil || math.Round(*rep.Feedback.NPS) != float64(fb.NPS) ||
		rep.Feedback.NPSPreviousYear == nil || math.Round(*rep.Feedback.NPSPreviousYear) != float64(fb.NPSPreviousYear) {
		t.Errorf("NPS %v (last year %v), want %d and %d", rep.Feedback.NPS, rep.Feedback.NPSPreviousYear, fb.NPS, fb.NPSPreviousYear)
	}
	checkProcurement(t, rep, scale)
	checkParticipation(t, rep, scale, 349)
	checkEServices(t, rep, scale)
	staff := map[string]int64{}
	for _, l := range rep.Staff.HeadcountAtYearEnd {
		staff[l.Area] = l.Value
	}
	var total int64
	for _, h := range ref.Staff.HeadcountAtYearEnd {
		want := int64(yeargen.Scaled(h.Value, scale))
		total += want
		if staff[h.Area] != want {
			t.Errorf("staff of %s: %d, want %d", h.Area, staff[h.Area], want)
		}
	}
	if rep.Staff.HeadcountTotal != total || len(staff) != len(ref.Staff.HeadcountAtYearEnd) {
		t.Errorf("staff %+v, want a total of %d", rep.Staff, total)
	}
	checkYearChats(t, db, rep, yeargen.Scaled(ref.EServices.ChatContacts, scale), true)
	checkYearRescue(t, rep, scale)

	// The generated year's contact requests were answered: they count
	// among the e-services and in the share answered in time.
	var answered int64 = -1
	for _, e := range rep.EServices {
		if e.Key == sotepe.StatContactRequestsAnswered {
			answered = e.Value
		}
	}
	if requests := int64(yeargen.Scaled(yeargen.ContactRequests, scale)); answered <= 0 || answered > requests {
		t.Errorf("%d contact requests answered in a generated year of %d requests", answered, requests)
	}
	for _, ind := range rep.Indicators {
		if ind.ID == "answered_in_time_share" && (ind.Value == nil || *ind.Value < 50) {
			t.Errorf("answered in time: %v %%, want the generated year's about 90 %%", ind.Value)
		}
	}
	for _, lang := range []string{"fi", "sv", "en"} {
		t.Run(lang, func(t *testing.T) { checkReportFigures(t, db, lang, rep) })
	}
	// Last, as it adds to the year: the dashboard's kept months.
	t.Run("month-facts", func(t *testing.T) { checkMonthFacts(t, db) })
	t.Run("unsettled-month", func(t *testing.T) { checkUnsettledMonth(t, db) })
}

// figureRE finds a figure of the report page: an element marked
// data-figure="key" and its text.
var figureRE = regexp.MustCompile(`data-figure="([^"]+)"[^>]*>([^<]*)<`)

// checkReportFigures renders the report page of rep's year in lang from db
// and checks that each figure marked data-figure reads the same wherever it
// appears (the year in brief, the text, the tables and the chart), that the
// figures the page shows more than once do appear more than once, and that
// they agree with the report's JSON.
func checkReportFigures(t *testing.T, db, lang string, rep report.AnnualJSON) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"report", "--db", db, "--year", "2024", "--lang", lang}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	figures := map[string][]string{}
	for _, m := range figureRE.FindAllStringSubmatch(out.String(), -1) {
		figures[m[1]] = append(figures[m[1]], strings.TrimSpace(m[2]))
	}
	for key, values := range figures {
		for _, v := range values[1:] {
			if v != values[0] {
				t.Errorf("%s reads %q in one place and %q in another", key, values[0], v)
			}
		}
	}
	for _, key := range []string{"e_services.contact_requests_answered", "indicator.answered_in_time_share", "feedback.after_visit",
		"feedback.total", "indicator.nps", "indicator.nps.previous", "staff.total", "staff.rescue-department"} {
		if len(figures[key]) < 2 {
			t.Errorf("%s appears %d times, want it in the summary or chart and in its table", key, len(figures[key]))
		}
	}
	// count reads a figure as a whole number: its digits, without the
	// language's thousands separator.
	count := func(key string) int64 {
		if len(figures[key]) == 0 {
			t.Errorf("no figure %s", key)
			return -1
		}
		n, err := strconv.ParseInt(strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, figures[key][0]), 10, 64)
		if err != nil {
			t.Errorf("%s: %q is not a count", key, figures[key][0])
		}
		return n
	}
	fb := rep.Feedback
	for _, c := range []struct {
		key  string
		want int64
	}{{"feedback.after_visit", fb.AfterVisit}, {"feedback.via_city_website", fb.ViaWebsite}, {"feedback.via_portal", fb.ViaPortal},
		{"feedback.total", fb.AnswersTotal}, {"staff.total", rep.Staff.HeadcountTotal}} {
		if got := count(c.key); got != c.want {
			t.Errorf("%s: the page shows %d, the JSON %d", c.key, got, c.want)
		}
	}
	for _, c := range []struct {
		key  string
		want int64
	}{{"rescue.missions", rep.Rescue.Missions}, {"rescue.runs", rep.Rescue.Runs}, {"rescue.inspections", rep.Rescue.Inspections},
		{"rescue.spills", rep.Rescue.SpillsHandled}} {
		if got := count(c.key); got != c.want {
			t.Errorf("%s: the page shows %d, the JSON %d", c.key, got, c.want)
		}
	}
	for _, e := range rep.EServices {
		if got := count("e_services." + e.Key); got != e.Value {
			t.Errorf("e-service %s: the page shows %d, the JSON %d", e.Key, got, e.Value)
		}
	}
	if sum := count("feedback.channel.visit") + count("feedback.channel.qr") + count("feedback.channel.kiosk"); sum != count("feedback.after_visit") {
		t.Errorf("the channels after a visit add up to %d on the page, the group shows %d", sum, count("feedback.after_visit"))
	}
	if sum := count("feedback.after_visit") + count("feedback.via_city_website") + count("feedback.via_portal"); sum != count("feedback.total") {
		t.Errorf("the feedback groups add up to %d on the page, the total shows %d", sum, count("feedback.total"))
	}
}

// checkYearChats checks the chats of a generated year in db against its
// report: the answered ones (taken by a professional) are as many as the
// report's chat_contacts, which is want, and the abandoned ones on top are
// round(6 %) of them. The roll-up of the chat figures gives what the chats
// themselves give, and, when the year was generated just now (fresh), has
// been folded whole.
func checkYearChats(t *testing.T, db string, rep report.AnnualJSON, want int, fresh bool) {
	t.Helper()
	ctx := context.Background()
	st := mustOpenStore(t, db)
	defer st.Close()
	zone, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	chats, err := st.ChatTimes(ctx, time.Date(2024, 1, 1, 0, 0, 0, 0, zone), time.Date(2025, 1, 1, 0, 0, 0, 0, zone), nil)
	if err != nil {
		t.Fatal(err)
	}
	answered, abandoned := 0, 0
	for _, c := range chats {
		switch {
		case c.Line != yeargen.ChatLineID:
			t.Fatalf("a generated chat on line %s", c.Line)
		case !c.TakenAt.IsZero():
			answered++
		case c.Status == sotepe.ChatAbandoned:
			abandoned++
		}
	}
	reported := int64(-1)
	for _, l := range rep.EServices {
		if l.Key == sotepe.StatChatContacts {
			reported = l.Value
		}
	}
	if answered != want || reported != int64(want) {
		t.Errorf("%d answered chats, the report's chat contacts %d, want %d", answered, reported, want)
	}
	if wantAbandoned := int(math.Round(float64(want) * yeargen.ChatAbandonedShare)); abandoned != wantAbandoned || answered+abandoned != len(chats) {
		t.Errorf("%d abandoned chats of %d, want %d", abandoned, len(chats), wantAbandoned)
	}
	if fresh {
		var changes int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM chat_stats_changes`).Scan(&changes); err != nil {
			t.Fatal(err)
		}
		if changes != 0 {
			t.Errorf("%d changes of chats left unfolded after generating", changes)
		}
	}
	// The year, and a period cut short at both ends mid-day.
	for _, p := range [][2]time.Time{{time.Date(2024, 1, 1, 0, 0, 0, 0, zone), time.Date(2025, 1, 1, 0, 0, 0, 0, zone)},
		{time.Date(2024, 3, 15, 10, 20, 0, 0, zone), time.Date(2024, 6, 20, 14, 30, 0, 0, zone)}} {
		times, err := st.ChatTimes(ctx, p[0], p[1], nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, by := range []string{sotepe.ChatByLine, sotepe.ChatByUnit, sotepe.ChatByHour} {
			sums, err := st.ChatFigureSums(ctx, p[0], p[1], by, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]sotepe.ChatFigure, len(sums))
			for i, g := range sums {
				got[i] = g.Figure()
			}
			if want := sotepe.ChatFiguresOf(times, by, zone); !reflect.DeepEqual(got, want) {
				t.Errorf("chat figures of %s–%s by %s from the roll-up differ from the chats'", p[0], p[1], by)
			}
		}
	}
}

// TestFullYearMatchesReference checks a full-scale generated year (`sotepe
// generate --year 2024 --scale 1`, e.g. /tmp/year2024.db) against the
// reference: every service_volumes figure, the feedback counts and the
// staff table appear exactly in the report, and so does every figure of the
// staff, economy and sustainability sections; and the answered chats are
// its 72,200 chat contacts. The database is migrated, not otherwise changed:
//
//	SOTEPE_TEST_YEAR_DB=/tmp/year2024.db go test -run FullYear ./cmd/sotepe/
func TestFullYearMatchesReference(t *testing.T) {
	db := os.Getenv("SOTEPE_TEST_YEAR_DB")
	if db == "" {
		t.Skip("no full year to check: set SOTEPE_TEST_YEAR_DB to a database written by `sotepe generate --year 2024 --scale 1`")
	}
	ref, err := yeargen.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	rep, raw := annualJSON(t, db)
	// The dashboard's kept months give the facts of the direct read.
	t.Run("month-facts", func(t *testing.T) { compareYearMonthFacts(t, db) })
	if len(rep.ServiceVolumes) != len(ref.ServiceVolumes) {
		t.Fatalf("%d volume lines, want %d", len(rep.ServiceVolumes), len(ref.ServiceVolumes))
	}
	for i, v := range ref.ServiceVolumes {
		if got := rep.ServiceVolumes[i]; got.Key != v.Key || float64(got.Value) != v.Value {
			t.Errorf("%s: %d, the reference %v", v.Key, got.Value, v.Value)
		}
	}
	fb := ref.CustomerFeedback
	if float64(rep.Feedback.AfterVisit) != fb.AfterVisit || float64(rep.Feedback.ViaWebsite) != fb.Website || float64(rep.Feedback.ViaPortal) != fb.Portal {
		t.Errorf("feedback %d / %d / %d, the reference %v / %v / %v", rep.Feedback.AfterVisit, rep.Feedback.ViaWebsite, rep.Feedback.ViaPortal,
			fb.AfterVisit, fb.Website, fb.Portal)
	}
	if rep.Feedback.NPS == nil || *rep.Feedback.NPS != float64(fb.NPS) || rep.Feedback.NPSPreviousYear == nil || *rep.Feedback.NPSPreviousYear != float64(fb.NPSPreviousYear) {
		t.Errorf("NPS %v, last year %v; the reference %d and %d", rep.Feedback.NPS, rep.Feedback.NPSPreviousYear, fb.NPS, fb.NPSPreviousYear)
	}
	staff := map[string]int64{}
	for _, l := range rep.Staff.HeadcountAtYearEnd {
		staff[l.Area] = l.Value
	}
	for _, h := range ref.Staff.HeadcountAtYearEnd {
		if float64(staff[h.Area]) != h.Value {
			t.Errorf("staff of %s: %d, the reference %v", h.Area, staff[h.Area], h.Value)
		}
	}
	if rep.Staff.HeadcountTotal != 15434 {
		t.Errorf("staff in all %d, the reference 15,434", rep.Staff.HeadcountTotal)
	}
	checkSectorFigures(t, raw, true)
	checkYearChats(t, db, rep, 72200, false)
	checkYearRescue(t, rep, 1)
	checkProcurement(t, rep, 1)
	checkParticipation(t, rep, 1, 349)
	checkEServices(t, rep, 1)
}

// checkSectorFigures compares every figure of the reference's staff (but
// the table by area, checked above), economy and sustainability sections
// with the report's JSON of the same key. The chemical and oil spills are
// counted from the rescue missions, so they are compared only when
// withRescue says the year has them.
func checkSectorFigures(t *testing.T, reportJSON []byte, withRescue bool) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "yeargen", "data", "reference-2024.json"))
	if err != nil {
		t.Fatal(err)
	}
	sections := func(b []byte) map[string]map[string]any {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(b, &top); err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]any{}
		for _, name := range []string{"staff", "economy", "sustainability"} {
			var m map[string]any
			if err := json.Unmarshal(top[name], &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out[name] = m
		}
		return out
	}
	ref, got := sections(raw), sections(reportJSON)
	for _, section := range []string{"staff", "economy", "sustainability"} {
		for key, want := range ref[section] {
			v, isNumber := want.(float64)
			if !isNumber || (section == "sustainability" && key == "chemical_and_oil_spills_handled" && !withRescue) {
				continue
			}
			if g, ok := got[section][key].(float64); !ok || g != v {
				t.Errorf("%s.%s: %v, the reference %v", section, key, got[section][key], v)
			}
		}
	}
}
