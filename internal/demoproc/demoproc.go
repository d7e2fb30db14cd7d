// Package demoproc runs the sotepe binary as a child process, for the
// browser tests (e2e) and the screenshots (internal/cmd/screenshots): it
// starts a server subcommand, reads the server's address from its
// "listening on" line, and stops it as an operator would, with SIGINT.
package demoproc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"time"
)

// listening is the line a server subcommand writes once it serves.
var listening = regexp.MustCompile(`listening on (http://\S+)`)

// stopWithin is how long Stop waits after SIGINT before it kills.
const stopWithin = 20 * time.Second

// Proc is a running server subcommand of the sotepe binary.
type Proc struct {
	// URL is the server's base address, "http://127.0.0.1:port".
	URL    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended
	err    error         // how it ended, once exited is closed
}

// Start runs binary with args (a server subcommand such as `demo --addr
// 127.0.0.1:0 --db …`) and waits at most wait for its "listening on" line.
// What the process writes to standard output after that line is
// discarded; its standard error goes to stderr when not nil.
func Start(binary string, args []string, wait time.Duration, stderr io.Writer) (*Proc, error) {
	cmd := exec.Command(binary, args...)
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Proc{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				_, _ = io.Copy(io.Discard, stdout)
				break
			}
		}
		p.err = cmd.Wait()
		close(p.exited)
	}()
	select {
	case p.URL = <-addr:
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("sotepe %s ended before it served: %v", args[0], p.err)
	case <-time.After(wait):
		_ = p.Stop()
		return nil, fmt.Errorf("sotepe %s did not start within %s", args[0], wait)
	}
}

// Stop sends SIGINT and waits for the process to end, at most 20 s; then
// it kills the process and says so. Stopping a stopped process does
// nothing.
func (p *Proc) Stop() error {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopWithin):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return errors.New("sotepe did not stop within 20 s of SIGINT")
	}
}
