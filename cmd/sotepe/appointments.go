package main

import (
	"context"
	"time"

	"sotepe/demo"
	"sotepe/store"
)

// loadDemoAppointments keeps the demo's free times open for the coming
// weeks: it runs at every demo start and opens only the times missing.
func loadDemoAppointments(ctx context.Context, st *store.Store) error {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return err
	}
	_, err = demo.LoadAppointments(ctx, st, time.Now(), loc)
	return err
}
