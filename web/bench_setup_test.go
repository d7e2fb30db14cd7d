package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sotepe/contact"
	"sotepe/docs"
	"sotepe/i18n"
	"sotepe/store"
	"sotepe/web"
	"sotepe/workday"
)

// benchServer builds a server over st for a benchmark: cfg with st as its
// store, the catalog, Helsinki time, the OpenAPI document, the live
// working-day calendar and, unless cfg has them, contact requests over the
// calendar (through cfg's directory).
func benchServer(b *testing.B, st *store.Store, cfg web.Config) *web.Server {
	b.Helper()
	cat, err := i18n.New()
	if err != nil {
		b.Fatal(err)
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		b.Fatal(err)
	}
	cal, err := workday.NewLive(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Store, cfg.Catalog, cfg.Location, cfg.OpenAPI, cfg.Calendar = st, cat, loc, docs.OpenAPI, cal
	if cfg.Contacts == nil {
		cfg.Contacts = contact.New(contact.Config{Store: st, Directory: cfg.Directory, Calendar: cal})
	}
	s, err := web.New(withServices(b, cfg))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// benchGet serves GET path to h in-process with cookies and returns the
// response.
func benchGet(h http.Handler, path string, cookies []*http.Cookie, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// benchLogin signs username (password demo) in to h and returns the
// session's cookies.
func benchLogin(b *testing.B, h http.Handler, username string) []*http.Cookie {
	b.Helper()
	login := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"`+username+`","password":"demo"}`))
	login.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, login)
	if rec.Code != http.StatusCreated {
		b.Fatalf("login %s: %d", username, rec.Code)
	}
	return rec.Result().Cookies()
}
