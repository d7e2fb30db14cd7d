package storetest

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// seedContactList stores 36 requests of every kind the filters tell apart
// and returns them as a list returns them (without messages, with the
// first message's first 160 characters as the subject). The first
// messages differ, and the first is 200 two-byte characters long, so that
// the subject is cut by characters, not bytes.
func seedContactList(t testing.TB, s Store, f contactFixture) []sotepe.ContactRequest {
	t.Helper()
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	var ids []int64
	for i := range 36 {
		unit, service := kallio, "nurse"
		if i%3 == 2 {
			unit, service = vuosaari, "dental"
		}
		resident := f.withAccount.ID
		if i%4 == 1 {
			resident = f.withoutAccount.ID
		}
		// Due times repeat, so that ids break ties.
		r := portal(resident, service, unit, f.t0, f.t0.Add(time.Duration(i%7)*time.Hour))
		r.Messages[0].Body = fmt.Sprintf("Pyyntö %d: voisitteko soittaa?", i)
		if i == 0 {
			r.Messages[0].Body = strings.Repeat("ä", 200)
		}
		if i%5 == 3 {
			r.ResidentID, r.Channel = 0, sotepe.ChannelWebsite
			r.Contact = &sotepe.ContactDetails{Name: "Anna " + strconv.Itoa(i), Phone: "040 " + strconv.Itoa(i)}
		}
		if i%4 == 2 {
			r.AssignedTo = f.nurse.ID
		}
		stored, _, err := s.CreateContactRequest(context.Background(), r, "")
		must(t, err)
		switch i % 8 {
		case 1:
			_, err = s.AddMessage(nurseCtx, stored.ID, sotepe.Message{FromStaff: true, Body: "vastaus"}, sotepe.StatusAnswered)
		case 2:
			_, err = s.AddMessage(nurseCtx, stored.ID, sotepe.Message{FromStaff: true, Body: "kysymys"}, sotepe.StatusWaiting)
		case 3:
			err = s.CloseContactRequest(nurseCtx, stored.ID, sotepe.ResolutionNoAction, f.t0)
		case 5:
			_, err = s.AddMessage(nurseCtx, stored.ID, sotepe.Message{Body: "lisää"}, sotepe.StatusInProgress)
		}
		must(t, err)
		ids = append(ids, stored.ID)
	}
	// Due at t0 + 0…6 h; a sweep at t0 + 3 h flags the open, unanswered
	// ones due before it.
	_, err := s.MarkBreached(context.Background(), f.t0.Add(3*time.Hour))
	must(t, err)
	var all []sotepe.ContactRequest
	for _, id := range ids {
		r, err := s.ContactRequest(context.Background(), id, sotepe.ContactScope{Units: []string{kallio, vuosaari}})
		must(t, err)
		first := []rune(r.Messages[0].Body)
		r.Subject = string(first[:min(len(first), 160)])
		r.Messages = []sotepe.Message{}
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b sotepe.ContactRequest) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
	})
	return all
}

func contactIDs(rs []sotepe.ContactRequest) []int64 {
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func testContactList(t *testing.T, s Store) {
	f := seedContacts(t, s)
	all := seedContactList(t, s, f)
	open := []sotepe.ContactStatus{sotepe.StatusNew, sotepe.StatusInProgress, sotepe.StatusWaiting}
	// Twenty units that do not exist push the filter over maxArms
	// ranges: it runs as one sorting query.
	manyUnits := []string{kallio}
	for i := range 20 {
		manyUnits = append(manyUnits, fmt.Sprintf("elsewhere-%d", i))
	}
	in := func(v string, vs ...string) bool { return len(vs) == 0 || slices.Contains(vs, v) }
	for _, c := range []struct {
		name string
		f    sotepe.ContactFilter
		keep func(r sotepe.ContactRequest) bool
	}{
		{"all", sotepe.ContactFilter{}, func(r sotepe.ContactRequest) bool { return true }},
		{"unit", sotepe.ContactFilter{Units: []string{kallio}}, func(r sotepe.ContactRequest) bool { return r.UnitID == kallio }},
		{"two units", sotepe.ContactFilter{Units: []string{vuosaari, kallio, vuosaari}}, func(r sotepe.ContactRequest) bool { return true }},
		{"unit open", sotepe.ContactFilter{Units: []string{kallio}, Statuses: open}, func(r sotepe.ContactRequest) bool {
			return r.UnitID == kallio && r.Status.Open()
		}},
		{"many units open", sotepe.ContactFilter{Units: manyUnits, Statuses: open}, func(r sotepe.ContactRequest) bool {
			return r.UnitID == kallio && r.Status.Open()
		}},
		{"many units", sotepe.ContactFilter{Units: manyUnits}, func(r sotepe.ContactRequest) bool { return r.UnitID == kallio }},
		{"resident", sotepe.ContactFilter{ResidentID: f.withAccount.ID}, func(r sotepe.ContactRequest) bool {
			return r.ResidentID == f.withAccount.ID
		}},
		{"resident at unit, open, assigned", sotepe.ContactFilter{ResidentID: f.withAccount.ID, Units: []string{kallio}, Statuses: open, AssignedTo: f.nurse.ID},
			func(r sotepe.ContactRequest) bool {
				return r.ResidentID == f.withAccount.ID && r.UnitID == kallio && r.Status.Open() && r.AssignedTo == f.nurse.ID
			}},
		{"open", sotepe.ContactFilter{Statuses: open}, func(r sotepe.ContactRequest) bool { return r.Status.Open() }},
		{"closed", sotepe.ContactFilter{Statuses: []sotepe.ContactStatus{sotepe.StatusClosed}}, func(r sotepe.ContactRequest) bool {
			return r.Status == sotepe.StatusClosed
		}},
		{"service", sotepe.ContactFilter{Service: "dental"}, func(r sotepe.ContactRequest) bool { return r.ServiceID == "dental" }},
		{"channel", sotepe.ContactFilter{Channel: sotepe.ChannelWebsite}, func(r sotepe.ContactRequest) bool { return r.Channel == sotepe.ChannelWebsite }},
		{"breached", sotepe.ContactFilter{Breached: new(true)}, func(r sotepe.ContactRequest) bool { return r.Breached }},
		{"not breached", sotepe.ContactFilter{Breached: new(false)}, func(r sotepe.ContactRequest) bool { return !r.Breached }},
		{"assigned", sotepe.ContactFilter{AssignedTo: f.nurse.ID}, func(r sotepe.ContactRequest) bool { return r.AssignedTo == f.nurse.ID }},
		{"assigned at unit, open", sotepe.ContactFilter{AssignedTo: f.nurse.ID, Units: []string{vuosaari}, Statuses: open}, func(r sotepe.ContactRequest) bool {
			return r.AssignedTo == f.nurse.ID && r.UnitID == vuosaari && r.Status.Open()
		}},
		{"queue: unit, open, unbreached, service, channel", sotepe.ContactFilter{Units: []string{kallio}, Statuses: open, Breached: new(false),
			Service: "nurse", Channel: sotepe.ChannelPortal}, func(r sotepe.ContactRequest) bool {
			return r.UnitID == kallio && r.Status.Open() && !r.Breached && r.ServiceID == "nurse" && r.Channel == sotepe.ChannelPortal
		}},
		{"nothing", sotepe.ContactFilter{Units: []string{"kontula-family-centre"}}, func(r sotepe.ContactRequest) bool { return false }},
	} {
		want := []sotepe.ContactRequest{}
		for _, r := range all {
			if c.keep(r) && in(r.UnitID, c.f.Units...) {
				want = append(want, r)
			}
		}
		if len(want) == 0 && c.name != "nothing" {
			t.Fatalf("%s: the fixture has no match", c.name)
		}
		one := c.f
		one.Page = sotepe.PageRequest{Limit: 500}
		p, err := s.ContactRequests(context.Background(), one)
		must(t, err)
		if !reflect.DeepEqual(p.Items, want) || p.NextCursor != "" {
			t.Errorf("%s: one page %v (next %q), want %v", c.name, contactIDs(p.Items), p.NextCursor, contactIDs(want))
			continue
		}
		// Paging by three visits each request once, in order.
		var paged []sotepe.ContactRequest
		paging := c.f
		for pages := 0; ; pages++ {
			if pages > len(all) {
				t.Fatalf("%s: paging does not end", c.name)
			}
			paging.Page = sotepe.PageRequest{Limit: 3, Cursor: paging.Page.Cursor}
			p, err := s.ContactRequests(context.Background(), paging)
			must(t, err)
			if len(p.Items) > 3 || len(p.Items) < 3 && p.NextCursor != "" {
				t.Fatalf("%s: page of %d, next %q", c.name, len(p.Items), p.NextCursor)
			}
			paged = append(paged, p.Items...)
			if p.NextCursor == "" {
				break
			}
			paging.Page.Cursor = p.NextCursor
		}
		if !reflect.DeepEqual(contactIDs(paged), contactIDs(want)) {
			t.Errorf("%s: paged %v, want %v", c.name, contactIDs(paged), contactIDs(want))
		}
	}

	// Items come without messages, as an empty list.
	p, err := s.ContactRequests(context.Background(), sotepe.ContactFilter{Page: sotepe.PageRequest{Limit: 1}})
	must(t, err)
	if len(p.Items) != 1 || p.Items[0].Messages == nil || len(p.Items[0].Messages) != 0 {
		t.Fatalf("list item = %#v", p.Items)
	}
	none, err := s.ContactRequests(context.Background(), sotepe.ContactFilter{ResidentID: 999999})
	must(t, err)
	if none.Items == nil || len(none.Items) != 0 {
		t.Fatalf("list of nobody = %#v", none)
	}

	for _, c := range []string{"!!!", base64.RawURLEncoding.EncodeToString([]byte("garbage")), base64.RawURLEncoding.EncodeToString([]byte("1.x"))} {
		_, err := s.ContactRequests(context.Background(), sotepe.ContactFilter{Page: sotepe.PageRequest{Cursor: c}})
		wantKey(t, err, sotepe.EInvalid, "error.cursor")
	}
	_, err = s.ContactRequests(context.Background(), sotepe.ContactFilter{Statuses: []sotepe.ContactStatus{"lost"}})
	wantKey(t, err, sotepe.EInvalid, "error.status")
	_, err = s.ContactRequests(context.Background(), sotepe.ContactFilter{Page: sotepe.PageRequest{Limit: -1}})
	wantKey(t, err, sotepe.EInvalid, "error.page_limit")
}

// seedQueue inserts, in one transaction, n requests at unit with the given
// statuses in turn and due times a minute apart from due.
func seedQueue(t testing.TB, s Store, resident int64, unit, service string, statuses []sotepe.ContactStatus, n int, due time.Time) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.DB().BeginTx(ctx, nil)
	must(t, err)
	defer tx.Rollback()
	const batch = 500
	for from := 0; from < n; from += batch {
		var values []string
		var args []any
		for i := from; i < min(from+batch, n); i++ {
			st := statuses[i%len(statuses)]
			var closed sql.NullInt64
			if st == sotepe.StatusClosed {
				closed = sql.NullInt64{Int64: micros(due), Valid: true}
			}
			d := micros(due.Add(time.Duration(i) * time.Minute))
			args = append(args, resident, service, unit, string(st), d-1, d, closed)
			k := len(args)
			values = append(values, fmt.Sprintf("($%d, $%d, $%d, 'portal', $%d, 'fi', $%d, $%d, $%d, $%d)", k-6, k-5, k-4, k-3, k-2, k-1, k, k-2))
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO contact_requests (resident_id, service_id, unit_id, channel, status, lang,
			received_at, due_at, closed_at, created_at) VALUES `+strings.Join(values, ", "), args...)
		must(t, err)
	}
	must(t, tx.Commit())
}
