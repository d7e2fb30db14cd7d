package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/password"
	"sotepe/store"
	"sotepe/workday"
	"sotepe/yeargen"
)

// runGenerate writes generated data into a database for demonstrations and
// measurements: `sotepe generate contact-requests` writes a year of contact
// requests over the demo network (loading the network and the demo people
// first when the database has none).
//
// `sotepe generate --year 2024 --scale S` writes a generated year of service
// events, feedback, staff, economy and sustainability (see generateYear).
func runGenerate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		return runGenerateYear(ctx, args, getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "contact-requests" {
		return errors.New("usage: sotepe generate contact-requests --db … [--count 2000000] [--year 2024] [--seed 1] [--units 349] [--backlog UNIT=N]\n" +
			"       sotepe generate --db … --year 2024 [--scale 1.0] [--seed 1] [--units 349] [--bare]")
	}
	var c config
	fs := newFlags("generate contact-requests", getenv, stderr, &c, "", "")
	count := fs.Int("count", 2_000_000, "how many requests to write")
	year := fs.Int("year", 2024, "the year they are received in")
	seed := fs.Int64("seed", 1, "the random seed: the same seed gives the same requests")
	fs.IntVar(&c.units, "units", 349, "widen the demo network to this many units when loading it")
	var backlog stringList
	fs.Var(&backlog, "backlog", "open requests to add to a unit, UNIT=N (repeatable)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if c.db == "" {
		return errors.New("--db is required")
	}
	h := yeargen.History{Year: *year, Count: *count, Seed: *seed, Backlog: map[string]int{}}
	for _, b := range backlog {
		unit, n, ok := strings.Cut(b, "=")
		v, err := strconv.Atoi(n)
		if !ok || err != nil || v < 0 {
			return fmt.Errorf("--backlog %q: want UNIT=N", b)
		}
		h.Backlog[unit] = v
	}
	st, err := c.openDemoStore(ctx, stdout, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	base, err := demo.BaseNetwork()
	if err != nil {
		return err
	}
	h.Network = demo.WidenNetwork(base, max(c.units, len(base.Units)), 2024)
	return writeContactRequests(ctx, st, &h, stdout)
}

// writeContactRequests writes h's contact requests into st, whose demo
// network is loaded, with the demo people as their residents and staff
// (loaded first when st has none), then fills the working time to each
// first answer and folds the figures, as the server's sweeps would.
// Progress goes to stdout.
func writeContactRequests(ctx context.Context, st *store.Store, h *yeargen.History, stdout io.Writer) error {
	hash, err := password.Hash("demo", password.Default())
	if err != nil {
		return err
	}
	people, err := demo.LoadPeople(ctx, st, st, hash)
	if err != nil {
		return err
	}
	for _, id := range people.Residents {
		h.Residents = append(h.Residents, id)
	}
	for _, name := range []string{"nurse", "manager"} {
		h.Staff = append(h.Staff, people.Users[name])
	}
	if h.Calendar, err = workday.New(); err != nil {
		return err
	}
	started := time.Now()
	total := h.Count
	for _, n := range h.Backlog {
		total += n
	}
	done := 0
	_, err = h.Generate(5000, func(batch []sotepe.ContactRequest) error {
		if err := st.BulkContactRequestsTimed(ctx, batch, h.Calendar.WorkingHoursBetween); err != nil {
			return err
		}
		done += len(batch)
		elapsed := time.Since(started)
		fmt.Fprintf(stdout, "\rcontact requests: %d/%d (%d %%), %.0f/s   ", done, total, done*100/max(total, 1), float64(done)/elapsed.Seconds())
		return nil
	})
	fmt.Fprintln(stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d contact requests in %s\n", done, time.Since(started).Round(time.Millisecond))
	// The requests were stored with the working time to their first
	// answer (one logged change each, not three); the server's fill finds
	// any left without it.
	started = time.Now()
	filled, err := untilNone(stdout, "working times to the first answer", func() (int, error) {
		return st.FillAnswerWorkingSeconds(ctx, 10000, h.Calendar.WorkingHoursBetween)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nfilled %d working times in %s\n", filled, time.Since(started).Round(time.Millisecond))
	// The figures' roll-up, folded whole in one transaction: rounds as
	// the server's sweeps fold would rewrite the busiest rows' growing
	// lists of working times once a round.
	started = time.Now()
	folded, err := st.FoldAllContactStats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "folded %d changes in %s\n", folded, time.Since(started).Round(time.Millisecond))
	return nil
}

// untilNone calls step until it does nothing more, showing the running
// total after label on stdout, and returns the total.
func untilNone(stdout io.Writer, label string, step func() (int, error)) (int, error) {
	total := 0
	for {
		n, err := step()
		if err != nil {
			return total, err
		}
		total += n
		fmt.Fprintf(stdout, "\r%s: %d   ", label, total)
		if n == 0 {
			return total, nil
		}
	}
}
