// Command barechat serves the chat baseline of package bare (bare.ChatServer)
// in a process of its own, so that the chat load benchmark measures its
// memory and CPU the way it measures sotepe's: it opens the database --db
// names (a SQLite file, or a postgres:// URL), listens on --addr and prints
// "listening on http://ADDRESS" once it serves. It runs until it is killed
// or interrupted. It runs with the collector's settings of `sotepe serve`
// (GOGC=400 and a soft memory limit of 120 MiB, unless the environment sets
// them). Only the benchmark uses it.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"sotepe/internal/bare"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "barechat:", err)
		os.Exit(1)
	}
}

func run() error {
	db := flag.String("db", "", "a SQLite file or a postgres:// URL")
	addr := flag.String("addr", "127.0.0.1:0", "where to listen")
	flag.Parse()
	if *db == "" {
		return fmt.Errorf("--db is required")
	}
	// The runtime settings of `sotepe serve` and `sotepe demo`, so that
	// the two differ in what they do, not in how their collector runs.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(120 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := bare.NewChat(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s}
	failed := make(chan error, 2)
	go func() { failed <- srv.Serve(ln) }()
	go func() {
		if err := s.ListenChats(ctx); err != nil {
			failed <- fmt.Errorf("listen for chats: %w", err)
		}
	}()
	fmt.Printf("listening on http://%s\n", ln.Addr())
	select {
	case <-ctx.Done():
		return nil
	case err := <-failed:
		return err
	}
}
