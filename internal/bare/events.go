package bare

import (
	"context"
	"fmt"
	"time"

	"sotepe"
)

// Unit is a unit events may name, with its producer.
type Unit struct {
	ID, Producer string
}

// Units reads the units of the database, ordered by id, as Events takes
// them.
func (d *DB) Units(ctx context.Context) ([]Unit, error) {
	rows, err := d.SQL.QueryContext(ctx, `SELECT id, producer_id FROM units ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Producer); err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// eventStats are the statistics Events spreads its events over.
var eventStats = []string{"health_station_nurse_visits", "health_station_doctor_visits", "dental_visits", "maternity_child_clinic_visits"}

// eventModes are the modes Events spreads its events over.
var eventModes = []sotepe.EventMode{sotepe.EventInPerson, sotepe.EventPhone, sotepe.EventVideo, sotepe.EventRemote}

// Events returns n valid events of source numbered from first, the rows
// both a baseline and sotepe's path store: what a feed of the city's
// records system sends in a day. Event i is on day 2024-01-01 plus i/10,000
// (a batch of 10,000 from a multiple of 10,000 is one day), at
// units[i % len(units)] with its producer filled in, one of four
// statistics and four modes in turn, so that a batch of 10,000 over the
// demo network's 102 units touches 1,632 daily aggregates. Its external id
// is "ev-" and i in nine digits, so ids grow with i.
func Events(source string, first, n int, units []Unit) []sotepe.ServiceEvent {
	day0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	evs := make([]sotepe.ServiceEvent, n)
	u := len(units)
	for k := range evs {
		i := first + k
		unit := units[i%u]
		evs[k] = sotepe.ServiceEvent{
			Source:     source,
			ExternalID: fmt.Sprintf("ev-%09d", i),
			Day:        day0.AddDate(0, 0, i/10000).Format(time.DateOnly),
			UnitID:     unit.ID,
			Statistic:  eventStats[i/u%len(eventStats)],
			ProducerID: unit.Producer,
			Mode:       eventModes[i/(u*len(eventStats))%len(eventModes)],
			AgeBand:    sotepe.AgeBands[i%len(sotepe.AgeBands)],
			Lang:       sotepe.EventLangs[i%len(sotepe.EventLangs)],
			Count:      1 + i%3,
		}
	}
	return evs
}
