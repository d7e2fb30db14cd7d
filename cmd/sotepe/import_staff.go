package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"sotepe"
)

// The imports of HR's employments and finance's budget lines:
//
//	sotepe import employments --db … FILE.csv   (key,area,profession,start,end,end_reason)
//	sotepe import budget --db … FILE.csv        (area,month,budget_eur,actual_eur)
//
// The header names the columns in any order. A file with any bad row stores
// nothing: each bad row is reported with its line and field in the language
// of --lang. Rows the database has already (the same key and start, or area
// and month) are replaced, so a file can be imported again.

// sectorImport describes one kind of import: its columns (the required
// ones first), and how a row becomes a record.
type sectorImport struct {
	columns  []string
	required int
	// add reads one row into the batch; an error names the field.
	add func(field func(string) string) error
	// save stores the batch; n is its length.
	save func(ctx context.Context, st sotepe.Store) error
	n    func() int
}

func runImportSector(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	kind := args[0]
	var c config
	fs := newFlags("import "+kind, getenv, stderr, &c, "", "")
	lang := fs.String("lang", "en", "the language of the error messages: fi, sv or en")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if c.db == "" || fs.NArg() != 1 {
		return fmt.Errorf("usage: sotepe import %s --db … [--lang fi|sv|en] FILE.csv", kind)
	}
	l, cat, err := errorLanguage(*lang)
	if err != nil {
		return err
	}
	var imp sectorImport
	switch kind {
	case "employments":
		var r sotepe.StaffRecords
		imp = sectorImport{columns: []string{"key", "area", "profession", "start", "end", "end_reason"}, required: 4,
			add: func(f func(string) string) error {
				e := sotepe.Employment{Key: f("key"), AreaID: f("area"), Profession: f("profession"), Start: f("start"), End: f("end"),
					EndReason: sotepe.LeaveReason(f("end_reason"))}
				r.Employments = append(r.Employments, e)
				return e.Validate()
			},
			save: func(ctx context.Context, st sotepe.Store) error { return st.SaveStaffRecords(ctx, r) },
			n:    func() int { return len(r.Employments) }}
	case "budget":
		var r sotepe.EconomyRecords
		imp = sectorImport{columns: []string{"area", "month", "budget_eur", "actual_eur"}, required: 4,
			add: func(f func(string) string) error {
				b := sotepe.BudgetMonth{AreaID: f("area"), Month: f("month")}
				var err error
				if b.BudgetEUR, err = strconv.ParseInt(f("budget_eur"), 10, 64); err != nil {
					return sotepe.InvalidField("budget_eur", "staff.error.number", "not a whole number")
				}
				if b.ActualEUR, err = strconv.ParseInt(f("actual_eur"), 10, 64); err != nil {
					return sotepe.InvalidField("actual_eur", "staff.error.number", "not a whole number")
				}
				r.Budget = append(r.Budget, b)
				return b.Validate()
			},
			save: func(ctx context.Context, st sotepe.Store) error { return st.SaveEconomyRecords(ctx, r) },
			n:    func() int { return len(r.Budget) }}
	default:
		return fmt.Errorf("unknown import %q: events, employments or budget", kind)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rd := csv.NewReader(f)
	rd.FieldsPerRecord = -1
	header, err := rd.Read()
	if err != nil {
		return fmt.Errorf("read the header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !slices.Contains(imp.columns, h) {
			return fmt.Errorf("line 1: unknown column %q (known: %s)", h, strings.Join(imp.columns, ", "))
		}
		col[h] = i
	}
	for _, req := range imp.columns[:imp.required] {
		if _, ok := col[req]; !ok {
			return fmt.Errorf("line 1: the column %q is missing", req)
		}
	}
	describe := func(line int, err error) string {
		msg := cat.T(l, sotepe.ErrorKey(err), sotepe.ErrorArgs(err))
		if field := sotepe.ErrorField(err); field != "" {
			return fmt.Sprintf("line %d, %s: %s", line, field, msg)
		}
		return fmt.Sprintf("line %d: %s", line, msg)
	}
	var bad []string
	var lines []int // the line of each record, by index
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %v", line, err))
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
				break
			}
			continue
		}
		field := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		before := imp.n()
		if err := imp.add(field); err != nil {
			if sotepe.ErrorCode(err) != sotepe.EInvalid {
				return err
			}
			bad = append(bad, describe(line, err))
		}
		if imp.n() > before {
			lines = append(lines, line)
		}
	}
	if len(bad) == 0 {
		st, err := c.openStore(ctx, stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		err = imp.save(ctx, st)
		if sotepe.ErrorCode(err) == sotepe.EInvalid {
			line := 0
			if i, ok := sotepe.ErrorArgs(err)["Index"].(int); ok && i < len(lines) {
				line = lines[i]
			}
			bad = append(bad, describe(line, err))
		} else if err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		for i, b := range bad {
			if i == maxReportedRows {
				fmt.Fprintf(stderr, "… and %d more bad rows\n", len(bad)-i)
				break
			}
			fmt.Fprintln(stderr, b)
		}
		return fmt.Errorf("%d bad rows: nothing imported", len(bad))
	}
	fmt.Fprintf(stdout, "imported %d %s rows\n", imp.n(), kind)
	return nil
}
