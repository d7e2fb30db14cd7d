package sotepe

import (
	"context"
	"slices"
	"time"
)

// The read side of service events: volumes summed from the daily and
// monthly aggregates (never from the events themselves), grouped by any of
// the dimensions below. They are aggregates only and
// hold nothing about a person.

// VolumeDim is a dimension service-event volumes are grouped by.
type VolumeDim string

// The dimensions of the volumes. A unit's service area is the area the
// network gives the unit now; an event's producer is the producer the event
// names (the unit's, unless the sender said otherwise), and its kind the
// producer's kind (own, contract, voucher).
const (
	VolumeYear         VolumeDim = "year"
	VolumeMonth        VolumeDim = "month"
	VolumeArea         VolumeDim = "area"
	VolumeService      VolumeDim = "service" // the statistic
	VolumeUnit         VolumeDim = "unit"
	VolumeProducer     VolumeDim = "producer"
	VolumeProducerKind VolumeDim = "producer_kind"
	VolumeMode         VolumeDim = "mode"
)

// VolumeDims lists every dimension.
var VolumeDims = []VolumeDim{VolumeYear, VolumeMonth, VolumeArea, VolumeService, VolumeUnit, VolumeProducer, VolumeProducerKind, VolumeMode}

// Valid reports whether d is a known dimension.
func (d VolumeDim) Valid() bool { return slices.Contains(VolumeDims, d) }

// VolumeQuery asks for the volumes of the events of the days From to To
// (YYYY-MM-DD, both included), summed by the dimensions of GroupBy (with
// none, the answer is one row: the grand total). Each filter keeps only the rows whose unit,
// unit's area, producer or statistic it lists; nil keeps every one, an empty
// non-nil slice none.
type VolumeQuery struct {
	From, To   string
	GroupBy    []VolumeDim
	Units      []string
	Areas      []string
	Producers  []string
	Statistics []string
}

// VolumeRow is the sum of the events of one combination of the dimensions
// asked for; the fields of the dimensions not asked for are empty. A unit
// the network no longer has falls in area "" and a producer it does not
// know in kind "".
type VolumeRow struct {
	// Day is the day of a row of EventDayVolumes, empty elsewhere.
	Day          string    `json:"day,omitempty"`
	Year         string    `json:"year,omitempty"`
	Month        string    `json:"month,omitempty"`
	Area         string    `json:"area,omitempty"`
	Statistic    string    `json:"statistic,omitempty"`
	Unit         string    `json:"unit,omitempty"`
	Producer     string    `json:"producer,omitempty"`
	ProducerKind string    `json:"producer_kind,omitempty"`
	Mode         EventMode `json:"mode,omitempty"`
	Count        int64     `json:"count"`
}

// EventStats reads the volumes of service events.
type EventStats interface {
	// EventVolumes returns the volumes q asks for, in no set order, one
	// row per combination with events. It reads the monthly aggregates for
	// whole months and the daily ones for the rest. A date that is not
	// YYYY-MM-DD is EInvalid ("error.date"), From after To EInvalid
	// ("error.stats_period"), an unknown dimension EInvalid
	// ("error.volume_group_by").
	EventVolumes(ctx context.Context, q VolumeQuery) ([]VolumeRow, error)
	// EventDayVolumes returns the daily aggregate's rows of the days from
	// to to (YYYY-MM-DD, both included) as they are stored: one per day,
	// unit, statistic, producer and mode, with Day, Month, Unit, Area,
	// Statistic, Producer, ProducerKind, Mode and Count set, in no set
	// order. The dashboard keeps a month's days to add up the days a period
	// cuts off without reading them again. Dates as EventVolumes.
	EventDayVolumes(ctx context.Context, from, to string) ([]VolumeRow, error)
}

// FigureStamps tells when the figures of a month may have changed.
type FigureStamps interface {
	// FigureStamps returns a stamp for each month from the month of from
	// to that of to (YYYY-MM-DD) that has any service events, feedback,
	// contact requests or rescue rows: a text that changes whenever
	// something the dashboard's facts of the month count changes (events,
	// feedback answers, contact requests, also as their due time passes
	// at now, and rescue missions and runs added). A month without any
	// has no stamp. Dates as EventVolumes.
	//
	// What is only ever added (service events, feedback answers, rescue
	// missions and runs) the store may tell apart instead, where the order
	// of its ids is the order of commits (SQLite, whose one writer gives
	// them): then the stamps leave it out, and the answer's Mark is how far
	// it had grown and Added the months that rows were added to after
	// since (any months, not only those of from–to). A zero since asks for
	// the mark alone. Otherwise (PostgreSQL, where a transaction that took
	// its ids earlier may commit later) the stamps count it too, from the
	// monthly roll-ups, and Mark is zero.
	FigureStamps(ctx context.Context, from, to string, now time.Time, since FigureMark) (FigureStampSet, error)
}

// FigureMark is how far the figures' sources that are only ever added to
// had grown: the greatest id of the service events, the feedback answers,
// the rescue missions and the emergency runs. The zero mark marks nothing.
type FigureMark struct {
	Events, Feedback, Missions, Runs int64
}

// IsZero reports whether m marks nothing.
func (m FigureMark) IsZero() bool { return m == FigureMark{} }

// Max returns the greater of m and o in each source.
func (m FigureMark) Max(o FigureMark) FigureMark {
	return FigureMark{Events: max(m.Events, o.Events), Feedback: max(m.Feedback, o.Feedback), Missions: max(m.Missions, o.Missions),
		Runs: max(m.Runs, o.Runs)}
}

// FigureStampSet is what FigureStamps answers: the months' stamps, and,
// where the store marks what is only added, the mark and the months added
// to.
type FigureStampSet struct {
	// Stamps is each month's stamp (YYYY-MM), without what Mark covers
	// when Mark is not zero.
	Stamps map[string]string
	// Mark is how far the added-only sources had grown; zero when the
	// store does not mark them.
	Mark FigureMark
	// Added is, for each month that rows were added to after the mark
	// asked about, the greatest id of those rows in each source.
	Added map[string]FigureMark
}
