package store

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
// and returns them as a list returns them (without messages).
func seedContactList(t testing.TB, s testStore, f contactFixture) []sotepe.ContactRequest {
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

func TestContactList(t *testing.T) {
	engines(t, func(t *testing.T, s testStore) {
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
	})
}

// explain returns SQLite's query plan of query, one line per step.
func explain(t testing.TB, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	must(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		lines = append(lines, detail)
	}
	must(t, rows.Err())
	return strings.Join(lines, "\n")
}

// TestContactQueuePlan checks on SQLite that the lists read their indexes
// in order: every arm is a SEARCH of an index and no arm sorts, so a page
// costs the same however long the queue.
func TestContactQueuePlan(t *testing.T) {
	s := newStore(t, openSQLite(t))
	open := []sotepe.ContactStatus{sotepe.StatusNew, sotepe.StatusInProgress, sotepe.StatusWaiting}
	cursor := encodeContactCursor(1, 1)
	for _, c := range []struct {
		name  string
		f     sotepe.ContactFilter
		index string
	}{
		{"unit queue", sotepe.ContactFilter{Units: []string{kallio}, Statuses: open}, "contact_requests_queue"},
		{"unit queue, next page", sotepe.ContactFilter{Units: []string{kallio}, Statuses: open, Page: sotepe.PageRequest{Cursor: cursor}}, "contact_requests_queue"},
		{"two units, every status", sotepe.ContactFilter{Units: []string{kallio, vuosaari}, Breached: new(true)}, "contact_requests_queue"},
		{"assigned", sotepe.ContactFilter{AssignedTo: 7, Units: []string{kallio}, Statuses: open}, "contact_requests_assigned"},
		{"resident", sotepe.ContactFilter{ResidentID: 7, Page: sotepe.PageRequest{Cursor: cursor}}, "contact_requests_resident"},
		{"everything open", sotepe.ContactFilter{Statuses: open}, "contact_requests_status"},
	} {
		q, args, _, err := contactListQuery(c.f)
		must(t, err)
		plan := explain(t, s.r, q, args...)
		t.Logf("%s:\n%s", c.name, plan)
		lines := strings.Split(plan, "\n")
		for i, line := range lines {
			// A sort right after reading the table would sort the whole
			// queue; the merge's sort of an arm's output (SCAN aN) sorts
			// at most a page.
			if strings.HasPrefix(line, "SCAN contact_requests") ||
				strings.Contains(line, "TEMP B-TREE") && (i == 0 || !strings.HasPrefix(lines[i-1], "SCAN a")) {
				t.Errorf("%s: %q in plan\n%s", c.name, line, plan)
			}
			if strings.HasPrefix(line, "SEARCH contact_requests") && !strings.Contains(line, c.index) {
				t.Errorf("%s: %q does not use %s", c.name, line, c.index)
			}
		}
		if !strings.Contains(plan, c.index) {
			t.Errorf("%s: plan does not use %s:\n%s", c.name, c.index, plan)
		}
	}
	for name, q := range map[string]string{
		"breach sweep":    `UPDATE contact_requests SET breached = TRUE WHERE ` + pendingWhere + ` AND due_at < $1`,
		"idempotency key": idempotencyLookup,
		"outbox":          `SELECT id FROM notifications WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY created_at, id LIMIT $2`,
		"thread":          `SELECT id FROM contact_messages WHERE request_id = $1 ORDER BY at, id`,
	} {
		args := []any{1, "k"}[:min(strings.Count(q, "$"), 2)]
		if name == "idempotency key" {
			args = []any{0, 1, "k"}
		}
		plan := explain(t, s.w, q, args...)
		t.Logf("%s:\n%s", name, plan)
		// The outbox reads its partial index, which holds only unsent
		// rows, in order.
		if strings.Contains(plan, "SCAN") && !strings.Contains(plan, "USING INDEX notifications_pending") ||
			strings.Contains(plan, "TEMP B-TREE") || name == "breach sweep" && !strings.Contains(plan, "contact_requests_pending") {
			t.Errorf("%s: plan\n%s", name, plan)
		}
	}
}

// seedQueue inserts, in one transaction, n requests at unit with the given
// statuses in turn and due times a minute apart from due.
func seedQueue(t testing.TB, s testStore, resident int64, unit, service string, statuses []sotepe.ContactStatus, n int, due time.Time) {
	t.Helper()
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
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

// BenchmarkContactQueue reads one page (50) of a unit's open queue with
// 10,000 open requests in that unit, 10,000 answered or closed ones in it,
// and 10,000 open ones in another unit: the first page, a page from the
// middle, and the unit's whole list (every status). On PostgreSQL when
// SOTEPE_TEST_POSTGRES is set.
func BenchmarkContactQueue(b *testing.B) {
	open := []sotepe.ContactStatus{sotepe.StatusNew, sotepe.StatusInProgress, sotepe.StatusWaiting}
	for _, engine := range []string{SQLite, Postgres} {
		b.Run(engine, func(b *testing.B) {
			var s testStore
			if engine == SQLite {
				s = newStore(b, openSQLite(b))
			} else {
				s = newStore(b, openPostgres(b))
			}
			f := seedContacts(b, s)
			seedQueue(b, s, f.withAccount.ID, kallio, "nurse", open, 10000, f.t0)
			seedQueue(b, s, f.withAccount.ID, kallio, "nurse", []sotepe.ContactStatus{sotepe.StatusAnswered, sotepe.StatusClosed}, 10000, f.t0)
			seedQueue(b, s, f.withoutAccount.ID, vuosaari, "dental", open, 10000, f.t0)
			if engine == Postgres {
				_, err := s.w.ExecContext(context.Background(), `ANALYZE contact_requests`)
				must(b, err)
			}
			ctx := context.Background()
			queue := sotepe.ContactFilter{Units: []string{kallio}, Statuses: open, Page: sotepe.PageRequest{Limit: 50}}
			mid := queue
			for range 100 { // page 101 of 200
				p, err := s.ContactRequests(ctx, mid)
				must(b, err)
				mid.Page.Cursor = p.NextCursor
			}
			whole := sotepe.ContactFilter{Units: []string{kallio}, Page: sotepe.PageRequest{Limit: 50}}
			for name, f := range map[string]sotepe.ContactFilter{"first": queue, "middle": mid, "every status": whole} {
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						p, err := s.ContactRequests(ctx, f)
						if err != nil || len(p.Items) != 50 {
							b.Fatalf("page of %d: %v", len(p.Items), err)
						}
					}
				})
			}
			if engine == Postgres {
				q, args, _, err := contactListQuery(queue)
				must(b, err)
				rows, err := s.r.QueryContext(ctx, `EXPLAIN ANALYZE `+q, args...)
				must(b, err)
				var plan []string
				for rows.Next() {
					var line string
					must(b, rows.Scan(&line))
					plan = append(plan, line)
				}
				rows.Close()
				b.Logf("PostgreSQL plan of the first page:\n%s", strings.Join(plan, "\n"))
			}
		})
	}
}
