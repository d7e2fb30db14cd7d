package demoproc_test

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"testing"
	"time"

	"sotepe/internal/demoproc"
)

// TestMain lets the test binary stand in for sotepe: with DEMOPROC_CHILD
// set to "serve" it writes a line and the "listening on" line and waits
// for SIGINT; with "exit" it ends at once.
func TestMain(m *testing.M) {
	switch os.Getenv("DEMOPROC_CHILD") {
	case "serve":
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt)
		fmt.Println("sotepe demo: migrating")
		fmt.Println("sotepe demo: listening on http://127.0.0.1:4321 (demo data)")
		<-stop
		os.Exit(0)
	case "exit":
		fmt.Fprintln(os.Stderr, "no database")
		os.Exit(3)
	}
	os.Exit(m.Run())
}

func TestStartReadsTheAddressAndStops(t *testing.T) {
	t.Setenv("DEMOPROC_CHILD", "serve")
	p, err := demoproc.Start(os.Args[0], []string{"demo"}, 30*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != "http://127.0.0.1:4321" {
		t.Errorf("URL %q", p.URL)
	}
	if err := p.Stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if err := p.Stop(); err != nil {
		t.Errorf("a second stop: %v", err)
	}
}

func TestStartSaysWhenTheProcessEndsFirst(t *testing.T) {
	t.Setenv("DEMOPROC_CHILD", "exit")
	_, err := demoproc.Start(os.Args[0], []string{"demo"}, 30*time.Second, nil)
	if err == nil || !strings.Contains(err.Error(), "ended before it served") {
		t.Errorf("a process that ends at once: %v", err)
	}
}
