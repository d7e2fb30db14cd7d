// Command screenshots starts `sotepe demo` on a fresh temporary database,
// signs in as the demo users, and saves PNGs of the main pages at 390 and
// 1280 CSS pixels into docs/screenshots/ (page-width.png, Finnish pages). For
// every page it prints the document's width (scrollWidth) beside the
// viewport's at 320, 390 and 1280 px, and names the widest elements of a
// page that scrolls sideways, so overflow is seen at a glance.
//
// Run it from the module root:
//
//	go run ./internal/cmd/screenshots
//
// It needs Debian's chromium (or SOTEPE_TEST_CHROMIUM naming a chromium).
// It is a tool for people; cmd/sotepe does not import chromedp.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"sotepe/internal/demoproc"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

// page is one page to capture: its file name and how to get there once
// signed in (a path, or steps that end on the page).
type page struct {
	name  string
	path  string
	steps func(base string) chromedp.Action[chromedp.Void]
}

// visit is one demo user (empty: signed out) and the pages they see.
type visit struct {
	user  string
	setup func(base string) chromedp.Action[chromedp.Void]
	pages []page
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("screenshots", flag.ContinueOnError)
	out := fs.String("out", filepath.Join("docs", "screenshots"), "directory for the PNGs")
	measureOnly := fs.Bool("measure", false, "only print the widths; save no PNGs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	chromium := os.Getenv("SOTEPE_TEST_CHROMIUM")
	if chromium == "" {
		chromium, _ = exec.LookPath("chromium")
	}
	if chromium == "" {
		return errors.New("no chromium: install Debian's chromium or set SOTEPE_TEST_CHROMIUM")
	}
	tmp, err := os.MkdirTemp("", "sotepe-screenshots")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	binary := filepath.Join(tmp, "sotepe")
	if b, err := exec.Command("go", "build", "-o", binary, "./cmd/sotepe").CombinedOutput(); err != nil {
		return fmt.Errorf("build sotepe: %v\n%s", err, b)
	}
	base, stop, err := startDemo(binary, filepath.Join(tmp, "demo.db"))
	if err != nil {
		return err
	}
	defer stop()
	if !*measureOnly {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(tmp, "chromium")),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("hide-scrollbars", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if _, err := chromedp.Run(browser, chromedp.Navigate("about:blank")); err != nil {
		return fmt.Errorf("start chromium: %w", err)
	}

	fmt.Fprintf(stdout, "%-22s %13s %13s %13s\n", "page", "320", "390", "1280")
	overflow := 0
	for _, v := range visits() {
		// Each user gets a browser context of their own: no cookies shared.
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
		err := func() error {
			if _, err := chromedp.Run(ctx, signIn(base, v.user)); err != nil {
				return fmt.Errorf("sign in as %q: %w", v.user, err)
			}
			if v.setup != nil {
				if _, err := chromedp.Run(ctx, v.setup(base)); err != nil {
					return fmt.Errorf("set up %q: %w", v.user, err)
				}
			}
			for _, p := range v.pages {
				n, err := capture(ctx, stdout, base, p, *out, *measureOnly)
				if err != nil {
					return fmt.Errorf("%s: %w", p.name, err)
				}
				overflow += n
			}
			return nil
		}()
		cancelTimeout()
		cancel()
		if err != nil {
			return err
		}
	}
	if overflow > 0 {
		fmt.Fprintf(stdout, "%d page widths scroll sideways\n", overflow)
	}
	return nil
}

// startDemo runs `sotepe demo` on a free loopback port and returns its
// address and a function that stops it.
func startDemo(binary, db string) (string, func(), error) {
	p, err := demoproc.Start(binary, []string{"demo", "--addr", "127.0.0.1:0", "--db", db}, 90*time.Second, nil)
	if err != nil {
		return "", nil, err
	}
	return p.URL, func() { _ = p.Stop() }, nil
}

// signIn chooses Finnish and, for a user, signs in with the demo password.
func signIn(base, user string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base + "/?lang=fi"),
	}
	if user != "" {
		steps = append(steps,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.SendKeys(chromedp.ID("password"), "demo"),
			chromedp.Click(chromedp.ID("login-submit")),
			chromedp.WaitVisible(chromedp.ID("nav-me")),
		)
	}
	return chromedp.Steps(steps...)
}

// follow opens the first link that matches sel on the page at path.
func follow(path, sel string) func(string) chromedp.Action[chromedp.Void] {
	return func(base string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(base+path),
			chromedp.Click(chromedp.CSS(sel)),
			chromedp.WaitReady(chromedp.CSS("main h1")),
		)
	}
}

func visits() []visit {
	return []visit{
		{"", nil, []page{
			{name: "home", path: "/"},
			{name: "units", path: "/units"},
			{name: "unit", steps: follow("/units", "#results li a")},
			{name: "services", path: "/services"},
			{name: "login", path: "/login"},
			{name: "contact", path: "/contact"},
		}},
		{"anna", sendRequest, []page{
			{name: "requests", path: "/requests"},
			{name: "request", steps: follow("/requests", `#my-requests a[href^="/requests/"]`)},
			{name: "assessment", steps: func(base string) chromedp.Action[chromedp.Void] {
				return chromedp.Steps(
					chromedp.Navigate(base+"/assessments"),
					chromedp.Click(chromedp.CSS(`main li a[id^="assess-"]`)),
					chromedp.Click(chromedp.ID("assess-start")),
					chromedp.WaitVisible(chromedp.ID("question-form")),
				)
			}},
			{name: "appointments", steps: func(base string) chromedp.Action[chromedp.Void] {
				return chromedp.Steps(
					chromedp.Navigate(base+"/appointments/new"),
					chromedp.WaitReady(chromedp.ID("slot-search")),
					chooseFirst("service"),
					chromedp.Click(chromedp.ID("search-times")),
					chromedp.WaitReady(chromedp.CSS("#free-times, #no-times")),
				)
			}},
			{name: "chat", path: "/chat"},
		}},
		{"nurse", nil, []page{
			{name: "queue", path: "/queue"},
			{name: "calendar", path: "/staff/calendar?view=week&date=" + nextMonday()},
		}},
		{"analyst", nil, []page{
			{name: "dashboard", path: "/dashboard"},
			{name: "stats", path: "/stats/contact-requests"},
			{name: "stats-assessments", path: "/stats/assessments"},
		}},
	}
}

// nextMonday is the date of the next Monday, a working week with times in
// the demo's calendar.
func nextMonday() string {
	d := time.Now().AddDate(0, 0, 1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format(time.DateOnly)
}

// chooseFirst chooses the first option with a value in the select #id.
func chooseFirst(id string) chromedp.Action[chromedp.Void] {
	return void(chromedp.Evaluate[bool](`(() => { const s = document.getElementById('` + id + `'); s.value = s.querySelector('option:not([value=""])').value; return true; })()`))
}

// sendRequest sends a contact request, so the resident has one to show.
func sendRequest(base string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/requests/new"),
		chromedp.WaitReady(chromedp.ID("service")),
		chooseFirst("service"),
		chromedp.Click(chromedp.ID("choose-service")),
		chromedp.WaitReady(chromedp.ID("message")),
		// To the nurse's unit, so the queue has a row to show.
		void(chromedp.Evaluate[bool](`(() => { const s = document.getElementById('unit'); const o = [...s.options].find(o => o.text.includes('Kallio')); if (o) s.value = o.value; return true; })()`)),
		chromedp.SendKeys(chromedp.ID("message"), "Haluaisin ajan hammastarkastukseen."),
		chromedp.Click(chromedp.ID("send-request")),
		chromedp.WaitReady(chromedp.CSS("main h1")),
	)
}

// void runs a and drops its value.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// widths are the viewports measured; shots the ones saved as PNGs, with
// the viewport's height.
var (
	widths = []int64{320, 390, 1280}
	shots  = map[int64]int64{390: 844, 1280: 900}
)

// overflowJS reports the document's width and, when it is wider than the
// viewport, the deepest elements that reach past the viewport's right edge.
const overflowJS = `(() => {
  const vw = document.documentElement.clientWidth;
  const sw = document.documentElement.scrollWidth;
  let wide = [];
  if (sw > vw) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 1 && r.width > 0 && ![...el.children].some(c => c.getBoundingClientRect().right > vw + 1)) {
        let n = el.tagName.toLowerCase();
        if (el.id) n += '#' + el.id; else if (el.className && typeof el.className === 'string') n += '.' + el.className.trim().split(/\s+/).join('.');
        const p = el.closest('[id]');
        if (p && p !== el) n = '#' + p.id + ' ' + n;
        wide.push(n + '(' + Math.round(r.right) + ')');
      }
    }
  }
  return {sw, vw, wide: [...new Set(wide)].slice(0, 4)};
})()`

type measure struct {
	SW   int64    `json:"sw"`
	VW   int64    `json:"vw"`
	Wide []string `json:"wide"`
}

// capture measures p at every width and saves its PNGs; it returns how many
// widths scroll sideways.
func capture(ctx context.Context, stdout io.Writer, base string, p page, out string, measureOnly bool) (int, error) {
	var cols []string
	var notes []string
	overflow := 0
	for _, w := range widths {
		h := shots[w]
		if h == 0 {
			h = 800
		}
		steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(w, h)}
		if p.steps != nil {
			steps = append(steps, p.steps(base))
		} else {
			steps = append(steps, chromedp.Navigate(base+p.path))
		}
		pctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		_, err := chromedp.Run(pctx, chromedp.Steps(steps...))
		cancel()
		if err != nil {
			return 0, err
		}
		if _, err := chromedp.Run(ctx, chromedp.WaitReady(chromedp.CSS("body > footer"))); err != nil {
			return 0, err
		}
		m, err := chromedp.Run(ctx, chromedp.Evaluate[measure](overflowJS))
		if err != nil {
			return 0, err
		}
		mark := " "
		if m.SW > m.VW {
			mark = "!"
			overflow++
			notes = append(notes, fmt.Sprintf("    %d: %s", w, strings.Join(m.Wide, " ")))
		}
		cols = append(cols, fmt.Sprintf("%5d/%-5d%s", m.SW, m.VW, mark))
		if _, ok := shots[w]; ok && !measureOnly {
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				return 0, err
			}
			if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("%s-%d.png", p.name, w)), png, 0o644); err != nil {
				return 0, err
			}
		}
	}
	fmt.Fprintf(stdout, "%-22s %s\n", p.name, strings.Join(cols, " "))
	for _, n := range notes {
		fmt.Fprintln(stdout, n)
	}
	return overflow, nil
}
