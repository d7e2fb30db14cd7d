package morning

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Build compiles the sotepe command into dir and returns the binary's
// path. It runs `go build` in the module, so the caller's working
// directory must be inside it (a test's is).
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "sotepe")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "sotepe/cmd/sotepe").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("morning: go build: %v\n%s", err, out)
	}
	return bin, nil
}

// Seed fills the database at db with the demo network, people and free
// times by starting `sotepe demo` on it once and stopping it when it
// listens; extra are its further flags (e.g. --units 349).
func Seed(ctx context.Context, bin, db string, extra ...string) error {
	p, err := startProcess(ctx, bin, nil, append([]string{"demo", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn"}, extra...)...)
	if err != nil {
		return err
	}
	return p.Stop()
}

// Process is one running sotepe.
type Process struct {
	// Addr is where it listens, host:port.
	Addr   string
	cmd    *exec.Cmd
	done   chan struct{}
	mu     sync.Mutex
	output strings.Builder
}

// startProcess starts bin with args and env (added to this process's) and
// waits until it says where it listens, at most two minutes.
func startProcess(ctx context.Context, bin string, env []string, args ...string) (*Process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	cmd.Stderr = writerFunc(p.keep)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			p.keep([]byte(line + "\n"))
			if _, rest, ok := strings.Cut(line, "listening on http://"); ok {
				a, _, _ := strings.Cut(rest, " ")
				select {
				case addr <- a:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { cmd.Wait(); close(p.done) }()
	select {
	case p.Addr = <-addr:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("morning: %s %s ended before listening:\n%s", filepath.Base(bin), args[0], p.Output())
	case <-time.After(2 * time.Minute):
	case <-ctx.Done():
	}
	p.Kill()
	return nil, fmt.Errorf("morning: %s %s did not listen in time:\n%s", filepath.Base(bin), args[0], p.Output())
}

type writerFunc func([]byte)

func (f writerFunc) Write(b []byte) (int, error) { f(b); return len(b), nil }

func (p *Process) keep(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.output.Len() < 1<<20 {
		p.output.Write(b)
	}
}

// Output is what the process wrote so far (its first MiB).
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

// Pid is the process's id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// PeakRSS is the process's peak resident memory (VmHWM) in bytes.
func (p *Process) PeakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid()))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("morning: no VmHWM in /proc status")
}

// Kill ends the process at once (SIGKILL), as a crash or the kernel's OOM
// killer would, and waits for it.
func (p *Process) Kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop asks the process to shut down gracefully (SIGTERM) and waits for
// it, at most 30 seconds before killing it.
func (p *Process) Stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(30 * time.Second):
		p.Kill()
		return errors.New("morning: a process did not stop in 30 s")
	}
}

// Cluster is several `sotepe serve` processes on one database behind
// haproxy, balancing round-robin.
type Cluster struct {
	// URL is the proxy's address, http://host:port.
	URL       string
	Processes []*Process
	haproxy   *Process
}

// ClusterConfig says what to start.
type ClusterConfig struct {
	// Binary is the sotepe command (Build), DB the database they share,
	// Processes how many to run (at least 1).
	Binary, DB string
	Processes  int
	// Env is added to each process's environment (SOTEPE_SMTP_ADDR, GOGC …).
	Env []string
	// Dir holds haproxy's configuration.
	Dir string
	// Servers, when set, are the addresses haproxy balances over instead
	// of sotepe processes (a bare baseline, Bare); no process is started.
	Servers []string
}

// StartCluster starts the processes, one at a time (the first migrates),
// and haproxy in front, and returns when the proxy answers. The processes
// run `serve --test-idp --secure-cookies=false`: the demo's people sign in
// with the demo password over plain HTTP on loopback. An error stops what
// was started.
func StartCluster(ctx context.Context, cfg ClusterConfig) (_ *Cluster, err error) {
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		return nil, errors.New("morning: haproxy is not installed (apt-get install haproxy)")
	}
	c := &Cluster{}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	env := append([]string{"SOTEPE_LOG_LEVEL=warn"}, cfg.Env...)
	addrs := cfg.Servers
	for range max(cfg.Processes, 1) {
		if len(cfg.Servers) > 0 {
			break
		}
		p, err := startProcess(ctx, cfg.Binary, env, "serve", "--db", cfg.DB, "--addr", "127.0.0.1:0", "--test-idp", "--secure-cookies=false")
		if err != nil {
			return nil, err
		}
		c.Processes = append(c.Processes, p)
		addrs = append(addrs, p.Addr)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	c.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	conf := filepath.Join(cfg.Dir, "haproxy.cfg")
	if err := os.WriteFile(conf, []byte(haproxyConfig(port, addrs)), 0o600); err != nil {
		return nil, err
	}
	// haproxy -db stays in the foreground; it prints nothing on start, so
	// readiness is its answer on the front port.
	cmd := exec.Command(haproxy, "-db", "-f", conf)
	hp := &Process{cmd: cmd, done: make(chan struct{}), Addr: "127.0.0.1:" + strconv.Itoa(port)}
	cmd.Stdout, cmd.Stderr = writerFunc(hp.keep), writerFunc(hp.keep)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(hp.done) }()
	c.haproxy = hp
	for deadline := time.Now().Add(20 * time.Second); ; {
		if r, err := http.Get(c.URL + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		select {
		case <-hp.done:
			return nil, fmt.Errorf("morning: haproxy ended:\n%s", hp.Output())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("morning: haproxy did not answer in 20 s:\n%s", hp.Output())
		}
	}
}

// haproxyConfig balances round-robin over the processes, checks each
// every 300 ms and takes one out at its first failed check; a request
// whose connection to a process fails is sent to another (only then: a
// request a process received is never sent twice).
func haproxyConfig(port int, addrs []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
	maxconn 4096
defaults
	mode http
	timeout connect 2s
	timeout client 60s
	timeout server 60s
	retries 3
	option redispatch
	retry-on conn-failure
frontend morning
	bind 127.0.0.1:%d
	default_backend sotepe
backend sotepe
	balance roundrobin
	option httpchk GET /healthz
	http-check expect status 200
	default-server inter 300ms fall 1 rise 2
`, port)
	for i, a := range addrs {
		fmt.Fprintf(&b, "\tserver s%d %s check\n", i, a)
	}
	return b.String()
}

// freePort returns a TCP port on loopback that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Close stops haproxy and every process still running.
func (c *Cluster) Close() {
	if c.haproxy != nil {
		c.haproxy.Kill()
	}
	for _, p := range c.Processes {
		select {
		case <-p.done:
		default:
			p.Stop()
		}
	}
}
