package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// TestOwnRequestsPageByPage: a resident with more requests than a page of
// /requests sees the newest 50 and a link to the next page; that page
// holds the other five and no link, and together they are every request
// once. Another resident's requests are on neither. A malformed cursor is
// 400 in the resident's language.
func TestOwnRequestsPageByPage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		erik, err := e.store.User(ctx, e.ids.Users["erik"])
		if err != nil {
			t.Fatal(err)
		}
		for i := range 55 {
			e.clock.Add(time.Minute)
			_, _, err := e.contacts.Submit(ctx, &erik, sotepe.NewContactRequest{ServiceID: "health-station-nurse", Body: fmt.Sprintf("Asia %d", i),
				Channel: sotepe.ChannelPortal, ResidentID: erik.ResidentID, Lang: sotepe.Finnish, IdempotencyKey: fmt.Sprintf("page-%d", i)})
			if err != nil {
				t.Fatal(err)
			}
		}
		annasOwn := submitRequest(t, e.as("anna"), "Annan asia")
		c := e.as("erik")
		link := regexp.MustCompile(`href="/requests/(\d+)"`)
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next" id="requests-next">`)
		seen := map[string]bool{}
		r := c.get("/requests")
		for page := 1; ; page++ {
			if r.status != http.StatusOK {
				t.Fatalf("page %d: %d", page, r.status)
			}
			ids := link.FindAllStringSubmatch(r.body, -1)
			for _, m := range ids {
				if seen[m[1]] || m[1] == annasOwn {
					t.Errorf("page %d lists request %s again or another's", page, m[1])
				}
				seen[m[1]] = true
			}
			n := next.FindStringSubmatch(r.body)
			switch {
			case page == 1 && (len(ids) != 50 || n == nil):
				t.Fatalf("first page: %d requests, next link %v", len(ids), n)
			case page == 2 && (len(ids) != 5 || n != nil):
				t.Fatalf("second page: %d requests, next link %v", len(ids), n)
			}
			if n == nil {
				break
			}
			r = c.get(html.UnescapeString(n[1]))
		}
		if len(seen) != 55 {
			t.Errorf("the pages list %d requests, want 55", len(seen))
		}
		r = c.get("/requests?cursor=nonsense!&lang=sv")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "lang=\"sv\"") {
			t.Errorf("a malformed cursor: %d", r.status)
		}
	})
}

// TestOwnAppointmentsPageByPage: a resident with 55 booked times sees 50 on
// /appointments with a link to the next page, which holds the other five
// and no link.
func TestOwnAppointmentsPageByPage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna := e.as("anna")
		free := anna.search("service=health-station-nurse&limit=60")
		if len(free) < 55 {
			t.Fatalf("only %d free times", len(free))
		}
		for _, sl := range free[:55] {
			if r, _ := anna.book(sl.ID); r.status != http.StatusCreated {
				t.Fatalf("booking %d: %d %s", sl.ID, r.status, r.body)
			}
		}
		link := regexp.MustCompile(`href="/appointments/(\d+)"`)
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next" id="appointments-next">`)
		seen := map[string]bool{}
		r := anna.get("/appointments")
		for page := 1; ; page++ {
			ids := link.FindAllStringSubmatch(r.body, -1)
			n := next.FindStringSubmatch(r.body)
			if r.status != http.StatusOK || page == 1 && (len(ids) != 50 || n == nil) || page == 2 && (len(ids) != 5 || n != nil) {
				t.Fatalf("page %d: %d, %d appointments, next link %v", page, r.status, len(ids), n)
			}
			for _, m := range ids {
				seen[m[1]] = true
			}
			if n == nil {
				break
			}
			r = anna.get(html.UnescapeString(n[1]))
		}
		if len(seen) != 55 {
			t.Errorf("the pages list %d appointments, want 55", len(seen))
		}
	})
}
