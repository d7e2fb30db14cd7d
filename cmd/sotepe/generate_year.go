package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/store"
	"sotepe/workday"
	"sotepe/yeargen"
)

// runGenerateYear is `sotepe generate --year 2024 --scale S`.
func runGenerateYear(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("generate", getenv, stderr, &c, "", "")
	var o yearOptions
	fs.IntVar(&o.year, "year", 2024, "the year to generate (the reference's figures are of 2024)")
	fs.Float64Var(&o.scale, "scale", 1.0, "the share of the reference's volumes to generate (1.0 is all of Helsinki)")
	fs.Int64Var(&o.seed, "seed", 1, "the random seed: the same seed gives the same year")
	fs.IntVar(&c.units, "units", 349, "widen the demo network to this many units when loading it")
	fs.BoolVar(&o.bare, "bare", false, "measure only: insert the year's events one statement a row, with no checks or aggregates (a fresh database)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.db == "" {
		return errors.New("--db is required")
	}
	if o.scale <= 0 || o.scale > 10 {
		return errors.New("--scale must be above 0 and at most 10")
	}
	o.units = c.units
	created, err := createLargePages(ctx, c.db)
	if err != nil {
		return err
	}
	// A new file has no one else on it: it is written without the
	// write-ahead log, each page once (store.OpenBulk).
	c.bulk = created
	st, err := c.openDemoStore(ctx, stdout, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	return generateYear(ctx, st, o, stdout, stderr)
}

// yearOptions are the settings of a generated year.
type yearOptions struct {
	year  int
	scale float64
	seed  int64
	units int
	bare  bool
}

// generateYear writes a generated year into st, whose demo network is
// loaded: its service events through the bulk path, the chats whose
// answered ones are its chat contacts, its contact requests (with the demo
// people as residents and staff), the feedback of the year and the
// year before, their feedback_answers events, and the staff, economy and
// sustainability (generateSector).
// Progress goes to stderr, the summary to stdout. A year generated already
// (its events are all there) is left as it is.
func generateYear(ctx context.Context, st *store.Store, o yearOptions, stdout, stderr io.Writer) error {
	ref, err := yeargen.LoadReference()
	if err != nil {
		return err
	}
	base, err := demo.BaseNetwork()
	if err != nil {
		return err
	}
	cal, err := workday.New()
	if err != nil {
		return err
	}
	y := yeargen.Year{Year: o.year, Scale: o.scale, Seed: o.seed, Network: demo.WidenNetwork(base, max(o.units, len(base.Units)), 2024),
		IsWorkingDay: cal.IsWorkingDay, Reference: ref}
	// A database made with fewer units (`sotepe demo` makes the base
	// network) gets the widened network's other units first.
	added, err := y.Network.SaveMissingUnits(ctx, st, st)
	if err != nil {
		return err
	}
	if added > 0 {
		fmt.Fprintf(stdout, "network: %d units added to widen it to %d\n", added, len(y.Network.Units))
	}
	expected := 0
	for _, n := range y.Totals() {
		expected += n
	}
	started := time.Now()
	done := 0
	progress := func() {
		el := time.Since(started).Seconds()
		fmt.Fprintf(stderr, "\rservice events: %d (%.0f/s)   ", done, float64(done)/max(el, 1e-3))
	}
	if o.bare {
		n, err := st.LoadEventsBare(ctx, func(add func(sotepe.ServiceEvent) error) error {
			return y.Events(func(e sotepe.ServiceEvent) error {
				done++
				if done%250_000 == 0 {
					progress()
				}
				return add(e)
			})
		})
		fmt.Fprintln(stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "bare inserts: %d events in %s\n", n, time.Since(started).Round(time.Millisecond))
		return nil
	}
	res, err := st.LoadEvents(ctx, func(add store.EventAdder) error {
		return y.Events(func(e sotepe.ServiceEvent) error {
			done++
			if done%250_000 == 0 {
				progress()
			}
			return add(e)
		})
	})
	progress()
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	evTime := time.Since(started)
	fmt.Fprintf(stdout, "service events: %d added, %d there already, in %s (%d acts of the reference's figures and e-services)\n",
		res.Added, res.Duplicates, evTime.Round(time.Millisecond), expected)
	if res.Added == 0 && res.Duplicates > 0 {
		fmt.Fprintln(stdout, "the year is generated already: chats, feedback and staff left as they are")
		return nil
	}
	if err := generateChats(ctx, st, y, stdout, stderr); err != nil {
		return err
	}
	if err := generateRescue(ctx, st, y, stdout); err != nil {
		return err
	}
	// The year's contact requests, whose answers are the report's answered
	// requests and the answer promise's figures.
	h := yeargen.History{Year: o.year, Count: yeargen.Scaled(yeargen.ContactRequests, o.scale), Seed: o.seed, Network: y.Network}
	if err := writeContactRequests(ctx, st, &h, stdout); err != nil {
		return err
	}
	fbStarted := time.Now()
	producerOf := map[string]string{}
	for _, u := range y.Network.Units {
		producerOf[u.ID] = u.ProducerID
	}
	answers := 0
	for _, c := range y.FeedbackYears() {
		fb := y.Feedback(c)
		if err := st.BulkFeedback(ctx, fb); err != nil {
			return err
		}
		if _, err := st.LoadEvents(ctx, func(add store.EventAdder) error {
			for _, e := range yeargen.FeedbackEvents(fb, producerOf) {
				if err := add(e); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		answers += len(fb)
		fmt.Fprintf(stderr, "feedback %d: %d answers (NPS %d)\n", c.Year, len(fb), c.NPS)
	}
	fmt.Fprintf(stdout, "feedback: %d answers in %s\n", answers, time.Since(fbStarted).Round(time.Millisecond))
	if err := generateSector(ctx, st, y, stdout); err != nil {
		return err
	}
	if err := generateProcurement(ctx, st, y, stdout); err != nil {
		return err
	}
	if err := generateParticipation(ctx, st, y, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated the year %d at scale %g in %s\n", o.year, o.scale, time.Since(started).Round(time.Millisecond))
	return nil
}

// chatBatch is how many chats generateChats stores a transaction.
const chatBatch = 20_000

// generateChats writes the year's chats (yeargen.Year.Chats) after its
// events, chatBatch a transaction through the store's bulk path: the
// answered ones are the year's chat contacts, on the demo's advice line,
// which is saved first in case the database has no chat lines yet. Then
// it folds the chats' changes into the roll-up of the chat figures.
func generateChats(ctx context.Context, st *store.Store, y yeargen.Year, stdout, stderr io.Writer) error {
	started := time.Now()
	if err := demo.LoadChatLines(ctx, st); err != nil {
		return err
	}
	batch := make([]sotepe.Chat, 0, chatBatch)
	done, answered := 0, 0
	flush := func() error {
		if err := st.LoadChats(ctx, batch); err != nil {
			return err
		}
		done += len(batch)
		batch = batch[:0]
		fmt.Fprintf(stderr, "\rchats: %d (%.0f/s)   ", done, float64(done)/max(time.Since(started).Seconds(), 1e-3))
		return nil
	}
	err := y.Chats(func(c sotepe.Chat) error {
		if !c.TakenAt.IsZero() {
			answered++
		}
		batch = append(batch, c)
		if len(batch) == chatBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "chats: %d on %s, %d answered (the year's chat contacts) and %d abandoned, in %s\n",
		done, yeargen.ChatLineID, answered, done-answered, time.Since(started).Round(time.Millisecond))
	// The chat figures' roll-up, folded whole in one transaction, as the
	// contact requests' is.
	started = time.Now()
	folded, err := st.FoldAllChatStats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "chat figures: folded %d changes in %s\n", folded, time.Since(started).Round(time.Millisecond))
	return nil
}

// createLargePages creates a new SQLite database at path with 16 KiB pages
// (SQLite's default is 4 KiB) before the store opens it, and reports whether
// it did: a generated year is gigabytes, and larger pages write it in a
// quarter of the writes. An existing file, or a PostgreSQL URL, is left
// alone; the page size of a database cannot change once it has tables in
// WAL mode.
func createLargePages(ctx context.Context, path string) (bool, error) {
	if strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://") {
		return false, nil
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return false, err
	}
	defer db.Close()
	for _, q := range []string{`PRAGMA page_size = 16384`, `CREATE TABLE page_size_probe (x INTEGER)`, `DROP TABLE page_size_probe`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return false, fmt.Errorf("create %s: %w", path, err)
		}
	}
	return true, nil
}
