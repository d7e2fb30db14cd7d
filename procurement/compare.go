package procurement

import (
	"context"
	"math"
	"slices"

	"sotepe"
	"sotepe/report"
)

// Compare returns, for every contract in force in from–to (of producer
// when given), the producer's quality figures for the contract's services
// beside the own units' figures for the same services, to the contract
// manager and the analyst. The producer's units are the contract's, or
// when it names none the producer's units that offer its services. The
// NPS and the answer promise are the report's indicators ("nps",
// "answered_in_time_share") over report.Gatherer's facts of those units; a
// unit's answers count for every service it offers, as on the feedback
// comparison page. Bad dates are EInvalid.
func (s *Service) Compare(ctx context.Context, u sotepe.User, from, to, producer string) (sotepe.ProcurementComparison, error) {
	out := sotepe.ProcurementComparison{From: from, To: to, Contracts: []sotepe.ContractComparison{}}
	if err := readsFigures(u); err != nil {
		return out, err
	}
	f, t, err := sotepe.ParseStatsPeriod(from, to)
	if err != nil {
		return out, err
	}
	org, err := report.LoadOrg(ctx, s.dir)
	if err != nil {
		return out, err
	}
	g := report.Gatherer{Store: s.store, Org: org, Now: s.now, WorkingTime: s.calendar.Get().WorkingHoursBetween}
	facts, err := g.Facts(ctx, report.Filter{From: from, To: to})
	if err != nil {
		return out, err
	}
	appts, err := s.store.AppointmentFigures(ctx, f, t.AddDate(0, 0, 1), s.now(), nil)
	if err != nil {
		return out, err
	}
	contracts, err := s.store.Contracts(ctx)
	if err != nil {
		return out, err
	}
	kinds := map[string]sotepe.ProducerKind{}
	for _, p := range org.Producers {
		kinds[p.ID] = p.Kind
	}
	for _, c := range contracts {
		if !c.InForce(from, to) || (producer != "" && c.ProducerID != producer) {
			continue
		}
		offers := func(x sotepe.Unit) bool {
			return slices.ContainsFunc(x.Services, func(sv string) bool { return slices.Contains(c.Services, sv) })
		}
		var theirs, own []string
		for _, x := range org.Units {
			switch {
			case kinds[x.ProducerID] == sotepe.ProducerOwn && offers(x):
				own = append(own, x.ID)
			case x.ProducerID == c.ProducerID && (slices.Contains(c.Units, x.ID) || len(c.Units) == 0 && offers(x)):
				theirs = append(theirs, x.ID)
			}
		}
		out.Contracts = append(out.Contracts, sotepe.ContractComparison{ContractID: c.ID, Title: c.Title, ProducerID: c.ProducerID,
			ProducerKind: kinds[c.ProducerID], Services: c.Services,
			Producer: s.figures(facts, appts, theirs, c.Services), Own: s.figures(facts, appts, own, c.Services)})
	}
	return out, nil
}

// figures are the quality figures of units for services.
func (s *Service) figures(facts []report.Fact, appts []sotepe.AppointmentFigures, units, services []string) sotepe.QualityFigures {
	q := sotepe.QualityFigures{Units: units}
	if q.Units == nil {
		q.Units = []string{}
	}
	narrowed := report.Narrow(facts, report.Filter{Units: q.Units})
	if ind, ok := s.indicators.ByID("nps"); ok {
		v := ind.Total(narrowed)
		q.FeedbackResponses, q.NPS = v.Denominator, v.Value
	}
	if ind, ok := s.indicators.ByID("answered_in_time_share"); ok {
		v := ind.Total(narrowed)
		q.AnsweredInTime, q.ContactKnownOutcome, q.AnsweredInTimeShare = v.Numerator, v.Denominator, v.Value
	}
	for _, a := range appts {
		if slices.Contains(q.Units, a.UnitID) && slices.Contains(services, a.ServiceID) {
			q.Appointments += int64(a.Count)
			q.WithinGuarantee += int64(a.Within)
		}
	}
	if q.Appointments > 0 {
		x := math.Round(float64(q.WithinGuarantee)/float64(q.Appointments)*1000) / 10
		q.WithinGuaranteePct = &x
	}
	return q
}
