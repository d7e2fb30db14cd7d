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
	"time"

	"sotepe"
	"sotepe/store"
)

// maxReportedRows is how many bad rows an import lists by line; the rest are
// only counted.
const maxReportedRows = 50

// importColumns are the columns an events CSV may have; its header names
// them, in any order. external_id, day, unit, statistic and mode are
// required; source defaults to --source, count to 1.
var importColumns = []string{"source", "external_id", "day", "unit", "statistic", "producer", "mode", "age_band", "lang", "count"}

// runImport is `sotepe import events FILE.csv`: the file is read as a stream
// (memory does not grow with it), with a progress bar on stderr, into one
// transaction. Bad rows are reported with their line numbers; by default a
// file with any bad row stores nothing, and with --skip-bad-rows the good
// rows land and the bad ones are counted. Events the database has already
// (the same source and external id) count as duplicates, so a file can be
// imported again safely.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "employments" || args[0] == "budget") {
		return runImportSector(ctx, args, getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "events" {
		return errors.New("usage: sotepe import events --db … [--source NAME] [--skip-bad-rows] [--lang fi|sv|en] FILE.csv")
	}
	var c config
	fs := newFlags("import events", getenv, stderr, &c, "", "")
	source := fs.String("source", "import", "the source of rows that have no source column")
	skip := fs.Bool("skip-bad-rows", false, "store the good rows and skip the bad ones (by default one bad row stores nothing)")
	lang := fs.String("lang", "en", "the language of the error messages: fi, sv or en")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if c.db == "" || fs.NArg() != 1 {
		return errors.New("usage: sotepe import events --db … [--source NAME] [--skip-bad-rows] FILE.csv")
	}
	l, cat, err := errorLanguage(*lang)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()

	in := &progressReader{r: f, w: stderr, total: info.Size()}
	started := time.Now()
	var bad []string
	badRows, rows := 0, 0
	res, err := st.LoadEvents(ctx, func(add store.EventAdder) error {
		r := csv.NewReader(in)
		r.ReuseRecord = true
		r.FieldsPerRecord = -1
		header, err := r.Read()
		if err != nil {
			return fmt.Errorf("read the header: %w", err)
		}
		col := map[string]int{}
		for i, h := range header {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			if !slices.Contains(importColumns, h) {
				return fmt.Errorf("line 1: unknown column %q (known: %s)", h, strings.Join(importColumns, ", "))
			}
			col[h] = i
		}
		for _, req := range []string{"external_id", "day", "unit", "statistic", "mode"} {
			if _, ok := col[req]; !ok {
				return fmt.Errorf("line 1: the column %q is missing", req)
			}
		}
		field := func(rec []string, name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				if badRows > 0 && !*skip {
					return errBadRows // all or nothing: roll back
				}
				return nil
			}
			line, _ := r.FieldPos(0)
			fail := func(msg string) {
				badRows++
				if len(bad) < maxReportedRows {
					bad = append(bad, fmt.Sprintf("line %d: %s", line, msg))
				}
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
					// A broken quote leaves the rest unreadable.
					fail(pe.Err.Error())
					return errBadFile
				}
				fail(err.Error())
				continue
			}
			rows++
			e := sotepe.ServiceEvent{Source: field(rec, "source"), ExternalID: field(rec, "external_id"), Day: field(rec, "day"),
				UnitID: field(rec, "unit"), Statistic: field(rec, "statistic"), ProducerID: field(rec, "producer"),
				Mode: sotepe.EventMode(field(rec, "mode")), AgeBand: field(rec, "age_band"), Lang: field(rec, "lang"), Count: 1}
			if e.Source == "" {
				e.Source = *source
			}
			if n := field(rec, "count"); n != "" {
				if e.Count, err = strconv.Atoi(n); err != nil {
					fail(cat.T(l, "error.event_count", nil))
					continue
				}
			}
			if err := add(e); err != nil {
				if sotepe.ErrorCode(err) != sotepe.EInvalid {
					return err
				}
				fail(cat.T(l, sotepe.ErrorKey(err), sotepe.ErrorArgs(err)))
				continue
			}
		}
	})
	in.finish()
	for _, b := range bad {
		fmt.Fprintln(stderr, b)
	}
	if badRows > len(bad) {
		fmt.Fprintf(stderr, "… and %d more bad rows\n", badRows-len(bad))
	}
	if errors.Is(err, errBadFile) {
		return errors.New("the file is not readable CSV past the line above: nothing imported")
	}
	if errors.Is(err, errBadRows) {
		return fmt.Errorf("%d bad rows: nothing imported (use --skip-bad-rows to import the good ones)", badRows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d rows in %s: %d events added, %d there already", rows, time.Since(started).Round(time.Millisecond), res.Added, res.Duplicates)
	if badRows > 0 {
		fmt.Fprintf(stdout, ", %d bad rows skipped", badRows)
	}
	fmt.Fprintln(stdout)
	return nil
}

// errBadFile stops an import whose CSV cannot be read further; errBadRows
// rolls back an import that had bad rows without --skip-bad-rows.
var (
	errBadFile = errors.New("unreadable CSV")
	errBadRows = errors.New("bad rows")
)

// progressReader reads r and tells on w how much of total bytes it has
// read, at most five times a second and once more at finish.
type progressReader struct {
	r           io.Reader
	w           io.Writer
	total, read int64
	last        time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
		p.last = now
		p.print()
	}
	return n, err
}

func (p *progressReader) print() {
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.read) / float64(p.total)
	}
	fmt.Fprintf(p.w, "\rimport %3.0f%% (%.1f/%.1f MB)", pct, float64(p.read)/1e6, float64(p.total)/1e6)
}

// finish prints the last state and ends the line.
func (p *progressReader) finish() {
	p.print()
	fmt.Fprintln(p.w)
}
