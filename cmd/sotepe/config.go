package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"

	"sotepe/app"
	"sotepe/store"
)

// config is the configuration shared by the subcommands that open the
// database; each reads its flags over the environment.
type config struct {
	addr          string
	db            string
	logLevel      slog.Level
	secureCookies bool
	units         int
	// trustedProxies are the proxies whose X-Forwarded-For is believed.
	trustedProxies prefixList
	// testIdP serves the test identity provider in serve (always on in
	// the demo).
	testIdP bool
	// bulk opens the store for a batch load that runs alone on a new
	// SQLite file (app.OpenBulkStore).
	bulk bool
}

// openStore opens the database c.db, logging at c.logLevel to stderr.
func (c *config) openStore(ctx context.Context, stderr io.Writer) (*store.Store, error) {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: c.logLevel}))
	if c.bulk {
		return app.OpenBulkStore(ctx, c.db, logger)
	}
	return openStore(ctx, c.db, logger)
}

// openDemoStore opens the database as openStore does and fills it with
// the demo network and people of c.units units (see loadDemo).
func (c *config) openDemoStore(ctx context.Context, stdout, stderr io.Writer) (*store.Store, error) {
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return nil, err
	}
	if err := loadDemo(ctx, st, c.units, stdout); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

// newFlags returns a flag set with --addr, --db and --log-level defaulted
// from the environment and then from defaults.
func newFlags(name string, getenv func(string) string, stderr io.Writer, c *config, defAddr, defDB string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", orDefault(getenv("SOTEPE_ADDR"), defAddr), "listen address (env SOTEPE_ADDR)")
	fs.StringVar(&c.db, "db", orDefault(getenv("SOTEPE_DB"), defDB), "SQLite file path or postgres:// URL (env SOTEPE_DB)")
	c.logLevel = slog.LevelInfo
	if l := getenv("SOTEPE_LOG_LEVEL"); l != "" {
		_ = c.logLevel.UnmarshalText([]byte(l)) // a bad level keeps info
	}
	fs.TextVar(&c.logLevel, "log-level", c.logLevel, "log level: debug, info, warn or error (env SOTEPE_LOG_LEVEL)")
	return fs
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func envBool(getenv func(string) string, name string, def bool) (bool, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s: %q is not true or false", name, v)
	}
	return b, nil
}

// prefixList is a flag of comma-separated CIDRs; a bare address is a
// prefix of one address. Each Set replaces the list.
type prefixList []netip.Prefix

func (p *prefixList) String() string {
	var s []string
	for _, x := range *p {
		s = append(s, x.String())
	}
	return strings.Join(s, ",")
}

func (p *prefixList) Set(v string) error {
	var out prefixList
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(f)
		if err != nil {
			return fmt.Errorf("%q is not an address or CIDR", f)
		}
		out = append(out, pr.Masked())
	}
	*p = out
	return nil
}
