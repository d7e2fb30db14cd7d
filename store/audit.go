package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// staffRoles are the roles whose reads of a resident's data show in the
// resident's access log: everyone who works in the sector (sotepe.User.IsStaff).
const staffRoles = `('professional', 'manager', 'analyst', 'admin')`

// insertAudit appends e to the audit trail through q, which is the
// transaction of the change e records. A zero At is the store's now; the day
// the aggregates count by is At's date in Europe/Helsinki. An entry of the
// context's actor that names nobody it was done for is done for whom that
// actor acts for (see behalfOf).
func (s *Store) insertAudit(ctx context.Context, q querier, e sotepe.AuditEntry) error {
	return s.writeAudit(ctx, q, behalfOf(ctx, e))
}

// writeAudit appends e to the audit trail through q exactly as given, but
// for a zero At, which is the store's now.
func (s *Store) writeAudit(ctx context.Context, q querier, e sotepe.AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	e = clientOf(ctx, e)
	args := []any{micros(e.At), e.At.In(s.zone).Format(time.DateOnly), e.ActorID, string(e.ActorRole), e.ActorUnit,
		nullInt(e.ResidentID), e.Action, e.Object, string(e.Basis), e.RequestID, nullInt(e.OnBehalfOf)}
	insert := auditInsert
	if e.ActorClient != 0 {
		// Named only when set: a row of a person is written as before
		// migration 00023, which the migration tests take the schema back
		// behind.
		insert = auditInsertClient
		args = append(args, e.ActorClient)
	}
	_, err := q.ExecContext(ctx, insert, args...)
	if err != nil {
		return s.fail("write audit row", err)
	}
	return nil
}

// behalfOf returns e with OnBehalfOf taken from the context's actor when e
// names none and its actor is the context's signed-in user: every row a
// request writes for its own actor (a booking, a read, a change) then
// records whom that user acted for, also where the row is built from the
// actor's fields one by one.
func behalfOf(ctx context.Context, e sotepe.AuditEntry) sotepe.AuditEntry {
	if e.OnBehalfOf == 0 {
		if a := sotepe.ActorFrom(ctx); a.UserID != 0 && a.UserID == e.ActorID {
			e.OnBehalfOf = a.OnBehalfOf
		}
	}
	return e
}

// auditColumns are the columns of every audit row; actor_client is added
// when a row names an integration client.
const auditColumns = `at, day, actor_id, actor_role, actor_unit, resident_id, action, object, basis, request_id, on_behalf_of`

// The statements of one audit row, without and with actor_client.
const (
	auditInsert       = `INSERT INTO audit_log (` + auditColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	auditInsertClient = `INSERT INTO audit_log (` + auditColumns + `, actor_client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
)

// clientOf returns e with ActorClient taken from the context's actor when
// e's actor is an integration client and names none, so that every row a
// client's request writes, however it is built, names the client.
func clientOf(ctx context.Context, e sotepe.AuditEntry) sotepe.AuditEntry {
	if e.ActorRole == sotepe.ActorIntegration && e.ActorClient == 0 {
		e.ActorClient = sotepe.ActorFrom(ctx).Client
	}
	return e
}

// auditChange appends the audit row of a change made by the context's actor,
// for whom that actor acts for.
func (s *Store) auditChange(ctx context.Context, q querier, action, object string, residentID int64) error {
	a := sotepe.ActorFrom(ctx)
	return s.writeAudit(ctx, q, sotepe.AuditEntry{
		ActorID: a.UserID, ActorRole: a.Role, ActorUnit: a.Unit, RequestID: a.RequestID,
		ResidentID: residentID, Action: action, Object: object, OnBehalfOf: a.OnBehalfOf, ActorClient: a.Client,
	})
}

// RecordAudit writes one entry on its own, for events that change nothing
// else, such as a login. When the entry names no actor (ActorID 0, no role,
// no unit) the context's actor is used, with whom it acts for unless the
// entry names someone; an entry that names its actor is written with its
// own OnBehalfOf (0: for themselves). An empty RequestID is the context's;
// a zero At is now. The ID of e is ignored. An empty action or an
// unknown basis is EInvalid; a failed write is EInternal or EUnavailable.
func (s *Store) RecordAudit(ctx context.Context, e sotepe.AuditEntry) error {
	if strings.TrimSpace(e.Action) == "" {
		return sotepe.Invalid("error.invalid", "an audit entry needs an action")
	}
	if e.Basis != "" && !e.Basis.Valid() {
		return sotepe.Invalid("error.basis", "unknown basis "+string(e.Basis))
	}
	a := sotepe.ActorFrom(ctx)
	if e.ActorID == 0 && e.ActorRole == "" && e.ActorUnit == "" {
		e.ActorID, e.ActorRole, e.ActorUnit = a.UserID, a.Role, a.Unit
		if e.OnBehalfOf == 0 {
			e.OnBehalfOf = a.OnBehalfOf
		}
	}
	if e.RequestID == "" {
		e.RequestID = a.RequestID
	}
	if !e.At.IsZero() {
		e.At = e.At.UTC().Truncate(time.Microsecond)
	}
	return s.writeAudit(ctx, s.writer, e)
}

// AccessLog returns, newest first, the reads of a resident's data by staff
// (entries about the resident whose action ends in ".read" or ".search" and
// whose actor acted in a staff role) and every entry of someone acting for
// the resident (OnBehalf set; ActorName is that person), with the actor's
// name. Both kinds page together under one cursor. The cursor is opaque; a
// malformed one is EInvalid ("error.cursor"), as is a negative limit. A
// resident nobody read gets an empty page, not ENotFound.
func (s *Store) AccessLog(ctx context.Context, residentID int64, page sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
	// Each kind is read through its own index in the log's order, the
	// staff reads through the partial index audit_log_staff_reads (its
	// condition written here as in 00016), the rest through
	// audit_log_on_behalf; a page costs the same whatever the log's size.
	return s.accessPage(ctx, "access log", residentID, false, page,
		`a.resident_id = $1 AND `+staffReads,
		`a.on_behalf_of = $1`)
}

// staffReads is the condition of the partial index audit_log_staff_reads
// (migration 00016), to be repeated word for word by a query that is to use
// it: an entry about reading a resident's data by someone in a staff role.
const staffReads = `(a.action LIKE '%.read' OR a.action LIKE '%.search') AND a.actor_role IN ` + staffRoles

// ActingLog returns what the user did acting for others, newest first:
// every entry of the user as actor that names whom they acted for, with
// Principal the full name of that resident ("" when the resident is not
// known) and OnBehalf set. Cursor and limit are as in AccessLog; a user who
// never acted for anyone gets an empty page.
func (s *Store) ActingLog(ctx context.Context, userID int64, page sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
	// The condition matches the partial index audit_log_actor_behalf.
	return s.accessPage(ctx, "acting log", userID, true, page,
		`a.actor_id = $1 AND a.on_behalf_of IS NOT NULL`)
}

// accessRow is one audit entry of an access page, with its place in the
// log's order.
type accessRow struct {
	id, at int64
	x      sotepe.Access
}

// accessPage returns one page of the audit entries that any of wheres picks
// (each with $1 = subject), newest first, as Access rows. Each condition is
// read on its own, at most a page and one, and the lists are merged, so
// that each can use its own index. In the acting log (principal) every row
// is on behalf and names the principal; otherwise a row is on behalf when it
// was done for subject.
func (s *Store) accessPage(ctx context.Context, op string, subject int64, principal bool, page sotepe.PageRequest, wheres ...string) (sotepe.Page[sotepe.Access], error) {
	out := sotepe.Page[sotepe.Access]{Items: []sotepe.Access{}}
	page, err := page.Normalize()
	if err != nil {
		return out, err
	}
	args := []any{subject}
	after := ""
	if page.Cursor != "" {
		at, id, err := decodeAccessCursor(page.Cursor)
		if err != nil {
			return out, err
		}
		args = append(args, at, id)
		after = ` AND (a.at, a.id) < ($2, $3)`
	}
	args = append(args, page.Limit+1)
	var all []accessRow
	for _, where := range wheres {
		rows, err := s.accessRows(ctx, subject, principal, where+after, args)
		if err != nil {
			return out, s.fail(op, err)
		}
		all = append(all, rows...)
	}
	slices.SortFunc(all, func(p, q accessRow) int {
		return cmp.Or(cmp.Compare(q.at, p.at), cmp.Compare(q.id, p.id))
	})
	// An entry two conditions both pick comes once.
	all = slices.CompactFunc(all, func(p, q accessRow) bool { return p.id == q.id })
	for i, r := range all {
		if i == page.Limit {
			last := all[i-1]
			out.NextCursor = encodeAccessCursor(last.at, last.id)
			break
		}
		out.Items = append(out.Items, r.x)
	}
	return out, nil
}

// accessQuery is the SELECT of accessRows: the entries where picks, newest
// first, at most $limit of them.
func accessQuery(principal bool, where string, limit int) string {
	names, join := `'', ''`, ""
	if principal {
		names, join = `COALESCE(p.first_name, ''), COALESCE(p.last_name, '')`, ` LEFT JOIN residents p ON p.id = a.on_behalf_of`
	}
	return `
		SELECT a.id, a.at, COALESCE(u.name, ''), a.actor_role, a.actor_unit, a.action, a.basis, a.on_behalf_of, ` + names + `
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id` + join + `
		WHERE ` + where + `
		ORDER BY a.at DESC, a.id DESC
		LIMIT ` + limitParam(limit)
}

// accessRows reads the audit entries where picks, newest first, at most
// args' last value of them.
func (s *Store) accessRows(ctx context.Context, subject int64, principal bool, where string, args []any) ([]accessRow, error) {
	rows, err := s.reads.QueryContext(ctx, accessQuery(principal, where, len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accessRow
	for rows.Next() {
		var r accessRow
		var role, basis string
		var behalf sql.NullInt64
		var p sotepe.Resident
		if err := rows.Scan(&r.id, &r.at, &r.x.ActorName, &role, &r.x.Unit, &r.x.Action, &basis, &behalf, &p.FirstName, &p.LastName); err != nil {
			return nil, err
		}
		r.x.At, r.x.ActorRole, r.x.Basis = fromMicros(r.at), sotepe.Role(role), sotepe.Basis(basis)
		if principal {
			r.x.OnBehalf, r.x.Principal = true, p.FullName()
		} else {
			r.x.OnBehalf = behalf.Valid && behalf.Int64 == subject
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func encodeAccessCursor(at, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at, 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeAccessCursor(c string) (at, id int64, err error) {
	bad := sotepe.Invalid("error.cursor", "malformed cursor")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, bad
	}
	a, b, ok := strings.Cut(string(raw), ".")
	if !ok {
		return 0, 0, bad
	}
	at, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, bad
	}
	return at, id, nil
}

// auditedRead runs read in a write transaction together with the audit row
// that records it: the row is written after read so that it can name the
// resident read (0 when there was none), and the data leaves only when both
// commit. read returns the resident's id, or 0 and its error when it found
// nobody; that error is returned after the row of the attempt commits.
func (s *Store) auditedRead(ctx context.Context, op string, e sotepe.AuditEntry, read func(tx *sql.Tx) (int64, error)) error {
	var readErr error
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		id, err := read(tx)
		if err != nil && sotepe.ErrorCode(err) != sotepe.ENotFound {
			return err
		}
		readErr = err
		e.ResidentID = id
		return s.insertAudit(ctx, tx, e)
	})
	if err != nil {
		return err
	}
	return readErr
}

// auditChunk bounds the rows of one insertAudits statement (11 parameters
// each), well below either engine's limit on parameters.
const auditChunk = 500

// insertAudits appends es to the audit trail through q, the transaction of
// the read or change they record, in multi-row statements: a staff list
// writes one row per resident it shows without a round trip per row. Each
// entry is completed by behalfOf as in insertAudit.
func (s *Store) insertAudits(ctx context.Context, q querier, es []sotepe.AuditEntry) error {
	for from := 0; from < len(es); from += auditChunk {
		chunk := es[from:min(from+auditChunk, len(es))]
		values := make([]string, 0, len(chunk))
		args := make([]any, 0, 11*len(chunk))
		for _, e := range chunk {
			if e.At.IsZero() {
				e.At = s.now()
			}
			e = clientOf(ctx, behalfOf(ctx, e))
			if e.ActorClient != 0 {
				// Rare (a client's list): the row goes on its own.
				if err := s.writeAudit(ctx, q, e); err != nil {
					return err
				}
				continue
			}
			values = append(values, `(`+placeholders(len(args)+1, 11)+`)`)
			args = append(args, micros(e.At), e.At.In(s.zone).Format(time.DateOnly), e.ActorID, string(e.ActorRole), e.ActorUnit,
				nullInt(e.ResidentID), e.Action, e.Object, string(e.Basis), e.RequestID, nullInt(e.OnBehalfOf))
		}
		if len(values) == 0 {
			continue
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES `+strings.Join(values, ", "), args...); err != nil {
			return s.fail("write audit rows", err)
		}
	}
	return nil
}
