package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/bare"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/web"
)

// ingestServer is a sotepe server on loopback over a new store on engine
// with the demo network and people, as in production: without the test
// servers' OpenAPI check around it. It returns the server's URL and the
// bearer token of an integration client with the scope events:write.
func ingestServer(b *testing.B, engine string) (url, token string) {
	b.Helper()
	st := openStore(b, engine)
	people := loadDemo(b, st)
	srv := httptest.NewServer(benchServer(b, st, web.Config{Now: time.Now, MaxBody: 64 << 10}))
	b.Cleanup(srv.Close)
	admin := sotepe.WithActor(context.Background(), sotepe.Actor{UserID: people.Users["admin"], Role: sotepe.RoleAdmin})
	c, err := st.CreateIntegrationClient(admin, "records", []string{sotepe.ScopeEventsWrite}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return srv.URL, c.Token
}

// benchEvent is one event of a request body, as a records system sends
// it: without the producer, which sotepe finds from the unit.
type benchEvent struct {
	ExternalID string `json:"external_id"`
	Day        string `json:"day"`
	Unit       string `json:"unit"`
	Statistic  string `json:"statistic"`
	Mode       string `json:"mode"`
	AgeBand    string `json:"age_band,omitempty"`
	Lang       string `json:"lang,omitempty"`
	Count      int    `json:"count"`
}

// BenchmarkIngestAPI sends batches of 10,000 service events to POST
// /api/v1/events beside the baseline of a prepared one-row INSERT in a
// loop on a database of its own (internal/bare), on SQLite and, when
// SOTEPE_TEST_POSTGRES is set, PostgreSQL. The time of a batch is the
// whole request, from the client's first byte to the server's answer read;
// encoding the body is the client's and is not counted. The "ratio"
// sub-benchmarks report sotepe ÷ bare in rows per second
// (docs/benchmarks.md):
//
//	go test -run '^$' -bench 'IngestAPI/.*/ratio' -benchtime 10x -count 3 ./web/
func BenchmarkIngestAPI(b *testing.B) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			d, units := testenv.Bare(b, testenv.Engine(engine))
			url, token := ingestServer(b, engine)
			hc := &http.Client{}
			bare.Ingest(b, d, units, sotepe.MaxEventBatch, func(events []sotepe.ServiceEvent) func(context.Context) error {
				in := make([]benchEvent, len(events))
				for i, e := range events {
					in[i] = benchEvent{ExternalID: e.ExternalID, Day: e.Day, Unit: e.UnitID, Statistic: e.Statistic, Mode: string(e.Mode),
						AgeBand: e.AgeBand, Lang: e.Lang, Count: e.Count}
				}
				body, err := json.Marshal(map[string]any{"events": in})
				if err != nil {
					b.Fatal(err)
				}
				return func(ctx context.Context) error {
					req, err := http.NewRequestWithContext(ctx, "POST", url+"/api/v1/events", bytes.NewReader(body))
					if err != nil {
						return err
					}
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := hc.Do(req)
					if err != nil {
						return err
					}
					defer resp.Body.Close()
					answer, err := io.ReadAll(resp.Body)
					if err != nil {
						return err
					}
					var res sotepe.EventResult
					if resp.StatusCode != http.StatusOK || json.Unmarshal(answer, &res) != nil || res.Added != len(events) {
						return fmt.Errorf("POST /api/v1/events: %d %.200s", resp.StatusCode, answer)
					}
					return nil
				}
			})
		})
	}
}
