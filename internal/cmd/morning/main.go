// Command morning runs the morning load (package internal/morning) against
// one or more `sotepe serve` processes on one database behind haproxy, and
// prints the p99 per route, the sustained rate, the peak RSS of each
// process and whether every acknowledged write is in the database. It is
// how docs/scaling.md and the "Morning load" section of docs/benchmarks.md
// were measured:
//
//	go run ./internal/cmd/morning -db 'postgres://…' -processes 3 -workers 32 -duration 60s
//	go run ./internal/cmd/morning -db /tmp/morning.db -processes 1 -peaks 10 -duration 60s
//
// The database is seeded with the demo (`sotepe demo` once) unless -seed
// is false; -units widens its network. Run it from the module's root, on
// loopback only.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"time"

	"sotepe/internal/morning"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "morning:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		db        = flag.String("db", "", "the database the processes share: a SQLite file path or a postgres:// URL")
		processes = flag.Int("processes", 1, "how many sotepe serve processes to run behind haproxy")
		rate      = flag.Float64("rate", 0, "actions per second (open model); 0 runs -workers back to back")
		peaks     = flag.Float64("peaks", 0, "actions per second as this many times the city's peak hour (instead of -rate)")
		workers   = flag.Int("workers", 32, "users acting back to back when no rate is given (closed loop)")
		duration  = flag.Duration("duration", 60*time.Second, "how long to play the morning")
		warmup    = flag.Duration("warmup", 5*time.Second, "a closed-loop warm-up before the measured run")
		reference = flag.String("reference", "yeargen/data/reference-2024.json", "the 2024 reference figures the mix is derived from")
		seed      = flag.Bool("seed", true, "fill the database with the demo first (sotepe demo)")
		units     = flag.Int("units", 0, "with -seed, widen the demo network to this many units")
		gogc      = flag.String("gogc", "", "GOGC for the processes (their default when empty)")
		target    = flag.String("url", "", "play the morning against this running server instead of starting any (no -db needed; nothing is verified)")
		signIns   = flag.Bool("sign-ins", true, "play the mix's sign-ins (argon2id password checks); false keeps the sessions of the first few, as residents signing in through OpenID Connect cost no password check")
		bare      = flag.Bool("bare", false, "the baseline: -processes bare servers in this process (morning.Bare) behind the same haproxy, no sotepe, no database")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	mix, err := morning.ReadMix(*reference)
	if err != nil {
		return err
	}
	if !*signIns {
		mix.SignIns = 0
	}
	fmt.Println("mix:", mix)
	if *target != "" {
		if *peaks > 0 {
			*rate = *peaks * mix.PeakRate()
		}
		rep, err := morning.Run(ctx, morning.Config{BaseURL: *target, Mix: mix, Rate: *rate, Workers: *workers, Duration: *duration})
		if err != nil {
			return err
		}
		fmt.Printf("%s, %s:\n%s", *target, *duration, rep)
		return nil
	}
	if *db == "" && !*bare {
		flag.Usage()
		return fmt.Errorf("-db is required")
	}
	dir, err := os.MkdirTemp("", "morning")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *bare {
		return runBare(ctx, mix, dir, *processes, *rate, *peaks, *workers, *duration)
	}
	bin, err := morning.Build(ctx, dir)
	if err != nil {
		return err
	}
	if *seed {
		var extra []string
		if *units > 0 {
			extra = append(extra, "--units", fmt.Sprint(*units))
		}
		if err := morning.Seed(ctx, bin, *db, extra...); err != nil {
			return err
		}
	}
	var env []string
	if *gogc != "" {
		env = append(env, "GOGC="+*gogc)
	}
	c, err := morning.StartCluster(ctx, morning.ClusterConfig{Binary: bin, DB: *db, Processes: *processes, Dir: dir, Env: env})
	if err != nil {
		return err
	}
	defer c.Close()
	if *peaks > 0 {
		*rate = *peaks * mix.PeakRate()
	}
	if *warmup > 0 {
		if _, err := morning.Run(ctx, morning.Config{BaseURL: c.URL, Mix: mix, Workers: 8, Duration: *warmup}); err != nil {
			return err
		}
	}
	rep, err := morning.Run(ctx, morning.Config{BaseURL: c.URL, Mix: mix, Rate: *rate, Workers: *workers, Duration: *duration})
	if err != nil {
		return err
	}
	load := fmt.Sprintf("%d workers", *workers)
	if *rate > 0 {
		load = fmt.Sprintf("%.1f actions/s (%.2f × the peak hour)", *rate, *rate/mix.PeakRate())
	}
	fmt.Printf("%d process(es) on %s, %s, %s:\n%s", *processes, engine(*db), load, *duration, rep)
	for i, p := range c.Processes {
		rss, err := p.PeakRSS()
		if err != nil {
			return err
		}
		fmt.Printf("process %d: peak RSS %.1f MB\n", i, float64(rss)/1e6)
	}
	lost, err := morning.Verify(ctx, *db, rep)
	if err != nil {
		return err
	}
	if !lost.Empty() {
		return fmt.Errorf("acknowledged but not in the database: %d contact requests, %d bookings", len(lost.Contacts), len(lost.Appointments))
	}
	fmt.Println("every acknowledged write is in the database")
	return nil
}

// runBare plays the morning against bare servers behind haproxy.
func runBare(ctx context.Context, mix morning.Mix, dir string, n int, rate, peaks float64, workers int, duration time.Duration) error {
	var addrs []string
	for range max(n, 1) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		go morning.Bare(ln)
		addrs = append(addrs, ln.Addr().String())
	}
	c, err := morning.StartCluster(ctx, morning.ClusterConfig{Servers: addrs, Dir: dir})
	if err != nil {
		return err
	}
	defer c.Close()
	if peaks > 0 {
		rate = peaks * mix.PeakRate()
	}
	rep, err := morning.Run(ctx, morning.Config{BaseURL: c.URL, Mix: mix, Rate: rate, Workers: workers, Duration: duration})
	if err != nil {
		return err
	}
	fmt.Printf("%d bare server(s), %d workers, %s:\n%s", len(addrs), workers, duration, rep)
	return nil
}

func engine(db string) string {
	if len(db) > 11 && db[:11] == "postgres://" {
		return "PostgreSQL"
	}
	return "SQLite"
}
