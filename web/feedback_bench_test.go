package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/feedback"
	"sotepe/store"
	"sotepe/web"
)

// BenchmarkFeedbackStatsEndpoint measures GET /api/v1/stats/feedback
// through the whole handler chain over a year of 120,000 answers at the demo
// network's units on SQLite (the store as the directory; a server reads the
// in-memory index instead):
//
//	go test -run '^$' -bench FeedbackStatsEndpoint ./web/
func BenchmarkFeedbackStatsEndpoint(b *testing.B) {
	ctx := context.Background()
	st := openStore(b, store.SQLite)
	loadDemo(b, st)
	page, err := st.Units(ctx, sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}})
	if err != nil {
		b.Fatal(err)
	}
	units := page.Items
	loc, _ := time.LoadLocation("Europe/Helsinki")
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	for done := 0; done < 120000; done += 500 {
		var sb strings.Builder
		args := make([]any, 0, 3500)
		sb.WriteString(`INSERT INTO feedback (unit_id, score, channel, lang, service_id, created_at, day) VALUES `)
		for i := range 500 {
			at := year.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
			if i > 0 {
				sb.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			// Most answers name the service of a visit; most are in Finnish.
			u := units[rng.IntN(len(units))]
			var service any
			if rng.IntN(10) < 9 {
				service = u.Services[rng.IntN(len(u.Services))]
			}
			args = append(args, u.ID, 10-min(rng.IntN(12), 10), []string{"kiosk", "kiosk", "kiosk", "qr", "portal", "website"}[rng.IntN(6)],
				[]string{"fi", "fi", "fi", "fi", "fi", "fi", "fi", "fi", "sv", "en"}[rng.IntN(10)], service, at.UnixMicro(), at.In(loc).Format(time.DateOnly))
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// The roll-ups by month and day, as AddFeedback keeps them answer by
	// answer.
	if err := st.RebuildFeedbackFigures(ctx); err != nil {
		b.Fatal(err)
	}
	s := benchServer(b, st, web.Config{Feedback: feedback.New(feedback.Config{Store: st})})
	cookies := benchLogin(b, s, "analyst")
	for _, q := range []string{
		"from=2025-01-01&to=2025-12-31&group_by=unit",
		"from=2025-01-01&to=2025-12-31&group_by=producer_type&interval=month",
		"from=2025-01-15&to=2025-11-14&group_by=area",
		"from=2025-01-01&to=2025-12-31&group_by=channel",
		"from=2025-01-01&to=2025-12-31&group_by=service&interval=week",
		"from=2025-01-01&to=2025-12-31&group_by=channel&interval=day",
		"from=2025-01-01&to=2025-12-31&group_by=area&interval=week",
		"from=2025-01-01&to=2025-12-31&group_by=producer_type&interval=day",
	} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				rec := benchGet(s, "/api/v1/stats/feedback?"+q, cookies)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"nps"`) {
					b.Fatalf("%s: %d %s", q, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
