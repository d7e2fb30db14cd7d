package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"sotepe/store"
	"sotepe/yeargen"
)

// generateProcurement writes the year's purchased services
// (yeargen.Year.Procurement) in one transaction: the partners with their
// registrations, the contracts with their price lists and the voucher
// kinds with a value period over the year.
func generateProcurement(ctx context.Context, st *store.Store, y yeargen.Year, stdout io.Writer) error {
	started := time.Now()
	ref, err := yeargen.LoadProcurementReference()
	if err != nil {
		return err
	}
	b := y.Procurement(ref)
	if err := st.LoadProcurement(ctx, b); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "procurement: %d contracts, %d new partners, %d voucher kinds in %s\n",
		len(b.Contracts), len(b.Producers), len(b.VoucherKinds), time.Since(started).Round(time.Millisecond))
	return nil
}
