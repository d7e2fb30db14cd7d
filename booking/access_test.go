package booking_test

import (
	"context"
	"testing"

	"sotepe"
	"sotepe/booking"
	"sotepe/internal/testenv"
)

// TestRulesAndSlotAccess: how a service is booked is public; a slot is
// shown to staff of its unit only (and to a resident it is offered to),
// to everyone else it is as missing as a slot that does not exist.
func TestRulesAndSlotAccess(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		ctx := context.Background()
		e.LoadAppointments(t)
		svc, err := booking.New(booking.Config{Store: e.Store, Location: e.Location, Now: e.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		rules, err := svc.Rules(ctx, "health-station-nurse")
		testenv.Code(t, err, "")
		if rules.ServiceID != "health-station-nurse" {
			t.Fatalf("rules %+v", rules)
		}
		_, err = svc.Rules(ctx, "no-such-service")
		testenv.Code(t, err, sotepe.ENotFound)

		page, err := svc.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"kallio-health-station"}})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("no Kallio slot: %v", err)
		}
		sl := page.Items[0]
		got, err := svc.Slot(ctx, e.Users["nurse"], sl.ID)
		testenv.Code(t, err, "")
		if got.ID != sl.ID || got.UnitID != "kallio-health-station" {
			t.Fatalf("slot %+v", got)
		}
		_, err = svc.Slot(ctx, e.Users["manager"], sl.ID)
		testenv.Code(t, err, "")
		// Not offered to anna, not of the analyst's or admin's units: the
		// same 404 as a slot nobody has.
		for _, name := range []string{"anna", "erik", "analyst", "admin"} {
			_, err := svc.Slot(ctx, e.Users[name], sl.ID)
			testenv.Code(t, err, sotepe.ENotFound)
		}
		_, err = svc.Slot(ctx, e.Users["nurse"], 1<<40)
		testenv.Code(t, err, sotepe.ENotFound)
		_, err = svc.Slot(ctx, e.Users["nurse"], 0)
		testenv.Code(t, err, sotepe.ENotFound)

		// A Töölö slot is out of the Kallio nurse's reach.
		other, err := svc.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"toolo-health-station"}})
		if err != nil || len(other.Items) == 0 {
			t.Fatalf("no Töölö slot: %v", err)
		}
		_, err = svc.Slot(ctx, e.Users["nurse"], other.Items[0].ID)
		testenv.Code(t, err, sotepe.ENotFound)
	})
}
