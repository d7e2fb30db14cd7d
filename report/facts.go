package report

import (
	"context"
	"slices"
	"time"

	"sotepe"
)

// Reader is what the report reads from the store: the volumes, the figures
// of the answer promise, the feedback counts and the rescue department's
// counts and response times, all aggregates.
type Reader interface {
	sotepe.EventStats
	RescueReader
	SectorReader
	ParticipationReader
	ContactStatsRows(ctx context.Context, q sotepe.ContactStatsQuery) ([]sotepe.ContactStatsRow, error)
	FeedbackCounts(ctx context.Context, q sotepe.FeedbackCountsQuery) ([]sotepe.FeedbackCount, error)
	// ProcurementTotals counts the year's purchased services.
	ProcurementTotals(ctx context.Context, year int) (sotepe.ProcurementTotals, error)
}

// Org is the organisation tree as the network stands: areas in order,
// producers and units by id.
type Org struct {
	Areas     []sotepe.Area
	Producers []sotepe.Producer
	Units     []sotepe.Unit
	unit      map[string]sotepe.Unit
	producer  map[string]sotepe.Producer
}

// LoadOrg reads the organisation tree from the directory.
func LoadOrg(ctx context.Context, dir sotepe.Directory) (*Org, error) {
	o := &Org{}
	var err error
	if o.Areas, err = dir.Areas(ctx); err != nil {
		return nil, err
	}
	if o.Producers, err = dir.Producers(ctx); err != nil {
		return nil, err
	}
	f := sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}}
	for {
		page, err := dir.Units(ctx, f)
		if err != nil {
			return nil, err
		}
		o.Units = append(o.Units, page.Items...)
		if page.NextCursor == "" {
			break
		}
		f.Page.Cursor = page.NextCursor
	}
	o.index()
	return o, nil
}

func (o *Org) index() {
	o.unit = make(map[string]sotepe.Unit, len(o.Units))
	for _, u := range o.Units {
		o.unit[u.ID] = u
	}
	o.producer = make(map[string]sotepe.Producer, len(o.Producers))
	for _, p := range o.Producers {
		o.producer[p.ID] = p
	}
}

// Unit returns the unit of id, and false when the network has none.
func (o *Org) Unit(id string) (sotepe.Unit, bool) {
	u, ok := o.unit[id]
	return u, ok
}

// Producer returns the producer of id, and false when there is none.
func (o *Org) Producer(id string) (sotepe.Producer, bool) {
	p, ok := o.producer[id]
	return p, ok
}

// Filter narrows the facts: the days From to To (YYYY-MM-DD, both
// included) and, when not nil, these units, areas (of the unit) and
// producers.
type Filter struct {
	From, To  string
	Units     []string
	Areas     []string
	Producers []string
}

// narrowed reports whether any of the filters is set.
func (f Filter) narrowed() bool { return f.Units != nil || f.Areas != nil || f.Producers != nil }

// UnitIDs returns the units the filter keeps, nil when it keeps every one.
func (o *Org) UnitIDs(f Filter) []string {
	if !f.narrowed() {
		return nil
	}
	out := []string{}
	for _, u := range o.Units {
		if (f.Units == nil || slices.Contains(f.Units, u.ID)) && (f.Areas == nil || slices.Contains(f.Areas, u.AreaID)) &&
			(f.Producers == nil || slices.Contains(f.Producers, u.ProducerID)) {
			out = append(out, u.ID)
		}
	}
	return out
}

// Gatherer reads the facts of a selection from the store.
type Gatherer struct {
	Store Reader
	Org   *Org
	// Now decides which open contact requests are past their due time.
	Now func() time.Time
	// WorkingTime is the working-day calendar's working time between two
	// instants, for the answers whose working time is not stored yet.
	WorkingTime func(from, to time.Time) time.Duration
}

// Facts returns the facts of f by unit and month: the events by statistic,
// mode and producer (the rescue missions and emergency runs counted from
// the rescue department's own rows instead of events), the figures of the answer promise (when WorkingTime is
// set) and the feedback counts. A date that is not YYYY-MM-DD is EInvalid
// ("error.date"), From after To EInvalid ("error.stats_period"); the
// store's failures come back as they are.
func (g Gatherer) Facts(ctx context.Context, f Filter) ([]Fact, error) {
	if _, _, err := sotepe.ParseStatsPeriod(f.From, f.To); err != nil {
		return nil, err
	}
	rows, err := g.Store.EventVolumes(ctx, sotepe.VolumeQuery{From: f.From, To: f.To,
		GroupBy: []sotepe.VolumeDim{sotepe.VolumeMonth, sotepe.VolumeUnit, sotepe.VolumeService, sotepe.VolumeProducer,
			sotepe.VolumeProducerKind, sotepe.VolumeArea, sotepe.VolumeMode},
		Units: f.Units, Areas: f.Areas, Producers: f.Producers})
	if err != nil {
		return nil, err
	}
	// Room for the events and a unit-month's contact and feedback facts.
	facts := make([]Fact, 0, len(rows)+len(g.Org.Units)*12*9)
	for _, r := range rows {
		if r.Statistic == statRescueMissions || r.Statistic == statEmergencyRuns {
			continue // the rescue department's rows count them (rescueFacts)
		}
		facts = append(facts, Fact{Source: SourceEvents, Statistic: r.Statistic, Mode: r.Mode, Month: r.Month, Unit: r.Unit,
			Area: r.Area, Producer: r.Producer, ProducerKind: r.ProducerKind, Value: r.Count})
	}
	units := g.Org.UnitIDs(f)
	rescueFacts, err := g.rescueFacts(ctx, f, units)
	if err != nil {
		return nil, err
	}
	facts = append(facts, rescueFacts...)
	uf := g.unitFacts()
	unitFact := uf.fact
	if g.WorkingTime != nil {
		cs, err := g.Store.ContactStatsRows(ctx, sotepe.ContactStatsQuery{From: f.From, To: f.To, Dim: sotepe.DimUnit,
			Interval: sotepe.IntervalMonth, Units: units, Now: g.now(), WorkingTime: g.WorkingTime})
		if err != nil {
			return nil, err
		}
		for _, r := range cs {
			for _, fv := range contactFields(r) {
				if fv.v != 0 {
					facts = append(facts, unitFact(SourceContacts, fv.field, r.Key, r.Period, fv.v))
				}
			}
		}
	}
	fc, err := g.Store.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: f.From, To: f.To, Dim: sotepe.FeedbackDimUnit,
		ByMonth: true, Units: units})
	if err != nil {
		return nil, err
	}
	for _, c := range fc {
		month := c.Day
		if len(month) > 7 {
			month = month[:7]
		}
		for _, fv := range feedbackFields(c) {
			if fv.v != 0 {
				facts = append(facts, unitFact(SourceFeedback, fv.field, c.Key, month, fv.v))
			}
		}
	}
	return facts, nil
}

// fieldValue is a field of a unit's fact and its value.
type fieldValue struct {
	field string
	v     int64
}

// contactFields are the facts of a row of the answer promise's figures.
func contactFields(r sotepe.ContactStatsRow) [4]fieldValue {
	return [4]fieldValue{{FieldReceived, r.Received}, {FieldAnswered, r.Answered}, {FieldAnsweredInTime, r.AnsweredInTime},
		{FieldKnownOutcome, r.Answered + r.MissedUnanswered}}
}

// feedbackFields are the facts of a row of feedback counts.
func feedbackFields(c sotepe.FeedbackCount) [5]fieldValue {
	return [5]fieldValue{{FieldPromoters, c.Promoters}, {FieldPassives, c.Passives}, {FieldDetractors, c.Detractors},
		{FieldResponses, c.Promoters + c.Passives + c.Detractors}, {FieldNet, c.Promoters - c.Detractors}}
}

// now is the gatherer's clock.
func (g Gatherer) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

// unitFacts makes the facts of units (the answer promise's and the
// feedback's) with each unit's area, producer and producer kind, and one
// copy of each month.
type unitFacts struct {
	org    *Org
	months map[string]string
}

func (g Gatherer) unitFacts() *unitFacts { return &unitFacts{org: g.Org, months: map[string]string{}} }

// fact is the fact of a field of unit in month.
func (u *unitFacts) fact(source, field, unit, month string, v int64) Fact {
	if m, ok := u.months[month]; ok {
		month = m
	} else {
		u.months[month] = month
	}
	fact := Fact{Source: source, Field: field, Unit: unit, Month: month, Value: v}
	if un, ok := u.org.Unit(unit); ok {
		fact.Unit = un.ID
		fact.Area, fact.Producer = un.AreaID, un.ProducerID
		if p, ok := u.org.Producer(un.ProducerID); ok {
			fact.ProducerKind = string(p.Kind)
		}
	}
	return fact
}

// Narrow returns the facts of all that f's units, areas and producers keep
// (its period is not looked at): the same facts Facts would read with f.
func Narrow(all []Fact, f Filter) []Fact {
	if !f.narrowed() {
		return all
	}
	set := func(ids []string) map[string]bool {
		if ids == nil {
			return nil
		}
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	units, areas, producers := set(f.Units), set(f.Areas), set(f.Producers)
	out := []Fact{}
	for _, fa := range all {
		if (units == nil || units[fa.Unit]) && (areas == nil || areas[fa.Area]) && (producers == nil || producers[fa.Producer]) {
			out = append(out, fa)
		}
	}
	return out
}
