package storetest

import (
	"testing"
	"time"

	"sotepe"
)

func testBulkContactRequests(t *testing.T, s Store) {
	f := seedContacts(t, s)
	rs := make([]sotepe.ContactRequest, 1000)
	for i := range rs {
		at := f.t0.Add(-time.Duration(i) * time.Minute)
		rs[i] = portal(f.withAccount.ID, "nurse", kallio, at, at.Add(48*time.Hour))
		if i%2 == 0 {
			rs[i].Status, rs[i].FirstAnsweredAt = sotepe.StatusAnswered, at.Add(time.Hour)
			rs[i].Messages = append(rs[i].Messages, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Soitamme.", At: at.Add(time.Hour)})
		}
	}
	must(t, s.BulkContactRequests(adminCtx(), rs))
	if got := count(t, s, `SELECT COUNT(*) FROM contact_requests`); got != 1000 {
		t.Fatalf("%d requests", got)
	}
	if got := count(t, s, `SELECT COUNT(*) FROM contact_messages`); got != 1500 {
		t.Fatalf("%d messages", got)
	}
	// Each answered request counts once among the answered requests, as
	// an answer through AddMessage does.
	if got := count(t, s, `SELECT COUNT(*) FROM events WHERE statistic = 'contact_requests_answered'`); got != 500 {
		t.Errorf("%d contact_requests_answered events for 500 answered requests", got)
	}
	seen := map[int64]bool{}
	for _, r := range rs {
		if r.ID == 0 || seen[r.ID] {
			t.Fatalf("id %d missing or repeated", r.ID)
		}
		seen[r.ID] = true
	}
	got, err := s.ContactRequest(adminCtx(), rs[0].ID, sotepe.ContactScope{Units: []string{kallio}})
	must(t, err)
	if len(got.Messages) != 2 || got.FirstAnsweredAt.IsZero() || got.Status != sotepe.StatusAnswered {
		t.Errorf("bulk request read back as %+v", got)
	}
	// A submission after the bulk load gets the next id, on PostgreSQL
	// too, whose identity sequence the load moved past its ids.
	next, _, err := s.CreateContactRequest(adminCtx(), portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)), "")
	must(t, err)
	if seen[next.ID] {
		t.Errorf("a new request took the bulk-loaded id %d", next.ID)
	}
}
