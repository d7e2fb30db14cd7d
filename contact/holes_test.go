package contact_test

import (
	"context"
	"testing"

	"sotepe"
)

// A replay returns only what the sender may read now: a professional who
// recorded a phone request at a unit they have since left gets a conflict
// with nothing of the request, not the request.
func TestReplayOutsideTheSendersUnitsIsAConflict(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	nurse, anna := f.users["nurse"], f.users["anna"]
	n := sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Soitti: kuumetta.", Channel: sotepe.ChannelPhone,
		ResidentID: anna.ResidentID, IdempotencyKey: "phone-1"}
	first, created, err := f.svc.Submit(ctx, &nurse, n)
	if err != nil || !created {
		t.Fatalf("record: %v", err)
	}
	again, created, err := f.svc.Submit(ctx, &nurse, n)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("retry: %+v, %v, %v", again, created, err)
	}
	moved := nurse
	moved.Units = []string{"toolo-health-station"}
	got, created, err := f.svc.Submit(ctx, &moved, n)
	if sotepe.ErrorCode(err) != sotepe.EConflict || sotepe.ErrorKey(err) != "error.idempotency_key_used" || created || got.ID != 0 || len(got.Messages) != 0 {
		t.Fatalf("replay outside the sender's units: %+v, %v, %v", got, created, err)
	}
}

// A resident's replay of her own request shows her no internal notes.
func TestResidentsReplayHidesInternalNotes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	nurse, anna := f.users["nurse"], f.users["anna"]
	n := sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Kurkku on kipeä.", IdempotencyKey: "portal-1"}
	c, _, err := f.svc.Submit(ctx, &anna, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Reply(ctx, nurse, c.ID, sotepe.Reply{Body: "Sisäinen huomio.", Internal: true}); err != nil {
		t.Fatal(err)
	}
	again, created, err := f.svc.Submit(ctx, &anna, n)
	if err != nil || created || again.ID != c.ID {
		t.Fatalf("retry: %v", err)
	}
	for _, m := range again.Messages {
		if m.Internal {
			t.Fatalf("the resident's replay shows an internal note: %+v", again.Messages)
		}
	}
}
