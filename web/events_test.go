package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// eventsBody is a batch of n nurse visits at Kallio numbered from first.
func eventsBody(first, n int, edit func(i int, e map[string]any)) string {
	var evs []map[string]any
	for i := first; i < first+n; i++ {
		e := map[string]any{"external_id": fmt.Sprintf("visit-%d", i), "day": "2024-03-04", "unit": "kallio-health-station",
			"statistic": "health_station_nurse_visits", "mode": "in_person", "count": 1}
		if edit != nil {
			edit(i, e)
		}
		evs = append(evs, e)
	}
	b, _ := json.Marshal(map[string]any{"events": evs})
	return string(b)
}

func (e *env) eventRows(t *testing.T, source string) (rows, total int) {
	t.Helper()
	if err := e.store.DB().QueryRowContext(context.Background(), `SELECT COUNT(*), COALESCE(SUM(count), 0) FROM events WHERE source = $1`, source).Scan(&rows, &total); err != nil {
		t.Fatal(err)
	}
	return rows, total
}

func TestEventsAPI(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := sotepe.WithActor(context.Background(), sotepe.Actor{UserID: e.ids.Users["admin"], Role: sotepe.RoleAdmin})
		writer, err := e.store.CreateIntegrationClient(ctx, "patient-records", []string{sotepe.ScopeEventsWrite}, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		bearer := func(token string) []string { return []string{"Authorization", "Bearer " + token} }

		// No token, a wrong one: 401, nothing stored.
		wantStatus(t, c.do("POST", "/api/v1/events", eventsBody(0, 2, nil)), http.StatusUnauthorized, "no token")
		wantStatus(t, c.do("POST", "/api/v1/events", eventsBody(0, 2, nil), bearer(writer.Token+"x")...), http.StatusUnauthorized, "wrong token")
		// A signed-in analyst is no integration client.
		analyst := e.as("analyst")
		wantStatus(t, analyst.do("POST", "/api/v1/events", eventsBody(0, 2, nil)), http.StatusUnauthorized, "session instead of token")

		// A batch of 3,000 lands; sent again with 10 more, only those count.
		r := c.do("POST", "/api/v1/events", eventsBody(0, 3000, nil), bearer(writer.Token)...)
		var res sotepe.EventResult
		r.json(t, &res)
		if r.status != http.StatusOK || res.Added != 3000 || res.Duplicates != 0 {
			t.Fatalf("first batch: %d %s", r.status, r.body)
		}
		r = c.do("POST", "/api/v1/events", eventsBody(0, 3010, nil), bearer(writer.Token)...)
		r.json(t, &res)
		if r.status != http.StatusOK || res.Added != 10 || res.Duplicates != 3000 {
			t.Errorf("second batch: %d %s", r.status, r.body)
		}
		if rows, total := e.eventRows(t, "patient-records"); rows != 3010 || total != 3010 {
			t.Errorf("stored %d events of total %d", rows, total)
		}

		// A bad event names its index, in the caller's language; nothing of
		// the batch is stored.
		for _, tt := range []struct {
			name string
			bad  func(e map[string]any)
			want string
		}{
			{"unknown statistic", func(e map[string]any) { e["statistic"] = "visits" }, "Okänd statistik"},
			{"bad day", func(e map[string]any) { e["day"] = "2024-02-30" }, "ÅÅÅÅ-MM-DD"},
			{"unknown unit", func(e map[string]any) { e["unit"] = "no-such-unit" }, "Verksamhetsstället"},
			{"zero count", func(e map[string]any) { e["count"] = 0 }, "minst 1"},
		} {
			body := eventsBody(5000, 20, func(i int, e map[string]any) {
				if i == 5007 {
					tt.bad(e)
				}
			})
			r := c.do("POST", "/api/v1/events", body, append(bearer(writer.Token), "Accept-Language", "sv")...)
			var eb struct {
				Error struct {
					Code, Message string
					Index         int
				}
			}
			r.json(t, &eb)
			if r.status != http.StatusBadRequest || eb.Error.Index != 7 || !strings.Contains(eb.Error.Message, "7") || !strings.Contains(eb.Error.Message, tt.want) {
				t.Errorf("%s: %d %s", tt.name, r.status, r.body)
			}
		}
		if rows, _ := e.eventRows(t, "patient-records"); rows != 3010 {
			t.Errorf("bad batches stored %d events", rows-3010)
		}
		// Unknown fields and empty or oversized batches are refused.
		wantStatus(t, c.do("POST", "/api/v1/events", `{"events":[{"external_id":"x","source":"other"}]}`, bearer(writer.Token)...), http.StatusBadRequest, "unknown field")
		wantStatus(t, c.do("POST", "/api/v1/events", `{"events":[]}`, bearer(writer.Token)...), http.StatusBadRequest, "empty batch")
		if r := c.do("POST", "/api/v1/events", eventsBody(0, sotepe.MaxEventBatch+1, nil), bearer(writer.Token)...); r.status != http.StatusBadRequest && r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized batch: %d", r.status)
		}

		// A client without the scope is forbidden; a revoked one unknown.
		if _, err := e.store.DB().ExecContext(context.Background(), `UPDATE integration_clients SET scopes = 'directory:read' WHERE name = 'patient-records'`); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.do("POST", "/api/v1/events", eventsBody(9000, 1, nil), bearer(writer.Token)...), http.StatusForbidden, "without scope")
		if err := e.store.RevokeIntegrationClient(ctx, "patient-records", e.clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.do("POST", "/api/v1/events", eventsBody(9000, 1, nil), bearer(writer.Token)...), http.StatusUnauthorized, "revoked")
		if rows, _ := e.eventRows(t, "patient-records"); rows != 3010 {
			t.Errorf("refused clients stored %d events", rows-3010)
		}
		// The daily aggregates follow.
		var daily int
		if err := e.store.DB().QueryRowContext(context.Background(), `SELECT SUM(count) FROM event_daily WHERE day = '2024-03-04' AND unit_id = 'kallio-health-station'`).Scan(&daily); err != nil || daily != 3010 {
			t.Errorf("daily sum %d, %v", daily, err)
		}
	})
}

// TestStatisticNamesInCatalogs checks that every statistic, group, measure
// and mode has its name in the three languages.
func TestStatisticNamesInCatalogs(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		var keys []string
		for _, s := range sotepe.Statistics {
			keys = append(keys, "statistic."+s.Key, "measure."+string(s.Measure))
		}
		for _, g := range sotepe.StatisticGroups {
			keys = append(keys, "statistic_group."+g)
		}
		for _, m := range sotepe.EventModes {
			keys = append(keys, "event_mode."+string(m))
		}
		keys = append(keys, "action."+sotepe.ActionIntegrationCreate, "action."+sotepe.ActionIntegrationRevoke)
		for _, k := range keys {
			for _, l := range sotepe.Langs {
				if got := e.cat.T(l, k, nil); got == k || got == "" {
					t.Errorf("%s: no %s name", k, l)
				}
			}
		}
	})
}
