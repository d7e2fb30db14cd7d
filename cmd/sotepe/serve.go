package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/smtp"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"sotepe"
	"sotepe/assess"
	"sotepe/booking"
	"sotepe/contact"
	"sotepe/demo"
	"sotepe/directory"
	"sotepe/docs"
	"sotepe/feedback"
	"sotepe/i18n"
	"sotepe/notify"
	"sotepe/password"
	"sotepe/store"
	"sotepe/web"
	"sotepe/workday"
)

// runServer serves sotepe until ctx ends, then shuts down gracefully:
// in-flight requests finish, the database closes. With demo set it fills an
// empty database with the demo network and accounts first.
func runServer(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, isDemo bool) error {
	var c config
	defDB := ""
	if isDemo {
		defDB = "sotepe-demo.db"
	}
	fs := newFlags(map[bool]string{true: "demo", false: "serve"}[isDemo], getenv, stderr, &c, "127.0.0.1:8080", defDB)
	var year yearOptions
	if isDemo {
		fs.IntVar(&c.units, "units", 0, "widen the demo network to this many units (e.g. 349, the report's count)")
		fs.IntVar(&year.year, "year", 0, "on a new database, also generate this year of service events, feedback and staff (e.g. 2024; the network becomes 349 units)")
		fs.Float64Var(&year.scale, "scale", 0.05, "the share of the reference's volumes the generated year has")
	}
	secure, err := envBool(getenv, "SOTEPE_SECURE_COOKIES", !isDemo)
	if err != nil {
		return err
	}
	fs.BoolVar(&c.secureCookies, "secure-cookies", secure, "mark cookies Secure (needs HTTPS in front; env SOTEPE_SECURE_COOKIES)")
	if err := c.trustedProxies.Set(getenv("SOTEPE_TRUSTED_PROXIES")); err != nil {
		return fmt.Errorf("SOTEPE_TRUSTED_PROXIES: %w", err)
	}
	fs.Var(&c.trustedProxies, "trusted-proxies", "CIDRs of the proxies whose X-Forwarded-For names the client, comma-separated (env SOTEPE_TRUSTED_PROXIES)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.db == "" {
		return errors.New("--db is required (a SQLite file path or a postgres:// URL)")
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: c.logLevel}))
	started := time.Now()
	if getenv("GOGC") == "" {
		// The live heap of a sotepe server is small (tens of MB), so the
		// default GOGC=100 collects every few milliseconds under load; four
		// times the live heap between collections halves the tail latency
		// of the directory for a few tens of MB. GOGC in the environment wins.
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		// A soft limit bounds that trade: near it the collector runs as
		// often as it must, so a burst of large reads (a cold dashboard
		// over a year) does not carry the resident memory past 200 MB.
		// GOMEMLIMIT in the environment wins.
		debug.SetMemoryLimit(150 << 20)
	}

	st, err := openStore(ctx, c.db, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	if isDemo {
		_, _, uerr := st.UserByUsername(ctx, "admin")
		fresh := sotepe.ErrorCode(uerr) == sotepe.ENotFound
		if year.year > 0 {
			// The generated year spreads over the units of the 349-unit network.
			c.units = max(c.units, 349)
		}
		if err := loadDemo(ctx, st, c.units, stdout); err != nil {
			return err
		}
		if err := loadDemoAppointments(ctx, st); err != nil {
			return err
		}
		if fresh && year.year > 0 {
			year.seed, year.units = 1, c.units
			if err := generateYear(ctx, st, year, stdout, stderr); err != nil {
				return err
			}
		}
	}
	dir, err := directory.New(st, directory.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer dir.Close() // before the store closes: deferred calls run last-in, first-out
	cal, err := workday.NewLive(ctx, st)
	if err != nil {
		return err
	}
	contacts := contact.New(contact.Config{Store: st, Directory: dir, Calendar: cal, Logger: logger})
	assessments, err := newAssessments(ctx, st, dir, contacts, logger)
	if err != nil {
		return err
	}
	// Background work: breach sweeps and notification delivery. Both end
	// before the store closes (deferred calls run last-in, first-out).
	bgCtx, stopBackground := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer func() { stopBackground(); background.Wait() }()
	background.Go(func() { contacts.RunSweeps(bgCtx, time.Minute) })
	appointments, err := booking.New(booking.Config{Store: st, Directory: dir, Logger: logger})
	if err != nil {
		return err
	}
	// Waiting-list offers that lapse pass on, and reminders go out.
	background.Go(func() { appointments.RunSweeps(bgCtx, time.Minute) })
	fb := feedback.New(feedback.Config{Store: st, Logger: logger})
	surveys, err := newSurveys(ctx, st, isDemo)
	if err != nil {
		return err
	}
	// Unscreened comments are forgotten when their keeping time ends.
	background.Go(func() { fb.RunSweeps(bgCtx, time.Hour) })
	cat, err := i18n.New()
	if err != nil {
		return err
	}
	sender, err := notificationSender(getenv, logger, isDemo)
	if err != nil {
		return err
	}
	dispatcher := &notify.Dispatcher{Store: st, Catalog: cat, Sender: sender, Now: time.Now, Logger: logger,
		BaseURL: orDefault(getenv("SOTEPE_BASE_URL"), "http://"+c.addr)}
	background.Go(func() { dispatcher.Run(bgCtx, 10*time.Second) })
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(collectors.NewDBStatsCollector(st.DB(), st.Dialect()))
	srv, err := web.New(web.Config{
		Store: st, Directory: dir, Calendar: cal, Contacts: contacts, Assessments: assessments, Appointments: appointments, Feedback: fb, Surveys: surveys, Catalog: cat, Logger: logger, Location: loc, Registry: reg, OpenAPI: docs.OpenAPI,
		SecureCookies: c.secureCookies, Demo: isDemo, Version: version, TrustedProxies: c.trustedProxies,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "sotepe %s listening on http://%s (database %s, ready in %s)\n", version, ln.Addr(), st.Dialect(), time.Since(started).Round(time.Millisecond))
	if isDemo {
		printDemoAccounts(stdout)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stdout, "sotepe stopped")
	return nil
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string, logger *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, dsn, logger)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// loadDemo fills an empty database with the demo network and people; on a
// database that has them it does nothing.
func loadDemo(ctx context.Context, st *store.Store, units int, stdout io.Writer) error {
	if _, _, err := st.UserByUsername(ctx, "admin"); err == nil {
		return nil
	} else if sotepe.ErrorCode(err) != sotepe.ENotFound {
		return err
	}
	network, err := demo.BaseNetwork()
	if err != nil {
		return err
	}
	if units > len(network.Units) {
		network = demo.WidenNetwork(network, units, 2024)
	}
	fmt.Fprintf(stdout, "creating the demo database: %d units …\n", len(network.Units))
	if err := network.Save(ctx, st); err != nil {
		return err
	}
	hash, err := password.Hash("demo", password.Default())
	if err != nil {
		return err
	}
	_, err = demo.LoadPeople(ctx, st, st, hash)
	return err
}

func printDemoAccounts(w io.Writer) {
	fmt.Fprintln(w, "demo accounts (password: demo):")
	for _, a := range demo.Accounts() {
		fmt.Fprintf(w, "  %-8s %s\n", a.Username, a.Description.En)
	}
}

// notificationSender is SMTP when SOTEPE_SMTP_ADDR is set, and otherwise the
// log, which a real server warns about.
func notificationSender(getenv func(string) string, logger *slog.Logger, isDemo bool) (notify.Sender, error) {
	addr := getenv("SOTEPE_SMTP_ADDR")
	if addr == "" {
		if !isDemo {
			logger.Warn("SOTEPE_SMTP_ADDR is not set: notifications are only logged")
		}
		return notify.LogSender{Logger: logger}, nil
	}
	from := getenv("SOTEPE_SMTP_FROM")
	if from == "" {
		return nil, errors.New("SOTEPE_SMTP_FROM is required with SOTEPE_SMTP_ADDR")
	}
	s := notify.SMTPSender{Addr: addr, From: from}
	if user := getenv("SOTEPE_SMTP_USER"); user != "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("SOTEPE_SMTP_ADDR: %w", err)
		}
		s.Auth = smtp.PlainAuth("", user, getenv("SOTEPE_SMTP_PASSWORD"), host)
	}
	return s, nil
}

// newAssessments loads the assessment definitions, checks that every
// service they recommend exists in the network (and can take a hand-over),
// and returns the assessment service. A definition that breaks a rule stops
// the program at start. A fresh database without a network yet (serve
// before the network is imported) is only warned about.
func newAssessments(ctx context.Context, st *store.Store, dir sotepe.Directory, contacts *contact.Service, logger *slog.Logger) (*assess.Service, error) {
	defs, err := assess.Load()
	if err != nil {
		return nil, err
	}
	first, err := dir.Services(ctx, "", sotepe.PageRequest{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(first.Items) == 0 {
		logger.Warn("the service network is empty: the services assessments recommend are not checked")
	} else if err := defs.CheckServices(func(id string) (sotepe.Service, bool) {
		svc, err := dir.Service(ctx, id)
		return svc, err == nil
	}); err != nil {
		return nil, err
	}
	return assess.New(assess.Config{Definitions: defs, Store: st, Contacts: contacts}), nil
}
