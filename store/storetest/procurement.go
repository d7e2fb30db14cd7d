package storetest

import (
	"testing"

	"sotepe"
)

// testProcurement stores and reads back registrations, contracts with
// prices, voucher kinds (rejecting overlapping value periods), voucher
// decisions (the staff read audited), supervision, and the year's totals.
func testProcurement(t *testing.T, s Store) {
	ctx := adminCtx()
	f := seedContacts(t, s)

	// Registrations: the check digit of the business id is checked.
	if err := s.SaveRegistration(ctx, sotepe.ProducerRegistration{ProducerID: "smile", BusinessID: "0201256-7"}); sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("bad check digit: %v", err)
	}
	if err := s.SaveRegistration(ctx, sotepe.ProducerRegistration{ProducerID: "nobody", BusinessID: "0201256-6"}); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("unknown producer: %v", err)
	}
	must(t, s.SaveRegistration(ctx, sotepe.ProducerRegistration{ProducerID: "smile", BusinessID: "0201256-6", RegisterID: "SOTERI-123"}))
	regs, err := s.Registrations(ctx)
	must(t, err)
	if len(regs) != 1 || regs[0].BusinessID != "0201256-6" || regs[0].RegisterID != "SOTERI-123" {
		t.Errorf("registrations = %+v", regs)
	}

	// Contracts, one with a price list, one out of 2024.
	c, err := s.SaveContract(ctx, sotepe.Contract{ProducerID: "smile", Title: "Hammashoito", Services: []string{"dental"},
		Units: []string{"vuosaari-dental"}, ValueCents: 150_000_00, ValidFrom: "2024-01-01", ValidTo: "2025-12-31", SocialCriteria: true,
		Prices: []sotepe.PriceRow{{ServiceID: "dental", Measure: "visit", PriceCents: 85_00, ValidFrom: "2024-01-01", ValidTo: "2024-12-31"}}})
	must(t, err)
	_, err = s.SaveContract(ctx, sotepe.Contract{ProducerID: "smile", Title: "Later", Services: []string{"dental"},
		ValueCents: 1_00, ValidFrom: "2025-01-01", ValidTo: "2025-12-31", EnvironmentalCriteria: true})
	must(t, err)
	if _, err := s.SaveContract(ctx, sotepe.Contract{ProducerID: "nobody", Title: "X", Services: []string{"dental"},
		ValidFrom: "2024-01-01", ValidTo: "2024-12-31"}); sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("unknown producer: %v", err)
	}
	got, err := s.Contract(ctx, c.ID)
	must(t, err)
	if got.Title != "Hammashoito" || !got.SocialCriteria || got.EnvironmentalCriteria || len(got.Prices) != 1 || got.Prices[0].PriceCents != 85_00 ||
		len(got.Units) != 1 || len(got.Services) != 1 {
		t.Errorf("contract = %+v", got)
	}
	if _, err := s.Contract(ctx, c.ID+100); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("missing contract: %v", err)
	}
	all, err := s.Contracts(ctx)
	must(t, err)
	if len(all) != 2 || len(all[0].Prices) != 1 || len(all[1].Prices) != 0 {
		t.Errorf("contracts = %+v", all)
	}

	// Voucher kinds: value = base × coefficient; overlapping periods are refused.
	kind := sotepe.VoucherKind{ID: "dental", ServiceID: "dental", Names: sotepe.Names{Fi: "Hammashoito", Sv: "Tandvård", En: "Dental care"},
		Values: []sotepe.VoucherValue{
			{ValidFrom: "2024-01-01", ValidTo: "2024-12-31", BaseCents: 100_00, Coefficient: 12500},
			{ValidFrom: "2024-06-01", ValidTo: "2025-12-31", BaseCents: 110_00, Coefficient: 10000},
		}}
	if err := s.SaveVoucherKind(ctx, kind); sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("overlapping periods: %v", err)
	}
	kind.Values[1].ValidFrom = "2025-01-01"
	must(t, s.SaveVoucherKind(ctx, kind))
	kinds, err := s.VoucherKinds(ctx)
	must(t, err)
	if len(kinds) != 1 || len(kinds[0].Values) != 2 || kinds[0].Values[0].ValueCents != 125_00 {
		t.Errorf("kinds = %+v", kinds)
	}

	// Decisions: the resident's own read is not audited, staff's is.
	d, err := s.AddVoucherDecision(ctx, sotepe.VoucherDecision{ResidentID: f.withAccount.ID, KindID: "dental", ProducerID: "smile",
		ValidFrom: "2024-02-01", ValidTo: "2024-12-31", DecidedBy: f.dentist.ID})
	must(t, err)
	own, err := s.VoucherDecisions(ctx, f.withAccount.ID)
	must(t, err)
	if len(own) != 1 || own[0].ID != d.ID {
		t.Errorf("own decisions = %+v", own)
	}
	before := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, sotepe.ActionVoucherDecisionRead)
	staff, err := s.StaffVoucherDecisions(ctx, f.withAccount.ID, sotepe.BasisCareRelationship)
	must(t, err)
	if len(staff) != 1 || count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND resident_id = $2`,
		sotepe.ActionVoucherDecisionRead, f.withAccount.ID) != before+1 {
		t.Errorf("staff read = %+v, not audited", staff)
	}

	// Supervision.
	_, err = s.AddSelfMonitoringPlan(ctx, sotepe.SelfMonitoringPlan{UnitID: "vuosaari-dental", Version: "2", Date: "2024-03-01", Link: "https://example.org/plan.pdf"})
	must(t, err)
	if _, err := s.AddSelfMonitoringPlan(ctx, sotepe.SelfMonitoringPlan{UnitID: "vuosaari-dental", Version: "3", Date: "2024-03-01"}); sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("empty plan: %v", err)
	}
	v, err := s.AddSupervisionVisit(ctx, sotepe.SupervisionVisit{UnitID: "vuosaari-dental", Date: "2024-04-01", Findings: "Hand hygiene", FollowUpDue: "2024-05-01"})
	must(t, err)
	visits, err := s.SupervisionVisits(ctx)
	must(t, err)
	if len(visits) != 1 || visits[0].ID != v.ID || !visits[0].Overdue("2024-05-02") || visits[0].Overdue("2024-05-01") {
		t.Errorf("visits = %+v", visits)
	}

	tot, err := s.ProcurementTotals(ctx, 2024)
	must(t, err)
	want := sotepe.ProcurementTotals{Contracts: 1, Partners: 1, ValueCents: 150_000_00, Social: 1, VoucherKinds: 1}
	if tot != want {
		t.Errorf("totals 2024 = %+v, want %+v", tot, want)
	}
	tot, err = s.ProcurementTotals(ctx, 2025)
	must(t, err)
	if tot.Contracts != 2 || tot.Environmental != 1 || tot.VoucherKinds != 1 {
		t.Errorf("totals 2025 = %+v", tot)
	}

	// The bulk load keeps a kind's periods and adds only those that fit.
	must(t, s.LoadProcurement(ctx, sotepe.ProcurementBulk{VoucherKinds: []sotepe.VoucherKind{{ID: "dental", Names: kind.Names,
		Values: []sotepe.VoucherValue{{ValidFrom: "2023-01-01", ValidTo: "2023-12-31", BaseCents: 90_00, Coefficient: 10000},
			{ValidFrom: "2024-01-01", ValidTo: "2024-12-31", BaseCents: 1, Coefficient: 10000}}}}}))
	kinds, err = s.VoucherKinds(ctx)
	must(t, err)
	if len(kinds[0].Values) != 3 || kinds[0].Values[1].BaseCents != 100_00 {
		t.Errorf("after the bulk load = %+v", kinds[0].Values)
	}
}
