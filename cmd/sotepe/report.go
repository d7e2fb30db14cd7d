package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"

	"sotepe"
	"sotepe/i18n"
	"sotepe/report"
	"sotepe/store"
	"sotepe/web"
	"sotepe/workday"
)

// runReport writes the annual report "the sector's year" of a year: as JSON
// (the figures as data), as HTML (the page /report/YEAR serves, with its
// style sheets inlined so the file stands alone) or as PDF (that page
// printed by headless chromium: SOTEPE_CHROMIUM, or `chromium` on PATH).
func runReport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("report", getenv, stderr, &c, "", "")
	year := fs.Int("year", time.Now().Year()-1, "the year of the report")
	lang := fs.String("lang", "fi", "the language: fi, sv or en")
	format := fs.String("format", "html", "html, pdf or json")
	out := fs.String("out", "", "write to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.db == "" {
		return errors.New("--db is required (a SQLite file path or a postgres:// URL)")
	}
	if l := sotepe.Lang(*lang); l != sotepe.Finnish && l != sotepe.Swedish && l != sotepe.English {
		return fmt.Errorf("--lang %q: use fi, sv or en", *lang)
	}
	if *year < 2000 || *year > 2100 {
		return fmt.Errorf("--year %d: use a year from 2000 to 2100", *year)
	}
	var chromium string
	switch *format {
	case "json", "html":
	case "pdf":
		// Find the browser before any work, so its absence is the error.
		var err error
		if chromium, err = chromiumPath(getenv); err != nil {
			return err
		}
	default:
		return fmt.Errorf("--format %q: use html, pdf or json", *format)
	}
	// The in-process server logs each request at info; a command line
	// wants only what went wrong.
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: max(c.logLevel, slog.LevelWarn)}))
	st, err := openStore(ctx, c.db, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	cal, err := workday.NewLive(ctx, st)
	if err != nil {
		return err
	}

	var body []byte
	switch *format {
	case "json":
		inds, err := report.Load()
		if err != nil {
			return err
		}
		org, err := report.LoadOrg(ctx, st)
		if err != nil {
			return err
		}
		a, err := report.BuildAnnual(ctx, report.Gatherer{Store: st, Org: org, Now: time.Now, WorkingTime: cal.Get().WorkingHoursBetween}, inds, *year)
		if err != nil {
			return err
		}
		if body, err = json.MarshalIndent(a.JSON(), "", "  "); err != nil {
			return err
		}
		body = append(body, '\n')
	default:
		h, err := reportHandler(st, cal, logger)
		if err != nil {
			return err
		}
		path := "/report/" + strconv.Itoa(*year) + "?lang=" + *lang
		if *format == "html" {
			body, err = standaloneHTML(h, path)
		} else {
			body, err = printPDF(ctx, h, path, chromium)
		}
		if err != nil {
			return err
		}
	}
	if *out == "" {
		_, err = stdout.Write(body)
		return err
	}
	return os.WriteFile(*out, body, 0o644)
}

// reportHandler is a sotepe web server over st, enough to render the report
// page; it answers in-process, never on a network.
func reportHandler(st *store.Store, cal *workday.Live, logger *slog.Logger) (http.Handler, error) {
	cat, err := i18n.New()
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return nil, err
	}
	svcs, err := newServices(context.Background(), st, st, cal, logger, false)
	if err != nil {
		return nil, err
	}
	wc := svcs.web
	wc.Catalog, wc.Location = cat, loc
	return web.New(wc)
}

// get answers one GET of path from h, or an error for any status but 200.
func get(h http.Handler, path string) ([]byte, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("report: GET %s answered %d", path, rec.Code)
	}
	return rec.Body.Bytes(), nil
}

var stylesheet = regexp.MustCompile(`<link rel="stylesheet" href="(/static/[a-z_]+\.css)">`)

// standaloneHTML renders the page and puts its style sheets inside it.
func standaloneHTML(h http.Handler, path string) ([]byte, error) {
	page, err := get(h, path)
	if err != nil {
		return nil, err
	}
	var failed error
	page = stylesheet.ReplaceAllFunc(page, func(link []byte) []byte {
		css, err := get(h, string(stylesheet.FindSubmatch(link)[1]))
		if err != nil {
			failed = err
			return link
		}
		return append(append([]byte("<style>\n"), css...), "</style>"...)
	})
	return page, failed
}

// chromiumPath finds the browser that prints PDFs.
func chromiumPath(getenv func(string) string) (string, error) {
	if p := getenv("SOTEPE_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("SOTEPE_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		return "", errors.New("the PDF is printed by headless chromium, which was not found: install it (Debian: apt-get install chromium) or set SOTEPE_CHROMIUM to its path")
	}
	return p, nil
}

// printPDF serves h on a loopback port for the time it takes headless
// chromium to load path and print it on A4.
func printPDF(ctx context.Context, h http.Handler, path, chromium string) ([]byte, error) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	dir, err := os.MkdirTemp("", "sotepe-pdf")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.ID("annual-report"))); err != nil {
		return nil, fmt.Errorf("report: load the page in chromium: %w", err)
	}
	pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
	if err != nil {
		return nil, fmt.Errorf("report: print to PDF: %w", err)
	}
	return pdf, nil
}
