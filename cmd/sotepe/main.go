// Command sotepe runs the sotepe platform: `sotepe demo` serves the product
// with demo data on an embedded database; `sotepe serve` runs it for real on
// SQLite or PostgreSQL. Run `sotepe help` for every subcommand.
//
// It reads flags and the environment and runs the subcommands; package app
// wires the concrete parts (app.New) for serve, demo and report.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the city's time zone even where the system has no zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sotepe:", err)
		os.Exit(1)
	}
}

// run dispatches a subcommand. It returns when the command is done or, for
// the servers, when ctx is cancelled and shutdown has finished.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stdout)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "demo":
		return runServer(ctx, rest, getenv, stdout, stderr, true)
	case "serve":
		return runServer(ctx, rest, getenv, stdout, stderr, false)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case "report":
		return runReport(ctx, rest, getenv, stdout, stderr)
	case "generate":
		return runGenerate(ctx, rest, getenv, stdout, stderr)
	case "import":
		if len(rest) > 0 && rest[0] == "rescue-missions" {
			return runImportRescue(ctx, rest[1:], getenv, stdout, stderr)
		}
		return runImport(ctx, rest, getenv, stdout, stderr)
	case "admin":
		return runAdmin(ctx, rest, getenv, stdin, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "sotepe", version)
		return nil
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", cmd)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `sotepe — the platform of a city's social, health and rescue services.

Usage:
  sotepe demo    [--addr 127.0.0.1:8080] [--db sotepe-demo.db] [--units N]
                 [--year 2024 [--scale 0.05]]
                 serve the product with demo data (created on first start;
                 with --year also a generated year of service statistics)
  sotepe serve   --db PATH|postgres://… [--addr 127.0.0.1:8080]
                 serve for real; migrates the database, creates no accounts
  sotepe migrate --db PATH|postgres://…
                 run the database migrations and exit
  sotepe admin create-user --db … --username NAME --name "Full Name"
                 --role admin [--role …] [--unit ID …] [--lang fi|sv|en] [--email ADDR]
                 create an account; the password is read from standard input
  sotepe generate contact-requests --db … [--count 2000000] [--year 2024]
                 [--seed 1] [--units 349] [--backlog UNIT=N]
                 write a generated year of contact requests (for measurements)
  sotepe generate --db … --year 2024 [--scale 1.0] [--seed 1] [--units 349]
                 write a generated year of the whole sector (service events,
                 chats, contact requests, feedback, rescue, staff, economy,
                 contracts, population and participation) whose totals
                 follow the sector's 2024 figures times the scale
  sotepe import events --db … [--source NAME] [--skip-bad-rows] FILE.csv
                 import service events from CSV (all rows or none by default)
  sotepe import rescue-missions --db … --file FILE.csv [--lang fi|sv|en]
                 import rescue missions from CSV (all or none; a bad line is named)
  sotepe import employments|budget --db … [--lang fi|sv|en] FILE.csv
                 import HR's employments or finance's budget lines (all or none)
  sotepe admin create-client --db … --name NAME --scope events:write
                 create an integration client; prints its API token once
  sotepe admin revoke-client --db … --name NAME
  sotepe report  --db … --year 2024 [--lang fi|sv|en] [--format html|pdf|json] [--out FILE]
                 the annual report "the sector's year"; pdf needs chromium
                 (SOTEPE_CHROMIUM or chromium on PATH)
  sotepe version print the version
  sotepe help    this text

Environment: SOTEPE_ADDR, SOTEPE_DB, SOTEPE_LOG_LEVEL (debug|info|warn|error),
SOTEPE_SECURE_COOKIES (true|false). Flags win over the environment.
`)
}
