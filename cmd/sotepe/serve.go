package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"runtime/debug"
	"time"

	"sotepe/app"
	"sotepe/demo"
	"sotepe/notify"
	"sotepe/store"
	"sotepe/turnserver"
	"sotepe/web"
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
	if !isDemo {
		testIdP, err := envBool(getenv, "SOTEPE_TEST_IDP", false)
		if err != nil {
			return err
		}
		fs.BoolVar(&c.testIdP, "test-idp", testIdP, "serve the demo's test identity provider at /test-idp/ — anyone can sign in as anyone; never in production (env SOTEPE_TEST_IDP)")
	}
	var readDB string
	fs.StringVar(&readDB, "read-db", getenv("SOTEPE_READ_DB"), "a postgres:// URL where the figures (dashboard, annual report, open data) are read, e.g. a standby with target_session_attrs=prefer-standby (env SOTEPE_READ_DB); the --db otherwise")
	var turnAddr, turnIP string
	fs.StringVar(&turnAddr, "turn-addr", getenv("SOTEPE_TURN_ADDR"), "run the embedded TURN server that relays video calls on this address, UDP and TCP on one port (e.g. :3478; env SOTEPE_TURN_ADDR); off when empty")
	fs.StringVar(&turnIP, "turn-public-ip", getenv("SOTEPE_TURN_PUBLIC_IP"), "the public IP address browsers reach the TURN server at (env SOTEPE_TURN_PUBLIC_IP); --turn-addr's host when that is an IP; the secret comes from SOTEPE_TURN_SECRET")
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
		// The heap grows to the limit, and SQLite's page caches (outside
		// the Go heap) and pages not yet returned come on top: at 150 MiB
		// the morning load over the full year peaked at 200–210 MB, at
		// 120 MiB (still twice the live heap) at 172 MB
		// (docs/benchmarks.md, "Morning load"). GOMEMLIMIT in the
		// environment wins.
		debug.SetMemoryLimit(120 << 20)
	}

	turn, err := turnConfig(turnAddr, turnIP, getenv("SOTEPE_TURN_SECRET"), isDemo)
	if err != nil {
		return err
	}
	if turnAddr == "" && !isDemo {
		logger.Warn("no TURN server (--turn-addr): video calls may fail on strict networks")
	}
	sender, err := notificationSender(getenv, logger, isDemo)
	if err != nil {
		return err
	}
	if isDemo && year.year > 0 {
		// The generated year spreads over the units of the 349-unit network.
		c.units = max(c.units, 349)
	}
	// Listen first, so that the public address is known when it is not
	// given (--addr with port 0): the identity providers send people back
	// to it.
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	baseURL := orDefault(getenv("SOTEPE_BASE_URL"), "http://"+ln.Addr().String())
	identity, err := identityConfig(getenv, baseURL, isDemo || c.testIdP)
	if err != nil {
		return err
	}
	if c.testIdP && !isDemo {
		logger.Warn("THE TEST IDENTITY PROVIDER IS ON: anyone can sign in as any demo person at /test-idp/. Never use --test-idp in production.")
		fmt.Fprintln(stderr, "WARNING: --test-idp is on: anyone can sign in as any demo person. Never use it in production.")
	}
	a, err := app.New(ctx, app.Config{
		DB: c.db, ReadDB: readDB, Logger: logger, Demo: isDemo, DemoUnits: c.units, Progress: stdout,
		Seed: func(ctx context.Context, st *store.Store, fresh bool) error {
			if !fresh || year.year == 0 {
				return nil
			}
			year.seed, year.units = 1, c.units
			return generateYear(ctx, st, year, stdout, stderr)
		},
		Sender:   sender,
		BaseURL:  baseURL,
		Identity: identity,
		TURN:     turn,
		// The dashboard's months are read in the background after the
		// start, not on the first people's requests.
		WarmDashboard: true,
		Web:           web.Config{SecureCookies: c.secureCookies, Demo: isDemo, Version: version, TrustedProxies: c.trustedProxies},
	})
	if err != nil {
		return err
	}
	defer a.Close()
	// Background work: breach sweeps, offers and reminders, forgetting
	// comments, notification delivery; Close stops it before the store closes.
	a.Start(ctx)

	fmt.Fprintf(stdout, "sotepe %s listening on http://%s (database %s, ready in %s)\n", version, ln.Addr(), a.Store.Dialect(), time.Since(started).Round(time.Millisecond))
	if a.TURN != nil {
		fmt.Fprintf(stdout, "TURN server on %s port %d, UDP and TCP\n", turn.PublicIP, a.TURN.Port())
	}
	if isDemo {
		printDemoAccounts(stdout)
	}
	if err := a.Serve(ctx, ln); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "sotepe stopped")
	return nil
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, dsn string, logger *slog.Logger) (*store.Store, error) {
	return app.OpenStore(ctx, dsn, logger)
}

// loadDemo fills an empty database with the demo network and people; on a
// database that has them it does nothing.
func loadDemo(ctx context.Context, st *store.Store, units int, stdout io.Writer) error {
	return app.LoadDemo(ctx, st, units, stdout)
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

// turnConfig reads the embedded TURN server's settings: none without addr;
// with it, the public IP (ip, or addr's host when that is an IP) and the
// shared secret of its credentials, which a server must be given
// (SOTEPE_TURN_SECRET, the same in every process) and a demo makes up.
func turnConfig(addr, ip, secret string, isDemo bool) (turnserver.Config, error) {
	if addr == "" {
		return turnserver.Config{}, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return turnserver.Config{}, fmt.Errorf("--turn-addr: %w", err)
	}
	if ip == "" {
		ip = host
	}
	public := net.ParseIP(ip)
	if public == nil || public.IsUnspecified() {
		return turnserver.Config{}, errors.New("--turn-public-ip is required: the IP address browsers reach the TURN server at")
	}
	if secret == "" {
		if !isDemo {
			return turnserver.Config{}, errors.New("SOTEPE_TURN_SECRET is required with --turn-addr")
		}
		secret = rand.Text()
	}
	return turnserver.Config{Addr: addr, PublicIP: public, Secret: secret}, nil
}
