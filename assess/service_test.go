package assess_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"sotepe"
	"sotepe/assess"
	"sotepe/contact"
	"sotepe/internal/testenv"
	"sotepe/store"
)

// flakyStore fails the first hand-over record, as a crash between the
// contact request and the session's record would leave it.
type flakyStore struct {
	*store.Store
	failed bool
}

func (f *flakyStore) HandOverAssessment(ctx context.Context, id string, residentID, requestID int64, at time.Time) error {
	if !f.failed {
		f.failed = true
		return &sotepe.Error{Code: sotepe.EUnavailable, Message: "test: database went away"}
	}
	return f.Store.HandOverAssessment(ctx, id, residentID, requestID, at)
}

// TestHandOverCompletesOnRetry: a hand-over interrupted after the contact
// request was stored completes when tried again, with the same request and
// no second one.
func TestHandOverCompletesOnRetry(t *testing.T) { testenv.Engines(t, testHandOverCompletesOnRetry) }

func testHandOverCompletesOnRetry(t *testing.T) {
	ctx := context.Background()
	env := testenv.New(t, testenv.EngineOf(t))
	st, cal, erik := env.Store, env.Calendar, env.User(t, "erik")
	defs, err := assess.Load()
	if err != nil {
		t.Fatal(err)
	}
	flaky := &flakyStore{Store: st}
	svc := assess.New(assess.Config{Definitions: defs, Store: flaky, Contacts: contact.New(contact.Config{Store: st, Calendar: cal})})
	s, err := svc.Start(ctx, nil, "dental-pain", sotepe.Finnish)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range [][2]string{{"swelling-breathing", "false"}, {"trauma", `"knocked-out"`}} {
		if s, err = svc.Answer(ctx, nil, s.Session.ID, sotepe.AssessmentAnswer{Question: a[0], Value: json.RawMessage(a[1])}); err != nil {
			t.Fatal(err)
		}
	}
	if s.Outcome == nil || s.Outcome.Urgency != sotepe.UrgencyUrgent {
		t.Fatalf("outcome %+v", s.Outcome)
	}
	if _, _, err := svc.HandOver(ctx, erik, s.Session.ID, ""); sotepe.ErrorCode(err) != sotepe.EUnavailable {
		t.Fatalf("first hand-over: %v", err)
	}
	_, req, err := svc.HandOver(ctx, erik, s.Session.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	page, err := st.ContactRequests(ctx, sotepe.ContactFilter{ResidentID: erik.ResidentID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != req.ID || req.Channel != sotepe.ChannelAssessment {
		t.Fatalf("requests after the retry: %+v", page.Items)
	}
	got, err := svc.State(ctx, &erik, s.Session.ID)
	if err != nil || got.Session.ContactRequestID != req.ID {
		t.Fatalf("session after the retry: %+v %v", got.Session, err)
	}
	// Nobody else sees it now, not even with the id.
	if _, err := svc.State(ctx, nil, s.Session.ID); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("anonymous read after hand-over: %v", err)
	}
}
