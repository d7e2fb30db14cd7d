package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestKeepCacheBuildsOncePerKey: concurrent misses of one key wait for one
// build and all get its value; a failed build is not kept; a value older
// than the TTL is built again; keys that print alike stay apart.
func TestKeepCacheBuildsOncePerKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newKeepCache[[2]string, int](time.Minute, 10, time.Now)
		var builds atomic.Int32
		release := make(chan struct{})
		build := func() (int, error) {
			builds.Add(1)
			<-release
			return 42, nil
		}
		key := [2]string{"a b", "c"}
		var wg sync.WaitGroup
		got := make([]int, 10)
		wg.Go(func() { got[0], _ = c.get(key, build) })
		synctest.Wait() // the first is building
		for i := 1; i < len(got); i++ {
			wg.Go(func() { got[i], _ = c.get(key, build) })
		}
		synctest.Wait() // the others wait for it
		close(release)
		wg.Wait()
		if n := builds.Load(); n != 1 {
			t.Fatalf("%d builds for 10 concurrent misses, want 1", n)
		}
		for i, v := range got {
			if v != 42 {
				t.Fatalf("caller %d got %d", i, v)
			}
		}
		// Kept: no build within the TTL.
		if v, err := c.get(key, func() (int, error) { return 0, errors.New("built again") }); v != 42 || err != nil {
			t.Fatalf("within the TTL: %d, %v", v, err)
		}
		// A key that prints like the first with %v is another key.
		if v, _ := c.get([2]string{"a", "b c"}, func() (int, error) { return 7, nil }); v != 7 {
			t.Fatalf("another key answered %d", v)
		}
		// After the TTL it is built again, and a failure is not kept.
		time.Sleep(time.Minute)
		if _, err := c.get(key, func() (int, error) { return 0, errors.New("down") }); err == nil {
			t.Fatal("a failed build returned no error")
		}
		if v, err := c.get(key, func() (int, error) { return 43, nil }); v != 43 || err != nil {
			t.Fatalf("after a failed build: %d, %v", v, err)
		}
	})
}

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
