package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
)

// benchAuditSubject is the resident whose access log BenchmarkAuditReads
// reads: one audit row in 16 is about them, and of those one in 100 is a
// professional's read, the rest their own doings.
const benchAuditSubject = 424242

// BenchmarkAuditReads measures the reads of the audit trail at two sizes,
// 100,000 and 1,000,000 rows spread over 2025, folded into the summary's
// roll-up: a resident's access log (first page and a page deep into it) and
// the audit summary's counts for a month and for the year. A read that is flat in the data size costs about
// the same at both sizes. On PostgreSQL when SOTEPE_TEST_POSTGRES is set.
//
//	go test -run '^$' -bench AuditReads -benchtime 20x ./store/
func BenchmarkAuditReads(b *testing.B, open Opener) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s := New(b, open(b))
			ctx := context.Background()
			start := time.Now()
			seedAudit(b, s, n)
			b.Logf("%s: %d audit rows in %v", s.Dialect(), n, time.Since(start).Round(time.Millisecond))
			// As the server's fold loop (audit.Service.RunFolds) keeps it.
			start = time.Now()
			for {
				folded, err := s.FoldAuditCounts(ctx, 20000)
				must(b, err)
				if folded == 0 {
					break
				}
			}
			b.Logf("%s: folded into the summary's roll-up in %v", s.Dialect(), time.Since(start).Round(time.Millisecond))
			if s.Dialect() == store.Postgres {
				_, err := s.DB().ExecContext(ctx, `ANALYZE audit_log`)
				must(b, err)
			}
			first := sotepe.PageRequest{Limit: 50}
			deep := first
			for range 5 {
				p, err := s.AccessLog(ctx, benchAuditSubject, deep)
				must(b, err)
				deep.Cursor = p.NextCursor
			}
			for _, tc := range []struct {
				name string
				page sotepe.PageRequest
			}{{"access log, first page", first}, {"access log, sixth page", deep}} {
				b.Run(tc.name, func(b *testing.B) {
					for b.Loop() {
						p, err := s.AccessLog(ctx, benchAuditSubject, tc.page)
						if err != nil || len(p.Items) == 0 {
							b.Fatalf("a page of %d: %v", len(p.Items), err)
						}
					}
				})
			}
			for _, tc := range []struct{ name, from, to string }{
				{"summary, a month", "2025-06-01", "2025-06-30"},
				{"summary, the year", "2025-01-01", "2025-12-31"},
			} {
				b.Run(tc.name, func(b *testing.B) {
					for b.Loop() {
						counts, err := s.AuditCounts(ctx, tc.from, tc.to, nil)
						if err != nil || len(counts) == 0 {
							b.Fatalf("%d counts: %v", len(counts), err)
						}
					}
				})
			}
		})
	}
}

// seedAudit writes n audit rows evenly over 2025 in one statement: one in 16
// about benchAuditSubject (one in 100 of those a professional's read), the
// rest about 5,000 other residents, with a mix of eight actions, roles and
// three units. The days are UTC days, near enough for a benchmark.
func seedAudit(b *testing.B, s Store, n int) {
	b.Helper()
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	step := (time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro() - from) / int64(n)
	actions := []string{"contact_request.read", "resident.search", "chat.read", "session.login",
		"contact_request.answer", "appointment.book", "feedback_list.read", "assessment.read"}
	action := "CASE i % 8"
	for i, a := range actions {
		action += fmt.Sprintf(" WHEN %d THEN '%s'", i, a)
	}
	action += " END"
	rows := fmt.Sprintf(`SELECT
		%d + i * %d AS at,
		CASE WHEN i %% 16 = 0 THEN %d ELSE 1000 + i %% 5000 END AS r,
		CASE WHEN i %% 1600 = 0 THEN 'contact_request.read' WHEN i %% 16 = 0 THEN 'session.login' ELSE %s END AS a,
		CASE WHEN i %% 16 = 0 AND i %% 1600 <> 0 THEN 'resident' WHEN i %% 3 = 0 THEN 'manager' ELSE 'professional' END AS role,
		CASE i %% 3 WHEN 0 THEN 'kallio-health-station' WHEN 1 THEN 'vuosaari-health-station' ELSE 'malmi-hospital' END AS unit,
		i %% 700 + 1 AS actor`, from, step, benchAuditSubject, action)
	var q string
	if s.Dialect() == store.Postgres {
		q = `INSERT INTO audit_log (at, day, resident_id, action, actor_role, actor_unit, actor_id)
			SELECT at, to_char(to_timestamp(at / 1000000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r, a, role, unit, actor
			FROM (` + rows + ` FROM generate_series(0::bigint, ` + fmt.Sprint(n-1) + `) AS g(i)) AS x`
	} else {
		q = `INSERT INTO audit_log (at, day, resident_id, action, actor_role, actor_unit, actor_id)
			WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < ` + fmt.Sprint(n-1) + `)
			SELECT at, date(at / 1000000, 'unixepoch'), r, a, role, unit, actor
			FROM (` + rows + ` FROM g) AS x`
	}
	_, err := s.DB().ExecContext(context.Background(), q)
	must(b, err)
}
