package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"sotepe"
)

func newSession(id string, at time.Time) sotepe.AssessmentSession {
	return sotepe.AssessmentSession{ID: id, Definition: "dental-pain", Version: 1, Lang: sotepe.Swedish, StartedAt: at, UpdatedAt: at}
}

func answer(q, v string) sotepe.AssessmentAnswer {
	return sotepe.AssessmentAnswer{Question: q, Value: json.RawMessage(v)}
}

// testAssessmentSessions stores a session, answers it under the revision
// check, and finds it only by its secret id, which is not stored.
func testAssessmentSessions(t *testing.T, s Store) {
	ctx := context.Background()
	t0 := s.Clock.Now().UTC()
	must(t, s.CreateAssessmentSession(ctx, newSession("secret-1", t0)))
	wantCode(t, s.CreateAssessmentSession(ctx, newSession("secret-1", t0)), sotepe.EConflict)
	_, err := s.AssessmentSession(ctx, "secret-2")
	wantCode(t, err, sotepe.ENotFound)
	if n := count(t, s, `SELECT COUNT(*) FROM assessment_sessions WHERE id_hash = $1`, "secret-1"); n != 0 {
		t.Fatal("the secret id is stored as it is")
	}

	got, err := s.AssessmentSession(ctx, "secret-1")
	must(t, err)
	if got.Revision != 0 || len(got.Answers) != 0 || got.Finished() || !got.StartedAt.Equal(t0) || got.Lang != sotepe.Swedish {
		t.Fatalf("fresh session = %+v", got)
	}
	got.Answers = []sotepe.AssessmentAnswer{answer("swelling-breathing", "false"), answer("trauma", `"knocked-out"`)}
	got.Outcome, got.Urgency, got.ServiceID = "urgent", sotepe.UrgencyUrgent, "dental-care"
	got.UpdatedAt, got.CompletedAt = t0.Add(time.Minute), t0.Add(time.Minute)
	stored, err := s.UpdateAssessmentSession(ctx, got)
	must(t, err)
	if stored.Revision != 1 {
		t.Fatalf("revision %d", stored.Revision)
	}
	again, err := s.AssessmentSession(ctx, "secret-1")
	must(t, err)
	if !reflect.DeepEqual(again, stored) {
		t.Fatalf("read back\n%+v\nwant\n%+v", again, stored)
	}
	// A write from a stale read loses: nothing of it is stored.
	stale := got
	stale.Answers = nil
	stale.Outcome, stale.Urgency, stale.ServiceID, stale.CompletedAt = "", "", "", time.Time{}
	_, err = s.UpdateAssessmentSession(ctx, stale)
	wantKey(t, err, sotepe.EConflict, "assess.error.changed")
	if after, _ := s.AssessmentSession(ctx, "secret-1"); !reflect.DeepEqual(after, stored) {
		t.Fatalf("a refused update changed the session: %+v", after)
	}
	missing := newSession("nobody", t0)
	_, err = s.UpdateAssessmentSession(ctx, missing)
	wantCode(t, err, sotepe.ENotFound)
}

// testAssessmentRace sends concurrent updates from one read: exactly one
// is stored.
func testAssessmentRace(t *testing.T, s Store) {
	ctx := context.Background()
	t0 := s.Clock.Now().UTC()
	must(t, s.CreateAssessmentSession(ctx, newSession("race", t0)))
	base, err := s.AssessmentSession(ctx, "race")
	must(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			a := base
			a.Answers = []sotepe.AssessmentAnswer{answer("swelling-breathing", "false")}
			if _, err := s.UpdateAssessmentSession(ctx, a); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else if sotepe.ErrorCode(err) != sotepe.EConflict {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d concurrent updates won, want 1", won)
	}
}

// testAssessmentHandOverAndGrade links a session to a contact request,
// grades it, and counts the figures; each change leaves its audit row.
func testAssessmentHandOverAndGrade(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := context.Background()
	t0 := f.t0.UTC()
	finished := func(id string, urgency sotepe.Urgency) {
		a := newSession(id, t0)
		must(t, s.CreateAssessmentSession(ctx, a))
		a.Answers = []sotepe.AssessmentAnswer{answer("swelling-breathing", "false")}
		a.Outcome, a.Urgency, a.ServiceID, a.CompletedAt = "x", urgency, "nurse", t0
		_, err := s.UpdateAssessmentSession(ctx, a)
		must(t, err)
	}
	finished("one", sotepe.UrgencyUrgent)
	finished("two", sotepe.UrgencyNonUrgent)
	must(t, s.CreateAssessmentSession(ctx, newSession("unfinished", t0)))

	req, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "nurse", kallio, t0, t0.Add(time.Hour)), "")
	must(t, err)
	other, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "nurse", kallio, t0, t0.Add(time.Hour)), "")
	must(t, err)

	wantKey(t, s.HandOverAssessment(residentCtx(f.account), "unfinished", f.withAccount.ID, req.ID, t0), sotepe.EConflict, "assess.error.unfinished")
	wantCode(t, s.HandOverAssessment(residentCtx(f.account), "nobody", f.withAccount.ID, req.ID, t0), sotepe.ENotFound)
	must(t, s.HandOverAssessment(residentCtx(f.account), "one", f.withAccount.ID, req.ID, t0))
	must(t, s.HandOverAssessment(residentCtx(f.account), "one", f.withAccount.ID, req.ID, t0)) // the same again
	wantCode(t, s.HandOverAssessment(residentCtx(f.account), "one", f.withoutAccount.ID, req.ID, t0), sotepe.ENotFound)
	wantKey(t, s.HandOverAssessment(residentCtx(f.account), "one", f.withAccount.ID, other.ID, t0), sotepe.EConflict, "assess.error.handed_over")
	// A second session cannot take the same request.
	wantCode(t, s.HandOverAssessment(residentCtx(f.account), "two", f.withAccount.ID, req.ID, t0), sotepe.EConflict)

	got, err := s.AssessmentForContactRequest(ctx, req.ID)
	must(t, err)
	if got.ResidentID != f.withAccount.ID || got.ContactRequestID != req.ID || !got.HandedOverAt.Equal(t0) || got.ID != "" {
		t.Fatalf("handed over = %+v", got)
	}
	_, err = s.AssessmentForContactRequest(ctx, other.ID)
	wantCode(t, err, sotepe.ENotFound)
	// A handed-over session no longer changes.
	one, err := s.AssessmentSession(ctx, "one")
	must(t, err)
	_, err = s.UpdateAssessmentSession(ctx, one)
	wantCode(t, err, sotepe.EConflict)

	nurseCtx := sotepe.WithActor(ctx, sotepe.Actor{UserID: f.nurse.ID, Role: sotepe.RoleProfessional, Unit: kallio})
	wantCode(t, s.GradeAssessment(nurseCtx, req.ID, "soon", f.nurse.ID, t0), sotepe.EInvalid)
	wantCode(t, s.GradeAssessment(nurseCtx, other.ID, sotepe.UrgencyUrgent, f.nurse.ID, t0), sotepe.ENotFound)
	must(t, s.GradeAssessment(nurseCtx, req.ID, sotepe.UrgencyNonUrgent, f.nurse.ID, t0))
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND resident_id = $2`, sotepe.ActionAssessmentGrade, f.withAccount.ID); n != 1 {
		t.Errorf("%d grade audit rows", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, sotepe.ActionAssessmentHandOver); n != 1 {
		t.Errorf("%d hand-over audit rows, want 1 (the repeat changes nothing)", n)
	}

	day := t0.In(helsinki).Format(time.DateOnly)
	counts, err := s.AssessmentCounts(ctx, day, day)
	must(t, err)
	want := []sotepe.AssessmentCount{
		{Day: day, Definition: "dental-pain", Urgency: "", Started: 1},
		{Day: day, Definition: "dental-pain", Urgency: sotepe.UrgencyNonUrgent, Started: 1},
		{Day: day, Definition: "dental-pain", Urgency: sotepe.UrgencyUrgent, Started: 1, HandedOver: 1, Graded: 1, Agreed: 0},
	}
	if !reflect.DeepEqual(counts, want) {
		t.Fatalf("counts\n%+v\nwant\n%+v", counts, want)
	}
	// Agreement: the professional now grades as the tool did.
	must(t, s.GradeAssessment(nurseCtx, req.ID, sotepe.UrgencyUrgent, f.nurse.ID, t0))
	counts, err = s.AssessmentCounts(ctx, day, day)
	must(t, err)
	if c := counts[2]; c.Agreed != 1 || c.Graded != 1 {
		t.Fatalf("after agreeing: %+v", c)
	}
	next := t0.In(helsinki).AddDate(0, 0, 1).Format(time.DateOnly)
	if counts, err := s.AssessmentCounts(ctx, next, next); err != nil || len(counts) != 0 {
		t.Fatalf("next day: %v %v", counts, err)
	}
}
