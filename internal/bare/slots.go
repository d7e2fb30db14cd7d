package bare

import (
	"context"
	"time"
)

// Slot is a free slot as the baseline reads it: the columns, no mapping.
type Slot struct {
	ID, ResourceID      int64
	Service, Unit, Mode string
	Start, End          int64 // Unix microseconds
}

// FreeSlots is the baseline of a free-time search: the one SELECT of the
// open slots of a service starting in [from, to), in start order, at most
// limit rows, scanned into plain structs. It checks nothing and maps
// nothing. The table is sotepe's own: the caller migrates a store on the
// same database and opens slots first.
func (d *DB) FreeSlots(ctx context.Context, service string, from, to time.Time, limit int) ([]Slot, error) {
	rows, err := d.SQL.QueryContext(ctx, `SELECT id, resource_id, service_id, unit_id, mode, start_at, end_at FROM slots
		WHERE service_id = $1 AND state = 'open' AND start_at >= $2 AND start_at < $3 ORDER BY start_at, id LIMIT $4`,
		service, from.UnixMicro(), to.UnixMicro(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Slot, 0, limit)
	for rows.Next() {
		var s Slot
		if err := rows.Scan(&s.ID, &s.ResourceID, &s.Service, &s.Unit, &s.Mode, &s.Start, &s.End); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
