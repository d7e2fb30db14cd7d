package contact_test

import (
	"context"
	"testing"

	"sotepe"
)

// BenchmarkSubmit measures one portal submission end to end below HTTP:
// routing, the deadline and the durable insert on SQLite.
// go test -run ^$ -bench Submit -benchmem ./contact/
func BenchmarkSubmit(b *testing.B) {
	f := newFixture(b)
	erik := f.users["erik"]
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := f.svc.Submit(ctx, &erik, sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: "Kuumetta kolme päivää."}); err != nil {
			b.Fatal(err)
		}
	}
}
