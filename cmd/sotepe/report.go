package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"sotepe"
	"sotepe/app"
	"sotepe/report"
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
	a, err := app.New(ctx, app.Config{DB: c.db, Logger: logger})
	if err != nil {
		return err
	}
	defer a.Close()
	st, cal := a.Store, a.Calendar

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
		path := "/report/" + strconv.Itoa(*year) + "?lang=" + *lang
		body, err = standaloneHTML(a.Web, path)
		if err == nil && *format == "pdf" {
			body, err = printPDF(ctx, body, chromium)
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

// get answers one GET of path from h, or an error for any status but 200.
func get(h http.Handler, path string) ([]byte, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("report: GET %s answered %d", path, rec.Code)
	}
	return rec.Body.Bytes(), nil
}

// stylesheet is a link to a static style sheet or to the report's print
// rules (/report/YEAR/print.css?lang=…, the page footer).
var stylesheet = regexp.MustCompile(`<link rel="stylesheet" href="(/static/[a-z_/.]+\.css|/report/[0-9]+/print\.css\?lang=[a-z]+)">`)

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

// printBackgrounds makes chromium print the page's background colours (the
// shaded group rows) as a browser's "print backgrounds" option would.
const printBackgrounds = "<style>* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }</style>"

// printPDF writes page, a standalone HTML document, to a temporary file and
// has headless chromium print it (`--print-to-pdf`; A4 from the page's
// @page rule, no header or footer). The browser runs as a child process, so
// no browser-driving library is linked into the program.
func printPDF(ctx context.Context, page []byte, chromium string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "sotepe-pdf")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	page = bytes.Replace(page, []byte("</head>"), []byte(printBackgrounds+"</head>"), 1)
	in, out := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, page, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// A browser that dies of a signal (it has crashed on a machine busy
	// with other work) is started once more; any other failure is
	// reported at once.
	var stderr bytes.Buffer
	for attempt := 1; ; attempt++ {
		cmd := exec.CommandContext(ctx, chromium,
			"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--disable-background-networking", "--disable-component-update",
			"--user-data-dir="+filepath.Join(dir, fmt.Sprintf("profile-%d", attempt)),
			"--no-pdf-header-footer", "--print-to-pdf="+out,
			(&url.URL{Scheme: "file", Path: in}).String())
		stderr.Reset()
		cmd.Stdout, cmd.Stderr = &stderr, &stderr
		err := cmd.Run()
		if err == nil {
			break
		}
		var exit *exec.ExitError
		if attempt == 1 && ctx.Err() == nil && errors.As(err, &exit) && exit.ExitCode() == -1 {
			continue
		}
		return nil, fmt.Errorf("report: print to PDF with %s: %w: %s", chromium, err, bytes.TrimSpace(stderr.Bytes()))
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("report: chromium printed no PDF: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return pdf, nil
}
