package morning

import (
	"context"
	"fmt"
	"strings"

	"sotepe/store"
)

// Lost is what a run's server acknowledged but the database lacks.
type Lost struct {
	Contacts, Appointments []int64
}

// Empty says whether nothing is lost.
func (l Lost) Empty() bool { return len(l.Contacts) == 0 && len(l.Appointments) == 0 }

// Verify looks every write that r says was acknowledged up in the database
// at db: each contact request must exist and each booking must exist and
// still be booked (the mix cancels none). It returns what is missing; an
// error means the database could not be read.
func Verify(ctx context.Context, db string, r Report) (Lost, error) {
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		return Lost{}, err
	}
	defer st.Close()
	var lost Lost
	if lost.Contacts, err = missing(ctx, st, "contact_requests", "TRUE", r.Contacts); err != nil {
		return Lost{}, err
	}
	if lost.Appointments, err = missing(ctx, st, "appointments", "status = 'booked'", r.Appointments); err != nil {
		return Lost{}, err
	}
	return lost, nil
}

// missing returns the ids of ids that no row of table matching cond has,
// looked up a thousand at a time.
func missing(ctx context.Context, st *store.Store, table, cond string, ids []int64) ([]int64, error) {
	var out []int64
	for from := 0; from < len(ids); from += 1000 {
		chunk := ids[from:min(from+1000, len(ids))]
		found := map[int64]bool{}
		var b strings.Builder
		args := make([]any, len(chunk))
		for i, id := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", i+1)
			args[i] = id
		}
		rows, err := st.DB().QueryContext(ctx, `SELECT id FROM `+table+` WHERE `+cond+` AND id IN (`+b.String()+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			found[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		for _, id := range chunk {
			if !found[id] {
				out = append(out, id)
			}
		}
	}
	return out, nil
}
