package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// TestCachedKeepsNoCookie: an answer that sets a cookie runs its handler
// every time and is never served to another from the cache; a plain answer
// is kept, with the handler's headers.
func TestCachedKeepsNoCookie(t *testing.T) {
	s := &Server{cache: newResponseCache(time.Minute, 10, time.Now)}
	runs := 0
	withCookie := s.cached("page", func(w http.ResponseWriter, r *http.Request) error {
		runs++
		http.SetCookie(w, &http.Cookie{Name: "mine", Value: strconv.Itoa(runs)})
		_, err := w.Write([]byte("hello"))
		return err
	})
	for i := range 2 {
		rec := httptest.NewRecorder()
		if err := withCookie(rec, httptest.NewRequest("GET", "/a", nil)); err != nil {
			t.Fatal(err)
		}
		if rec.Header().Get("X-Cache") != "" || rec.Header().Get("Set-Cookie") != "mine="+strconv.Itoa(i+1) {
			t.Errorf("answer %d with a cookie: X-Cache %q, Set-Cookie %q", i+1, rec.Header().Get("X-Cache"), rec.Header().Get("Set-Cookie"))
		}
	}
	plain := s.cached("page", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, err := w.Write([]byte("<p>hei</p>"))
		return err
	})
	var last *httptest.ResponseRecorder
	for range 2 {
		last = httptest.NewRecorder()
		if err := plain(last, httptest.NewRequest("GET", "/b", nil)); err != nil {
			t.Fatal(err)
		}
	}
	if last.Header().Get("X-Cache") != "hit" || last.Header().Get("Content-Type") != "text/html; charset=utf-8" ||
		last.Header().Get("Cache-Control") != "no-store" || last.Body.String() != "<p>hei</p>" {
		t.Errorf("a kept answer: %v %q", last.Header(), last.Body.String())
	}
}
