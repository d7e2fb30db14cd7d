package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"sotepe"
)

// How lists of contact requests stay fast.
//
// A list is ordered by (due_at, id) and paged by keyset: the cursor is the
// last row's due time and id. The filters a list is mostly asked for lead
// with equalities that an index pairs with that order: a unit and a status
// (contact_requests_queue), a professional and a status
// (contact_requests_assigned), a status alone (contact_requests_status), a
// resident (contact_requests_resident). A filter over several units or
// statuses is split into one such ordered range per (unit, status) — an arm
// that reads at most a page — and the arms are merged by a UNION ALL with
// the outer ORDER BY. A page thus reads at most arms × (limit + 1) rows,
// however long the queue, instead of sorting every open request of the
// units. The other filters (service, channel, breached) narrow inside each
// arm. Without a status filter the arms cover all five statuses.

// maxArms bounds the ranges one list merges; a filter over more (an admin
// listing many units) runs as one query that sorts its matches.
const maxArms = 100

// listQuery is the SQL of one page of a list of requests.
type listQuery struct {
	sql  string
	args []any
	// limit is the page's limit; the query returns up to limit + 1 rows:
	// one more tells that a next page exists.
	limit int
	// subjects tells that each row carries its subject after the
	// contactColumns (subjectColumn), so no second query is needed.
	subjects bool
}

// subjectColumn is the start of a request's first message (by time, then
// id): the first entry of its range of contact_messages_request, read for
// the row of contact_requests the query is on. A list whose one range is
// read in order (a resident's) reads it for the rows of the page only.
var subjectColumn = `COALESCE((SELECT substr(m.body, 1, ` + strconv.Itoa(subjectLength) + `) FROM contact_messages m
		WHERE m.request_id = contact_requests.id ORDER BY m.at, m.id LIMIT 1), '')`

// contactListQuery returns the query of one page of f.
func contactListQuery(f sotepe.ContactFilter) (listQuery, error) {
	page, err := f.Page.Normalize()
	if err != nil {
		return listQuery{}, err
	}
	statuses := dedupe(f.Statuses)
	for _, st := range statuses {
		if !st.Valid() {
			return listQuery{}, sotepe.Invalid("error.status", "unknown status "+string(st))
		}
	}
	units := dedupe(f.Units)
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	in := func(col string, values []string) string {
		ps := make([]string, len(values))
		for i, v := range values {
			ps[i] = arg(v)
		}
		return col + ` IN (` + strings.Join(ps, ", ") + `)`
	}
	statusNames := func() []string {
		out := make([]string, len(statuses))
		for i, st := range statuses {
			out[i] = string(st)
		}
		return out
	}

	var common []string
	if f.Service != "" {
		common = append(common, `service_id = `+arg(f.Service))
	}
	if f.Channel != "" {
		common = append(common, `channel = `+arg(string(f.Channel)))
	}
	if f.Breached != nil {
		if *f.Breached {
			common = append(common, `breached`)
		} else {
			common = append(common, `NOT breached`)
		}
	}
	if page.Cursor != "" {
		due, id, err := decodeContactCursor(page.Cursor)
		if err != nil {
			return listQuery{}, err
		}
		common = append(common, `(due_at, id) > (`+arg(due)+`, `+arg(id)+`)`)
	}

	// The arms: each a list of equalities leading an index.
	var arms [][]string
	armStatuses := statuses
	if len(armStatuses) == 0 {
		armStatuses = sotepe.ContactStatuses
	}
	statusArgs := func() []string {
		out := make([]string, len(armStatuses))
		for i, st := range armStatuses {
			out[i] = arg(string(st))
		}
		return out
	}
	switch {
	case f.ResidentID != 0:
		// A resident has a handful of requests: one range, the rest
		// filters inside it.
		arm := []string{`resident_id = ` + arg(f.ResidentID)}
		if len(units) > 0 {
			arm = append(arm, in("unit_id", units))
		}
		if len(statuses) > 0 {
			arm = append(arm, in("status", statusNames()))
		}
		if f.AssignedTo != 0 {
			arm = append(arm, `assigned_to = `+arg(f.AssignedTo))
		}
		arms = [][]string{arm}
	case f.AssignedTo != 0:
		who := arg(f.AssignedTo)
		var unitCond []string
		if len(units) > 0 {
			unitCond = []string{in("unit_id", units)}
		}
		for _, st := range statusArgs() {
			arms = append(arms, append([]string{`assigned_to = ` + who, `status = ` + st}, unitCond...))
		}
	case len(units) > 0 && len(units)*len(armStatuses) <= maxArms:
		sts := statusArgs()
		for _, u := range units {
			ua := arg(u)
			for _, st := range sts {
				arms = append(arms, []string{`unit_id = ` + ua, `status = ` + st})
			}
		}
	case len(units) > 0:
		arm := []string{in("unit_id", units)}
		if len(statuses) > 0 {
			arm = append(arm, in("status", statusNames()))
		}
		arms = [][]string{arm}
	default:
		for _, st := range statusArgs() {
			arms = append(arms, []string{`status = ` + st})
		}
	}

	arg(page.Limit + 1)
	limit := limitParam(len(args))
	one := func(conds []string, columns string) string {
		all := append(append([]string{}, conds...), common...)
		return `SELECT ` + columns + ` FROM contact_requests WHERE ` + strings.Join(all, " AND ") +
			` ORDER BY due_at, id LIMIT ` + limit
	}
	if f.ResidentID != 0 {
		// A resident's one range is read in the index's order, so the
		// subjects are read for the page's rows only, in the same query:
		// on PostgreSQL one round trip fewer for every resident's list.
		return listQuery{sql: one(arms[0], contactColumns+`, `+subjectColumn), args: args, limit: page.Limit, subjects: true}, nil
	}
	if len(arms) == 1 {
		// A range that may have to be sorted (the units of an admin
		// beyond maxArms) would read the subject of every match before
		// the sort: the subjects follow in a second query.
		return listQuery{sql: one(arms[0], contactColumns), args: args, limit: page.Limit}, nil
	}
	parts := make([]string, len(arms))
	for i, arm := range arms {
		parts[i] = `SELECT * FROM (` + one(arm, contactColumns) + `) a` + strconv.Itoa(i)
	}
	return listQuery{sql: strings.Join(parts, " UNION ALL ") + ` ORDER BY due_at, id LIMIT ` + limit, args: args, limit: page.Limit}, nil
}

// ContactRequests returns one page of the requests that match every
// non-empty field of f, ordered by due time and then id, without messages:
// each item's Messages is empty (not nil), and its Subject holds the start
// of its first message. Units and Statuses match any of
// their values; empty ones do not narrow, so a caller limiting staff to
// their units must not pass an empty list for someone who has none. The
// cursor is opaque; a malformed one is EInvalid ("error.cursor"), an unknown
// status EInvalid ("error.status"), a negative limit EInvalid
// ("error.page_limit").
//
// A list shows who wrote to which service and when, the start of what they
// wrote (and the website form's contact details): when the context's actor acts in a staff role,
// the page is read in one write transaction with one audit row per request
// on it (contact_list.read, object "contact:<id>", basis client_request, the
// request's resident), so each shows in the resident's access log; when the
// rows cannot be written nothing is returned. Residents and the system read
// without rows.
func (s *Store) ContactRequests(ctx context.Context, f sotepe.ContactFilter) (sotepe.Page[sotepe.ContactRequest], error) {
	out := sotepe.Page[sotepe.ContactRequest]{Items: []sotepe.ContactRequest{}}
	lq, err := contactListQuery(f)
	if err != nil {
		return out, err
	}
	limit := lq.limit
	read := func(q querier) error {
		rows, err := q.QueryContext(ctx, lq.sql, lq.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var subject []any
			var body string
			if lq.subjects {
				subject = []any{&body}
			}
			r, err := scanContact(rows, subject...)
			if err != nil {
				return err
			}
			r.Subject = body
			if len(out.Items) == limit {
				last := out.Items[limit-1]
				out.NextCursor = encodeContactCursor(micros(last.DueAt), last.ID)
				break
			}
			r.Messages = []sotepe.Message{}
			out.Items = append(out.Items, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if lq.subjects {
			return nil
		}
		return contactSubjects(ctx, q, out.Items)
	}
	a := sotepe.ActorFrom(ctx)
	if !readsAsStaff(a) {
		// A resident's list: through the prepared statements on SQLite.
		if err := read(s.reads); err != nil {
			return sotepe.Page[sotepe.ContactRequest]{Items: []sotepe.ContactRequest{}}, s.fail("list contact requests", err)
		}
		return out, nil
	}
	err = s.inTx(ctx, "list contact requests", func(tx *sql.Tx) error {
		out = sotepe.Page[sotepe.ContactRequest]{Items: []sotepe.ContactRequest{}}
		if err := read(tx); err != nil {
			return err
		}
		es := make([]sotepe.AuditEntry, len(out.Items))
		for i, r := range out.Items {
			es[i] = contactRead(a, r.ID)
			es[i].Action, es[i].ResidentID = sotepe.ActionContactListRead, r.ResidentID
		}
		return s.insertAudits(ctx, tx, es)
	})
	if err != nil {
		return sotepe.Page[sotepe.ContactRequest]{Items: []sotepe.ContactRequest{}}, err
	}
	return out, nil
}

// subjectLength is how many characters of a request's first message a
// list reads as its subject.
const subjectLength = 160

// subjectListLengths are the lengths of contactSubjects' list of ids: a
// page of a list holds at most sotepe.MaxPageLimit requests.
var subjectListLengths = []int{1, 5, 20, 50, 100, sotepe.MaxPageLimit}

// contactSubjects sets the Subject of each request in rs to the start of its
// first message (by time, then id), in one query over the page's ids.
func contactSubjects(ctx context.Context, q querier, rs []sotepe.ContactRequest) error {
	if len(rs) == 0 {
		return nil
	}
	// The list of ids is padded with the last to one of a few lengths, so
	// that the query comes in a few texts that stay prepared.
	n := subjectListLengths[len(subjectListLengths)-1]
	for _, l := range subjectListLengths {
		if l >= len(rs) {
			n = l
			break
		}
	}
	args := make([]any, 0, n+1)
	args = append(args, subjectLength)
	at := make(map[int64]int, len(rs))
	for i, r := range rs {
		args = append(args, r.ID)
		at[r.ID] = i
	}
	for len(args) < n+1 {
		args = append(args, rs[len(rs)-1].ID)
	}
	// Each request's first message is the first entry of its range of
	// contact_messages_request.
	rows, err := q.QueryContext(ctx, `SELECT r.id, COALESCE((SELECT substr(m.body, 1, $1) FROM contact_messages m
		WHERE m.request_id = r.id ORDER BY m.at, m.id LIMIT 1), '')
		FROM contact_requests r WHERE r.id IN (`+placeholders(2, n)+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return err
		}
		if i, ok := at[id]; ok {
			rs[i].Subject = body
		}
	}
	return rows.Err()
}

// The cursor of a list of requests has the access log's form, with the due
// time for the instant.
func encodeContactCursor(due, id int64) string { return encodeAccessCursor(due, id) }

func decodeContactCursor(c string) (due, id int64, err error) { return decodeAccessCursor(c) }
