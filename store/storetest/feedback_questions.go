package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sotepe"
)

func testFeedbackExtraQuestions(t *testing.T, s Store) {
	ctx := staffCtx(1, sotepe.RoleManager, kallio)
	seedUnits(t, s)
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	def := json.RawMessage(`{"id":"extra","kind":"scale","min":1,"max":5}`)
	var ids []int64
	for range sotepe.MaxFeedbackQuestions {
		rec, err := s.AddFeedbackQuestion(ctx, kallio, def, at)
		must(t, err)
		ids = append(ids, rec.ID)
	}
	_, err := s.AddFeedbackQuestion(ctx, kallio, def, at)
	wantKey(t, err, sotepe.EConflict, "feedback.error.questions_full")
	_, err = s.AddFeedbackQuestion(ctx, "no-such-unit", def, at)
	wantCode(t, err, sotepe.ENotFound)
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, sotepe.ActionFeedbackQuestionAdd); n != sotepe.MaxFeedbackQuestions {
		t.Fatalf("%d audit rows of adding", n)
	}

	// Answers: stored with the answer, only for questions the unit asks.
	four, two := 4.0, 2.0
	add := func(unit string, extra ...sotepe.FeedbackExtraValue) error {
		_, err := s.AddFeedback(context.Background(), sotepe.NewFeedback{UnitID: unit, Score: 9, Channel: sotepe.FeedbackQR, Lang: "fi", Extra: extra, CreatedAt: at})
		return err
	}
	must(t, add(kallio, sotepe.FeedbackExtraValue{QuestionID: ids[0], Number: &four}, sotepe.FeedbackExtraValue{QuestionID: ids[1], Option: "o2"}))
	must(t, add(kallio, sotepe.FeedbackExtraValue{QuestionID: ids[0], Number: &two}))
	other := testUnits()[1].ID
	wantKey(t, add(other, sotepe.FeedbackExtraValue{QuestionID: ids[0], Number: &four}), sotepe.EInvalid, "feedback.error.extra_question")
	wantKey(t, add(kallio, sotepe.FeedbackExtraValue{QuestionID: ids[0], Number: &four}, sotepe.FeedbackExtraValue{QuestionID: ids[0], Number: &two}),
		sotepe.EInvalid, "feedback.error.extra_question")
	if n := count(t, s, `SELECT COUNT(*) FROM feedback`); n != 2 {
		t.Fatalf("%d answers stored; the refused ones must leave nothing", n)
	}

	// Retiring stops the question, keeps its answers, frees a place.
	must(t, s.RetireFeedbackQuestion(ctx, kallio, ids[0], at))
	wantCode(t, s.RetireFeedbackQuestion(ctx, kallio, ids[0], at), sotepe.ENotFound)
	wantCode(t, s.RetireFeedbackQuestion(ctx, other, ids[1], at), sotepe.ENotFound)
	wantKey(t, add(kallio, sotepe.FeedbackExtraValue{QuestionID: ids[0], Number: &four}), sotepe.EInvalid, "feedback.error.extra_question")
	live, err := s.FeedbackQuestions(ctx, kallio, nil, true)
	must(t, err)
	all, err := s.FeedbackQuestions(ctx, kallio, nil, false)
	must(t, err)
	if len(live) != 2 || len(all) != 3 || all[0].RetiredAt.IsZero() || string(all[0].Definition) != string(def) {
		t.Fatalf("live %+v, all %+v", live, all)
	}
	_, err = s.AddFeedbackQuestion(ctx, kallio, def, at)
	must(t, err)

	counts, err := s.FeedbackExtraCounts(ctx, ids)
	must(t, err)
	got := map[string]int64{}
	for _, c := range counts {
		k := c.Option
		if c.Number != nil {
			k = fmtFloat(*c.Number)
		}
		got[fmtFloat(float64(c.QuestionID))+"/"+k] += c.Count
	}
	want := map[string]int64{fmtFloat(float64(ids[0])) + "/4": 1, fmtFloat(float64(ids[0])) + "/2": 1, fmtFloat(float64(ids[1])) + "/o2": 1}
	if len(got) != len(want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("counts %v, want %v", got, want)
		}
	}
}

// testFeedbackDailyRollupAgreesWithAnswers checks the daily roll-up kept
// answer by answer against a rebuild from the answers themselves.
func testFeedbackDailyRollupAgreesWithAnswers(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	base := time.Date(2025, 3, 30, 20, 30, 0, 0, time.UTC) // the clocks turn in Helsinki that night
	for i := range 40 {
		_, err := s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: testUnits()[i%2].ID, Score: i % 11, Channel: sotepe.FeedbackWebsite,
			Lang: sotepe.Langs[i%3], CreatedAt: base.Add(time.Duration(i) * 17 * time.Minute)})
		must(t, err)
	}
	snapshot := func() map[string]int {
		rows, err := s.ReaderDB().QueryContext(ctx, `SELECT dim, day, key, unit_id, promoters, passives, detractors FROM feedback_daily`)
		must(t, err)
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var dim, day, key, unit string
			var p, pa, d int
			must(t, rows.Scan(&dim, &day, &key, &unit, &p, &pa, &d))
			out[dim+"|"+day+"|"+key+"|"+unit] = p*10000 + pa*100 + d
		}
		return out
	}
	kept := snapshot()
	must(t, s.RebuildFeedbackFigures(ctx))
	rebuilt := snapshot()
	if len(kept) == 0 || len(kept) != len(rebuilt) {
		t.Fatalf("%d rows kept, %d rebuilt", len(kept), len(rebuilt))
	}
	for k, v := range rebuilt {
		if kept[k] != v {
			t.Errorf("%s: kept %d, rebuilt %d", k, kept[k], v)
		}
	}
	// The city's days are the units' days summed, kept by triggers
	// through answers and the rebuild alike.
	city := map[string]int{}
	for k, v := range rebuilt {
		parts := strings.Split(k, "|")
		key := parts[2]
		if parts[0] == "unit" {
			key = ""
		}
		city[parts[0]+"|"+parts[1]+"|"+key] += v
	}
	rows, err := s.ReaderDB().QueryContext(ctx, `SELECT dim, day, key, promoters, passives, detractors FROM feedback_city_daily
		WHERE promoters <> 0 OR passives <> 0 OR detractors <> 0`)
	must(t, err)
	got := map[string]int{}
	for rows.Next() {
		var dim, day, key string
		var p, pa, d int
		must(t, rows.Scan(&dim, &day, &key, &p, &pa, &d))
		got[dim+"|"+day+"|"+key] = p*10000 + pa*100 + d
	}
	rows.Close()
	if len(got) != len(city) {
		t.Fatalf("%d city rows, want %d", len(got), len(city))
	}
	for k, v := range city {
		if got[k] != v {
			t.Errorf("city %s: %d, want %d", k, got[k], v)
		}
	}
	if _, ok := kept["unit|2025-03-31|"+kallio+"|"+kallio]; !ok {
		t.Errorf("no row for the day after the turn of the clocks: %v", kept)
	}
}

// testFeedbackCountsByGroupsOfUnits checks the days summed by group of
// units, and by every unit together, against the days unit by unit.
func testFeedbackCountsByGroupsOfUnits(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	units := testUnits()
	base := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	for i := range 60 {
		_, err := s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: units[i%3].ID, Score: (i * 7) % 11, Channel: sotepe.FeedbackQR,
			Lang: "fi", CreatedAt: base.Add(time.Duration(i) * 5 * time.Hour)})
		must(t, err)
	}
	q := sotepe.FeedbackCountsQuery{From: "2025-05-01", To: "2025-05-31", Dim: sotepe.FeedbackDimUnit, ByDay: true}
	perUnit, err := s.FeedbackCounts(ctx, q)
	must(t, err)
	// Units 0 and 1 in group a, unit 1 also in b, unit 2 in none.
	groups := map[string][]string{units[0].ID: {"a"}, units[1].ID: {"a", "b"}}
	want := map[string]int64{}
	total := map[string]int64{}
	for _, c := range perUnit {
		n := c.Promoters*10000 + c.Passives*100 + c.Detractors
		for _, g := range groups[c.Key] {
			want[g+"|"+c.Day] += n
		}
		total[c.Day] += n
	}
	gq := q
	gq.UnitGroups = groups
	byGroup, err := s.FeedbackCounts(ctx, gq)
	must(t, err)
	got := map[string]int64{}
	for _, c := range byGroup {
		got[c.Key+"|"+c.Day] += c.Promoters*10000 + c.Passives*100 + c.Detractors
	}
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("%d group days, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d", k, got[k], v)
		}
	}
	aq := q
	aq.AllUnits = true
	all, err := s.FeedbackCounts(ctx, aq)
	must(t, err)
	if len(all) != len(total) {
		t.Fatalf("%d days in all, want %d", len(all), len(total))
	}
	for _, c := range all {
		if c.Key != "" || c.Promoters*10000+c.Passives*100+c.Detractors != total[c.Day] {
			t.Errorf("all units on %s: %+v, want %d", c.Day, c, total[c.Day])
		}
	}
	// A manager's units narrow the groups too.
	gq.Units = []string{units[1].ID}
	narrow, err := s.FeedbackCounts(ctx, gq)
	must(t, err)
	for _, c := range narrow {
		if c.Key != "a" && c.Key != "b" {
			t.Fatalf("narrowed group %+v", c)
		}
	}
}
