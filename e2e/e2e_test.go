// Package e2e drives the real sotepe binary, on its real embedded database
// with the demo data: through a real headless chromium, as a person would,
// and through HTTP while the process is killed. The browser tests skip when
// chromium is absent (set SOTEPE_TEST_CHROMIUM to its path, or have
// `chromium` on PATH); .ci/run installs it so nothing skips in CI.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sotepe/internal/demoproc"
)

// binary is the sotepe binary TestMain builds once for every test.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sotepe-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sotepe")
	build := exec.Command("go", "build", "-o", binary, "sotepe/cmd/sotepe")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build sotepe: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// app is a running `sotepe demo`.
type app struct {
	URL string
}

// startApp starts `sotepe demo` on a free loopback
// port with a fresh database; it is stopped with SIGINT when the test ends.
func startApp(t *testing.T) app {
	t.Helper()
	return startAppWith(t)
}

// startAppWith starts `sotepe demo` as startApp does, with extra flags.
func startAppWith(t *testing.T, extra ...string) app {
	t.Helper()
	args := append([]string{"demo", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "demo.db")}, extra...)
	p, err := demoproc.Start(binary, args, 60*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	return app{URL: p.URL}
}

// browser returns a chromedp context on a fresh headless chromium, or skips
// the test when there is no chromium.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserWith(t)
}

// browserWith returns a browser as browser does, started with extra
// options.
func browserWith(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromiumOptions(t, t.TempDir()), extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	// The first run starts chromium, which lives as long as the context of
	// that run: here the test's 90 seconds, so that do may bound each of
	// its calls with a shorter timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// chromiumOptions are the flags every test's headless chromium starts
// with, its profile in userDataDir. It skips the test when there is no
// chromium.
func chromiumOptions(t *testing.T, userDataDir string) []chromedp.ExecAllocatorOption {
	t.Helper()
	path := os.Getenv("SOTEPE_TEST_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		t.Skip("browser test: no chromium (install Debian's chromium or set SOTEPE_TEST_CHROMIUM)")
	}
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(userDataDir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
	)
}

// stepLimit bounds one call of do: a step that waits for what never comes
// (a button a refusal left on the page) then fails while the browser can
// still tell where it is.
const stepLimit = 60 * time.Second

// do runs browser steps and fails the test on the first error, saying
// which page the browser was on and what its alerts said.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepLimit)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("%s: %v%s", what, err, pageState(ctx))
	}
}

// pageState is the browser's page and the text of its alerts and status
// messages, for the message of a failed step; "" when the browser cannot
// say (the test's own time is up).
func pageState(ctx context.Context) string {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(qctx, chromedp.Evaluate[string](`location.pathname + location.search + " " +
		JSON.stringify(Array.from(document.querySelectorAll("[role=alert], [role=status]"), e => e.innerText.trim()).filter(Boolean))`))
	if err != nil {
		return ""
	}
	return "\n\tthe page and its alerts: " + s
}

// read runs one browser action that returns a value.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return v
}

func TestErikSignsInAndSeesSwedish(t *testing.T) {
	ctx := browser(t)
	a := startApp(t)
	do(t, ctx, "sign in as erik", append(signInSteps(a, "erik"),
		chromedp.Navigate(a.URL+"/me"),
		chromedp.WaitVisible(chromedp.ID("me-heading")),
	)...)
	heading := text(t, ctx, "me-heading")
	htmlLang := read(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value
	nav := read(t, ctx, chromedp.Text(chromedp.CSS("header nav")))
	if htmlLang != "sv" {
		t.Errorf("erik's interface is in %q, want sv", htmlLang)
	}
	if !strings.HasPrefix(heading, "Hej, Erik") {
		t.Errorf("heading %q, want the Swedish greeting with Erik's name", heading)
	}
	if !strings.Contains(nav, "Logga ut") || !strings.Contains(nav, "Verksamhetsställen") {
		t.Errorf("navigation not in Swedish: %q", nav)
	}
}

func TestDirectoryFindsASwedishSpeakingUnit(t *testing.T) {
	ctx := browser(t)
	a := startApp(t)
	do(t, ctx, "search for Swedish service",
		chromedp.Navigate(a.URL+"/units?lang=sv"),
		chromedp.WaitVisible(chromedp.ID("language")),
		chromedp.SetValue(chromedp.ID("language"), "sv"),
		chromedp.Click(chromedp.ID("search")),
		// Only the answer to the search has Swedish chosen in the form.
		chromedp.WaitReady(chromedp.CSS(`#language option[value="sv"][selected]`)),
		chromedp.WaitVisible(chromedp.ID("results")),
	)
	results := text(t, ctx, "results")
	do(t, ctx, "open the first unit",
		chromedp.Click(chromedp.CSS("#results li a")),
		chromedp.WaitVisible(chromedp.ID("unit-languages")),
	)
	languages := text(t, ctx, "unit-languages")
	if !strings.Contains(results, "svenska") {
		t.Errorf("results do not show Swedish service: %.200q", results)
	}
	if !strings.Contains(languages, "svenska") {
		t.Errorf("the unit found serves %q, not svenska", languages)
	}
}

func TestLanguageSwitchKeepsThePage(t *testing.T) {
	ctx := browser(t)
	a := startApp(t)
	do(t, ctx, "switch language on a search",
		chromedp.Navigate(a.URL+"/units?q=kallio&lang=fi"),
		chromedp.WaitVisible(chromedp.ID("results")),
		chromedp.Click(chromedp.ID("lang-sv")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="sv"]`)),
		chromedp.WaitVisible(chromedp.ID("results")),
	)
	loc := read(t, ctx, chromedp.Location())
	value := read(t, ctx, chromedp.Value(chromedp.ID("q")))
	if !strings.Contains(loc, "/units?") || value != "kallio" {
		t.Errorf("after switching: location %s, search %q", loc, value)
	}
	do(t, ctx, "another page", chromedp.Navigate(a.URL+"/services"), chromedp.WaitVisible(chromedp.ID("main")))
	if again := read(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value; again != "sv" {
		t.Errorf("the choice was not remembered: %s", again)
	}
}
