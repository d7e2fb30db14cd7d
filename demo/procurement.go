package demo

import (
	"context"
	"time"

	"sotepe"
)

// ProcurementStore is what LoadProcurement writes to.
type ProcurementStore interface {
	SaveRegistration(ctx context.Context, r sotepe.ProducerRegistration) error
	SaveContract(ctx context.Context, c sotepe.Contract) (sotepe.Contract, error)
	SaveVoucherKind(ctx context.Context, k sotepe.VoucherKind) error
	AddSelfMonitoringPlan(ctx context.Context, p sotepe.SelfMonitoringPlan) (sotepe.SelfMonitoringPlan, error)
	AddSupervisionVisit(ctx context.Context, v sotepe.SupervisionVisit) (sotepe.SupervisionVisit, error)
}

// LoadProcurement writes the demo's purchased services around today: the
// registrations of the demo network's contract and voucher producers, a
// few contracts with price lists (one of them the voucher producer
// Esimerkki Hammas's dental care), the home-care voucher kind with two
// value periods (this year's first half, and from July on), the dental units'
// self-monitoring plan and a supervision visit whose follow-up is overdue.
// Everything starts this year, so a year generated into a demo database
// (sotepe generate --year 2024) counts only its own contracts. The business
// ids are fictional, with valid check digits.
func LoadProcurement(ctx context.Context, st ProcurementStore, today time.Time) error {
	y := today.Year()
	day := func(year int, m time.Month, d int) string {
		return time.Date(year, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	for _, r := range []sotepe.ProducerRegistration{
		{ProducerID: "kuvitteellinen-terveys", BusinessID: "1234567-1", RegisterID: "SOTERI-100001"},
		{ProducerID: "esimerkki-laakarit", BusinessID: "2345678-0", RegisterID: "SOTERI-100002"},
		{ProducerID: "mallikoti-hoivapalvelut", BusinessID: "3456780-6", RegisterID: "SOTERI-100003"},
		{ProducerID: "esimerkki-hammas", BusinessID: "0201256-6", RegisterID: "SOTERI-100004"},
		{ProducerID: "esimerkki-hoiva", BusinessID: "1572860-0", RegisterID: "SOTERI-100005"},
	} {
		if err := st.SaveRegistration(ctx, r); err != nil {
			return err
		}
	}
	for _, c := range []sotepe.Contract{
		{ProducerID: "esimerkki-hammas", Title: "Suun terveydenhuollon palveluseteli", Services: []string{"dental-care"},
			Units: []string{"esimerkki-hammas-kamppi", "esimerkki-hammas-itakeskus"}, ValueCents: 1_850_000_00,
			ValidFrom: day(y, 1, 1), ValidTo: day(y+1, 12, 31), SocialCriteria: true, EnvironmentalCriteria: true,
			Prices: []sotepe.PriceRow{
				{ServiceID: "dental-care", Measure: "visit", PriceCents: 62_00, ValidFrom: day(y, 1, 1), ValidTo: day(y, 6, 30)},
				{ServiceID: "dental-care", Measure: "visit", PriceCents: 65_00, ValidFrom: day(y, 7, 1), ValidTo: day(y+1, 12, 31)},
			}},
		{ProducerID: "kuvitteellinen-terveys", Title: "Kannelmäen terveysaseman ulkoistus", Services: []string{"health-station-nurse", "doctor-appointment"},
			Units: []string{"kannelmaki-health-station"}, ValueCents: 12_400_000_00, ValidFrom: day(y, 1, 1), ValidTo: day(y+2, 12, 31),
			EnvironmentalCriteria: true,
			Prices:                []sotepe.PriceRow{{ServiceID: "doctor-appointment", Measure: "visit", PriceCents: 98_00, ValidFrom: day(y, 1, 1), ValidTo: day(y+2, 12, 31)}}},
		{ProducerID: "mallikoti-hoivapalvelut", Title: "Ympärivuorokautinen hoiva, Pihlajamäki", Services: []string{"round-the-clock-care"},
			Units: []string{"mallikoti-care-home-pihlajamaki"}, ValueCents: 3_200_000_00, ValidFrom: day(y, 1, 1), ValidTo: day(y+1, 5, 31),
			SocialCriteria: true,
			Prices:         []sotepe.PriceRow{{ServiceID: "round-the-clock-care", Measure: "care_day", PriceCents: 178_00, ValidFrom: day(y, 1, 1), ValidTo: day(y+1, 5, 31)}}},
	} {
		if _, err := st.SaveContract(ctx, c); err != nil {
			return err
		}
	}
	if err := st.SaveVoucherKind(ctx, sotepe.VoucherKind{ID: "home-care", ServiceID: "home-care",
		Names: sotepe.Names{Fi: "Kotihoito", Sv: "Hemvård", En: "Home care"},
		Values: []sotepe.VoucherValue{
			{ValidFrom: day(y, 1, 1), ValidTo: day(y, 6, 30), BaseCents: 32_00, Coefficient: 10000},
			{ValidFrom: day(y, 7, 1), ValidTo: day(y+1, 12, 31), BaseCents: 33_50, Coefficient: 10500},
		}}); err != nil {
		return err
	}
	if _, err := st.AddSelfMonitoringPlan(ctx, sotepe.SelfMonitoringPlan{UnitID: "esimerkki-hammas-kamppi", Version: "3",
		Date: day(y, 1, 15), Link: "https://example.org/esimerkki-hammas/omavalvonta.pdf"}); err != nil {
		return err
	}
	visit := today.AddDate(0, -2, 0)
	_, err := st.AddSupervisionVisit(ctx, sotepe.SupervisionVisit{UnitID: "esimerkki-hammas-kamppi", Date: visit.Format(time.DateOnly),
		Findings:    "Instrumenttihuollon kirjaukset puutteelliset; omavalvontasuunnitelma ei ajan tasalla.",
		FollowUpDue: visit.AddDate(0, 1, 0).Format(time.DateOnly)})
	return err
}
