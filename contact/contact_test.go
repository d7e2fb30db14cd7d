package contact_test

import (
	"context"
	"testing"
	"time"

	"sotepe"
	"sotepe/contact"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/workday"
)

type fixture struct {
	svc      *contact.Service
	store    *store.Store
	calendar *workday.Live
	users    map[string]sotepe.User
}

// withNow is the fixture's service with its clock standing at now.
func (f fixture) withNow(now time.Time) *contact.Service {
	return contact.New(contact.Config{Store: f.store, Calendar: f.calendar, Now: func() time.Time { return now }})
}

// newFixture is the contact service over a real store (SQLite, or
// PostgreSQL inside testenv.Engines) with the demo network and people, at
// Monday 23 November 2026, 10:00 in Helsinki.
func newFixture(t testing.TB) fixture {
	t.Helper()
	env := testenv.New(t, testenv.EngineOf(t))
	return fixture{svc: contact.New(contact.Config{Store: env.Store, Calendar: env.Calendar, Now: env.Clock.Now}), store: env.Store, calendar: env.Calendar, users: env.Users}
}

func TestRoutingFollowsTheResident(t *testing.T) { testenv.Engines(t, testRoutingFollowsTheResident) }

func testRoutingFollowsTheResident(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna := f.users["anna"]
	res, err := f.store.Resident(ctx, anna.ResidentID)
	if err != nil {
		t.Fatal(err)
	}
	c, created, err := f.svc.Submit(ctx, &anna, sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Kurkku on kipeä."})
	if err != nil || !created {
		t.Fatal(err)
	}
	if c.UnitID != res.HomeUnit {
		t.Errorf("routed to %s, want anna's own station %s", c.UnitID, res.HomeUnit)
	}
	helsinki, _ := time.LoadLocation("Europe/Helsinki")
	if want := time.Date(2026, 11, 25, 16, 0, 0, 0, helsinki); !c.DueAt.Equal(want) {
		t.Errorf("due %v, want %v", c.DueAt, want)
	}
	svc, err := f.store.Service(ctx, "family-carer-support")
	if err != nil {
		t.Fatal(err)
	}
	c, _, err = f.svc.Submit(ctx, &anna, sotepe.NewContactRequest{ServiceID: svc.ID, Body: "Omaishoidon tuki?"})
	if err != nil {
		t.Fatal(err)
	}
	offering, _ := f.store.Units(ctx, sotepe.UnitFilter{Service: svc.ID, District: res.District})
	switch {
	case len(offering.Items) > 0 && c.UnitID != offering.Items[0].ID:
		t.Errorf("routed to %s, want the district's %s", c.UnitID, offering.Items[0].ID)
	case len(offering.Items) == 0 && c.UnitID != svc.CentralUnit:
		t.Errorf("routed to %s, want the central queue %s", c.UnitID, svc.CentralUnit)
	}
}

func TestWhoMayDoWhat(t *testing.T) { testenv.Engines(t, testWhoMayDoWhat) }

func testWhoMayDoWhat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	erik, anna, nurse, analyst := f.users["erik"], f.users["anna"], f.users["nurse"], f.users["analyst"]
	c, _, err := f.svc.Submit(ctx, &erik, sotepe.NewContactRequest{ServiceID: "health-station-nurse", UnitID: "kallio-health-station", Body: "Feber."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Get(ctx, anna, c.ID); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("anna reads erik's request: %v", err)
	}
	if _, err := f.svc.Get(ctx, analyst, c.ID); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("the analyst reads a request: %v", err)
	}
	if _, err := f.svc.Reply(ctx, erik, c.ID, sotepe.Reply{Body: "note", Internal: true}); sotepe.ErrorCode(err) != sotepe.EForbidden {
		t.Errorf("a resident writes an internal note: %v", err)
	}
	if err := f.svc.Assign(ctx, nurse, c.ID, f.users["admin"].ID); sotepe.ErrorKey(err) != "error.assignee" {
		t.Errorf("assigning to someone outside the unit: %v", err)
	}
	if err := f.svc.Assign(ctx, nurse, c.ID, f.users["manager"].ID); err != nil {
		t.Errorf("assigning to a colleague: %v", err)
	}
	if err := f.svc.Close(ctx, erik, c.ID, sotepe.ResolutionAnswered); sotepe.ErrorCode(err) != sotepe.EForbidden {
		t.Errorf("a resident closes: %v", err)
	}
	if _, err := f.svc.List(ctx, nurse, sotepe.ContactFilter{Units: []string{"toolo-health-station"}}); sotepe.ErrorCode(err) != sotepe.EForbidden {
		t.Errorf("the nurse lists another unit's queue: %v", err)
	}
	if _, _, err := f.svc.Submit(ctx, nil, sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "x"}); sotepe.ErrorCode(err) != sotepe.EForbidden {
		t.Errorf("an anonymous portal request: %v", err)
	}
}

// TestHandOverDeadlines checks the deadline of an assessment hand-over by
// its urgency: urgent is due at the close of service hours the same working
// day, or the next working day's when received after the close or on a day
// off; non-urgent and self-care by the two-working-day promise; an
// emergency is refused, and only residents hand over.
func TestHandOverDeadlines(t *testing.T) { testenv.Engines(t, testHandOverDeadlines) }

func testHandOverDeadlines(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	loc := f.calendar.Get().Location()
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	anna := f.users["anna"]
	for i, c := range []struct {
		now     time.Time
		urgency sotepe.Urgency
		due     time.Time
	}{
		{at(23, 10, 0), sotepe.UrgencyUrgent, at(23, 16, 0)},    // Monday morning: the same day
		{at(23, 15, 59), sotepe.UrgencyUrgent, at(23, 16, 0)},   // a minute before the close
		{at(23, 16, 0), sotepe.UrgencyUrgent, at(24, 16, 0)},    // at the close: the next working day
		{at(27, 18, 0), sotepe.UrgencyUrgent, at(30, 16, 0)},    // Friday evening: Monday
		{at(28, 11, 0), sotepe.UrgencyUrgent, at(30, 16, 0)},    // Saturday: Monday
		{at(23, 10, 0), sotepe.UrgencyNonUrgent, at(25, 16, 0)}, // the two-day promise
		{at(23, 10, 0), sotepe.UrgencySelfCare, at(25, 16, 0)},
	} {
		n := sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Arvio", IdempotencyKey: "assessment:" + string(rune('a'+i))}
		r, created, err := f.withNow(c.now).HandOver(ctx, anna, n, c.urgency)
		if err != nil || !created {
			t.Fatalf("%v %s: %v", c.now, c.urgency, err)
		}
		if !r.DueAt.Equal(c.due) || r.Channel != sotepe.ChannelAssessment || r.ResidentID != anna.ResidentID || !r.ReceivedAt.Equal(c.now) {
			t.Errorf("%v %s: due %v channel %s, want due %v", c.now, c.urgency, r.DueAt.In(loc), r.Channel, c.due)
		}
	}
	n := sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Arvio"}
	if _, _, err := f.svc.HandOver(ctx, anna, n, sotepe.UrgencyEmergency); sotepe.ErrorKey(err) != "assess.error.emergency" {
		t.Errorf("emergency: %v", err)
	}
	if _, _, err := f.svc.HandOver(ctx, f.users["nurse"], n, sotepe.UrgencyUrgent); sotepe.ErrorCode(err) != sotepe.EForbidden {
		t.Errorf("a professional handed over: %v", err)
	}
	// The portal's entry point does not take the assessment channel.
	n.Channel = sotepe.ChannelAssessment
	if _, _, err := f.svc.Submit(ctx, &anna, n); sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("Submit took an assessment hand-over: %v", err)
	}
}

func TestHandOverChat(t *testing.T) { testenv.Engines(t, testHandOverChat) }

// A chat's hand-over is a request on channel chat in the professional's own
// unit, received at the chat's start (at most a day back) with the
// two-working-day promise from it; its key makes a retry return it.
func testHandOverChat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	loc := f.calendar.Get().Location()
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, loc) // a Friday evening
	started := now.Add(-30 * time.Minute)
	nurse, anna := f.users["nurse"], f.users["anna"]
	n := sotepe.NewContactRequest{ServiceID: "health-station-nurse", UnitID: "kallio-health-station", ResidentID: anna.ResidentID,
		Body: "[16:30] Asukas: Kurkku on kipeä.", Lang: sotepe.Swedish, ReceivedAt: started, IdempotencyKey: "chat-1"}
	svc := f.withNow(now)
	r, created, err := svc.HandOverChat(ctx, nurse, n)
	if err != nil || !created {
		t.Fatalf("hand-over: %v", err)
	}
	if due := time.Date(2026, 12, 1, 16, 0, 0, 0, loc); r.Channel != sotepe.ChannelChat || !r.ReceivedAt.Equal(started) || !r.DueAt.Equal(due) ||
		r.UnitID != "kallio-health-station" || r.RecordedBy != nurse.ID || r.Lang != sotepe.Swedish || r.Messages[0].FromStaff || r.Messages[0].Body != n.Body {
		t.Errorf("request %+v, want channel chat, received %v, due %v", r, started, due)
	}
	again, created, err := svc.HandOverChat(ctx, nurse, n)
	if err != nil || created || again.ID != r.ID {
		t.Errorf("retry: %d created %v err %v, want request %d again", again.ID, created, err, r.ID)
	}
	other := n
	other.IdempotencyKey, other.UnitID = "chat-2", "toolo-health-station"
	if _, _, err := svc.HandOverChat(ctx, nurse, other); sotepe.ErrorKey(err) != "error.phone_unit" {
		t.Errorf("into another's unit: %v", err)
	}
	other.UnitID, other.ReceivedAt = "", now.Add(-sotepe.MaxChatBackdate-time.Minute)
	if _, _, err := svc.HandOverChat(ctx, nurse, other); sotepe.ErrorKey(err) != "error.received_old" {
		t.Errorf("a chat started over a day ago: %v", err)
	}
	if _, _, err := svc.HandOverChat(ctx, anna, n); sotepe.ErrorCode(err) != sotepe.EForbidden {
		t.Errorf("a resident handed over a chat: %v", err)
	}
}
