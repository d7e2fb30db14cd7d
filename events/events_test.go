package events_test

import (
	"testing"

	"sotepe"
	"sotepe/events"
	"sotepe/internal/testenv"
)

func TestClientsAndScopes(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		ctx, _ := e.As("admin")
		svc := events.New(e.Store)
		writer, err := e.Store.CreateIntegrationClient(ctx, "rescue-dispatch", []string{sotepe.ScopeEventsWrite}, e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}

		c, err := svc.Client(ctx, " "+writer.Token+" ", sotepe.ScopeEventsWrite)
		testenv.Code(t, err, "")
		if c.Name != "rescue-dispatch" {
			t.Fatalf("client %q", c.Name)
		}
		_, err = svc.Client(ctx, "", sotepe.ScopeEventsWrite)
		testenv.Code(t, err, sotepe.EUnauthorized)
		_, err = svc.Client(ctx, writer.Token+"x", sotepe.ScopeEventsWrite)
		testenv.Code(t, err, sotepe.EUnauthorized)
		_, err = svc.Client(ctx, writer.Token, "events:read")
		testenv.Code(t, err, sotepe.EForbidden)

		// The events land under the client's own name whatever they say.
		ev := sotepe.ServiceEvent{Source: "someone-else", ExternalID: "e-1", Day: "2026-11-20", UnitID: "kallio-health-station",
			Statistic: "health_station_nurse_visits", Mode: sotepe.EventInPerson, Count: 2}
		res, err := svc.Add(ctx, c, []sotepe.ServiceEvent{ev})
		testenv.Code(t, err, "")
		if res.Added != 1 {
			t.Fatalf("result %+v", res)
		}
		res, err = svc.Add(ctx, c, []sotepe.ServiceEvent{ev})
		testenv.Code(t, err, "")
		if res.Duplicates != 1 {
			t.Fatalf("again: %+v", res)
		}
		// Another client sending the same external id adds its own event:
		// the source is the client's name, not what the event says.
		other, err := e.Store.CreateIntegrationClient(ctx, "patient-records", []string{sotepe.ScopeEventsWrite}, e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		oc, err := svc.Client(ctx, other.Token, sotepe.ScopeEventsWrite)
		testenv.Code(t, err, "")
		res, err = svc.Add(ctx, oc, []sotepe.ServiceEvent{ev})
		testenv.Code(t, err, "")
		if res.Added != 1 {
			t.Fatalf("the other client's event: %+v", res)
		}
		// A client without the scope writes nothing.
		_, err = svc.Add(ctx, sotepe.IntegrationClient{Name: "reader"}, []sotepe.ServiceEvent{ev})
		testenv.Code(t, err, sotepe.EForbidden)
	})
}
