package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"sotepe/store"
	"sotepe/yeargen"
)

// generateRescue writes the rescue department's year (yeargen.Year.Rescue):
// its missions, emergency care runs and fire inspections, which are the
// report's three rescue lines, each kind in one transaction.
func generateRescue(ctx context.Context, st *store.Store, y yeargen.Year, stdout io.Writer) error {
	started := time.Now()
	ry, err := y.Rescue()
	if err != nil {
		return err
	}
	if _, err := st.AddRescueMissions(ctx, ry.Missions); err != nil {
		return fmt.Errorf("rescue missions: %w", err)
	}
	if _, err := st.AddEmergencyRuns(ctx, ry.Runs); err != nil {
		return fmt.Errorf("emergency runs: %w", err)
	}
	if _, err := st.AddFireInspections(ctx, ry.Inspections); err != nil {
		return fmt.Errorf("fire inspections: %w", err)
	}
	fmt.Fprintf(stdout, "rescue: %d missions, %d emergency runs, %d fire inspections in %s\n",
		len(ry.Missions), len(ry.Runs), len(ry.Inspections), time.Since(started).Round(time.Millisecond))
	return nil
}
