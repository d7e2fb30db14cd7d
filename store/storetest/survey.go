package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"sotepe"
)

func surveyHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func testSurveyInvitationsAndResponses(t *testing.T, s Store) {
	ctx := staffCtx(1, sotepe.RoleAdmin, "")
	at := time.Date(2025, 10, 6, 21, 30, 0, 0, time.UTC) // 7 October in Helsinki
	hashes := [][]byte{surveyHash("a"), surveyHash("b"), surveyHash("c")}
	must(t, s.CreateSurveyInvitations(ctx, "resident-2025", hashes, at))
	if n := count(t, s, `SELECT COUNT(*) FROM survey_invitations WHERE survey_id = 'resident-2025'`); n != 3 {
		t.Fatalf("%d invitations", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, sotepe.ActionSurveyInvite); n != 1 {
		t.Fatalf("%d audit rows for the batch", n)
	}
	_, err := s.SurveyInvitation(ctx, surveyHash("nope"))
	wantKey(t, err, sotepe.ENotFound, "survey.error.link")

	// The draft moves under a revision check.
	inv, err := s.SurveyInvitation(ctx, hashes[0])
	must(t, err)
	if inv.Survey != "resident-2025" || len(inv.Draft) != 0 || inv.UsedOn != "" {
		t.Fatalf("new invitation %+v", inv)
	}
	draft := []sotepe.AssessmentAnswer{{Question: "satisfaction", Value: json.RawMessage(`4`)}}
	inv2, err := s.SaveSurveyDraft(ctx, hashes[0], draft, inv.Revision)
	must(t, err)
	if inv2.Revision != inv.Revision+1 || len(inv2.Draft) != 1 || string(inv2.Draft[0].Value) != "4" {
		t.Fatalf("saved draft %+v", inv2)
	}
	_, err = s.SaveSurveyDraft(ctx, hashes[0], nil, inv.Revision)
	wantKey(t, err, sotepe.EConflict, "assess.error.not_current")

	four, three := 4.0, 3.0
	values := []sotepe.SurveyValue{{Question: "satisfaction", Number: &four}, {Question: "services", Option: "dental"},
		{Question: "services", Option: "family"}, {Question: "comment", Text: "[***]"}}
	must(t, s.AddSurveyResponse(ctx, hashes[0], "resident-2025", 1, sotepe.Swedish, values, at))
	// Once only, with nothing more stored.
	err = s.AddSurveyResponse(ctx, hashes[0], "resident-2025", 1, sotepe.Swedish, values, at)
	wantKey(t, err, sotepe.EConflict, "survey.error.used")
	_, err = s.SaveSurveyDraft(ctx, hashes[0], draft, inv2.Revision+1)
	wantKey(t, err, sotepe.EConflict, "survey.error.used")
	err = s.AddSurveyResponse(ctx, surveyHash("nope"), "resident-2025", 1, sotepe.Finnish, values, at)
	wantKey(t, err, sotepe.ENotFound, "survey.error.link")
	// An invitation of another survey does not answer this one.
	err = s.AddSurveyResponse(ctx, hashes[1], "other-survey", 1, sotepe.Finnish, values, at)
	wantKey(t, err, sotepe.ENotFound, "survey.error.link")
	used, err := s.SurveyInvitation(ctx, hashes[0])
	must(t, err)
	if used.UsedOn != "2025-10-07" || len(used.Draft) != 0 {
		t.Fatalf("used invitation %+v", used)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM survey_answers`); n != 4 {
		t.Fatalf("%d values stored, want 4", n)
	}

	// Two sends of one invitation race: exactly one is stored.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.AddSurveyResponse(context.Background(), hashes[1], "resident-2025", 1, sotepe.Finnish,
				[]sotepe.SurveyValue{{Question: "satisfaction", Number: &three}, {Question: "services"}}, at)
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("racing sends: %v, %v", errs[0], errs[1])
	}
	if n := count(t, s, `SELECT COUNT(*) FROM survey_responses`); n != 2 {
		t.Fatalf("%d responses, want 2", n)
	}

	tally, err := s.SurveyTally(ctx, "resident-2025")
	must(t, err)
	if tally.Responses != 2 || tally.Respondents["satisfaction"] != 2 || tally.Respondents["services"] != 2 || tally.Respondents["comment"] != 1 {
		t.Fatalf("tally %+v", tally)
	}
	got := map[string]int64{}
	for _, c := range tally.Counts {
		k := c.Question + "/" + c.Option
		if c.Number != nil {
			k += "/" + json.Number(fmtFloat(*c.Number)).String()
		}
		got[k] += c.Count
	}
	want := map[string]int64{"satisfaction//4": 1, "satisfaction//3": 1, "services/dental": 1, "services/family": 1, "services/": 1, "comment/": 1}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("count %s = %d, want %d (all %v)", k, got[k], v, got)
		}
	}
	if other, err := s.SurveyTally(ctx, "other-survey"); err != nil || other.Responses != 0 || len(other.Counts) != 0 {
		t.Fatalf("another survey's tally %+v %v", other, err)
	}
}

func fmtFloat(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
