package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sotepe/demo"
	"sotepe/directory"
	"sotepe/internal/bare"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/web"
)

// readsRound is how many requests one round of BenchmarkReads sends, from
// readsClients goroutines at once, each with its own keep-alive connection.
const (
	readsRound   = 400
	readsClients = 8
)

// BenchmarkReads measures the public and signed-in reads of issue 19 beside
// a bare net/http server that returns the same bytes with the same
// Content-Type, both over loopback HTTP in this process: the front page,
// the directory search, the signed-in user, and a resident's five contact
// requests. In the `ratio` sub-benchmarks each iteration runs one round of
// 400 requests from 8 clients against each, in turn, and reports sotepe ÷
// bare in requests per second. For the list it also runs two ceilings
// (readsCeilings) and reports each one's ratio to the bare server
// (docs/benchmarks.md):
//
//	go test -run '^$' -bench 'Reads/.*/.*/ratio' -benchtime 20x -count 3 ./web/
func BenchmarkReads(b *testing.B) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		b.Run(engine, func(b *testing.B) {
			srv, anna, db := loopbackOn(b, engine, "anna")
			for i := range 5 {
				body := fmt.Sprintf(`{"service":"health-station-nurse","message":"Asia %d"}`, i)
				if r := readsDo(b, anna, "POST", srv.URL+"/api/v1/contact-requests", body); r.StatusCode != http.StatusCreated {
					b.Fatalf("request %d: %d", i, r.StatusCode)
				}
			}
			for _, tc := range []struct {
				name, path string
				signedIn   bool
			}{
				{"front page", "/", false},
				{"units search", "/api/v1/units?q=kallio", false},
				{"me", "/api/v1/me", true},
				{"contact requests", listPath, true},
			} {
				b.Run(tc.name, func(b *testing.B) {
					jar := anna.Jar
					if !tc.signedIn {
						jar = nil
					}
					first := readsGet(b, &http.Client{Jar: jar}, srv.URL+tc.path)
					body, _ := io.ReadAll(first.Body)
					first.Body.Close()
					if first.StatusCode != http.StatusOK {
						b.Fatalf("%s: %d", tc.path, first.StatusCode)
					}
					ctype := first.Header.Get("Content-Type")
					plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Content-Type", ctype)
						w.Write(body)
					}))
					defer plain.Close()
					// The list's ceilings: bare servers that also read the
					// database before they answer (see readsCeilings).
					var ceilings []readsCeiling
					if tc.path == listPath {
						ceilings = readsCeilings(b, db.dsn, db.people.Residents["anna"], ctype, body)
					}
					c := &http.Client{Jar: jar, Transport: readsTransport}
					round := func(base string) time.Duration {
						start := time.Now()
						_, err := bare.Round(readsRound, readsClients, func() error {
							r, err := c.Get(base + tc.path)
							if err != nil {
								return err
							}
							n, _ := io.Copy(io.Discard, r.Body)
							r.Body.Close()
							if r.StatusCode != http.StatusOK || n != int64(len(body)) && !strings.HasPrefix(ctype, "text/html") {
								return fmt.Errorf("%s: %d, %d bytes of %d", tc.path, r.StatusCode, n, len(body))
							}
							return nil
						})
						if err != nil {
							b.Fatal(err)
						}
						return time.Since(start)
					}
					b.Run("ratio", func(b *testing.B) {
						var bareTime, own time.Duration
						ceilingTime := make([]time.Duration, len(ceilings))
						for b.Loop() {
							bareTime += round(plain.URL)
							own += round(srv.URL)
							for i, cl := range ceilings {
								ceilingTime[i] += round(cl.srv.URL)
							}
						}
						n := float64(readsRound * b.N)
						b.ReportMetric(n/bareTime.Seconds(), "bare_req/s")
						b.ReportMetric(n/own.Seconds(), "sotepe_req/s")
						b.ReportMetric(bareTime.Seconds()/own.Seconds(), "ratio")
						for i, cl := range ceilings {
							b.ReportMetric(bareTime.Seconds()/ceilingTime[i].Seconds(), cl.name+"_ratio")
						}
					})
				})
			}
		})
	}
}

// listPath is a resident's list of contact requests, the signed-in read
// whose ceilings BenchmarkReads measures.
const listPath = "/api/v1/contact-requests"

// readsCeiling is a bare server that reads the database before it returns
// the bytes sotepe answered: what any server that reads the store per
// request could reach at most, beside the bare server that reads nothing.
type readsCeiling struct {
	name string
	srv  *httptest.Server
}

// readsCeilings returns the two ceilings of a resident's list on the
// database dsn: "select1", one SELECT 1 a request (the least a read of the
// database costs: one round trip on PostgreSQL), and "query", the list's
// own query for resident (bare.Reader.ResidentRequests), each answering
// body with Content-Type ctype. Their ratios to the bare server show how
// much of the gap between sotepe and the bare server the database alone
// takes (docs/benchmarks.md).
func readsCeilings(b *testing.B, dsn string, resident int64, ctype string, body []byte) []readsCeiling {
	b.Helper()
	rd, err := bare.OpenReader(b.Context(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rd.Close() })
	if n, err := rd.ResidentRequests(b.Context(), resident, 20); err != nil || n != 5 {
		b.Fatalf("the baseline's list of resident %d: %d rows, %v", resident, n, err)
	}
	serve := func(read func(r *http.Request) error) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := read(r); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		}))
		b.Cleanup(srv.Close)
		return srv
	}
	return []readsCeiling{
		{"select1", serve(func(r *http.Request) error { return rd.SelectOne(r.Context()) })},
		{"query", serve(func(r *http.Request) error {
			_, err := rd.ResidentRequests(r.Context(), resident, 20)
			return err
		})},
	}
}

// loopbackAs starts sotepe over loopback HTTP on a new store on engine
// with the demo network and people, routing through the in-memory
// directory as sotepe serve does, and returns the server and a client
// signed in as username (password demo) with a cookie jar of its own.
func loopbackAs(b *testing.B, engine, username string) (*httptest.Server, *http.Client) {
	b.Helper()
	srv, c, _ := loopbackOn(b, engine, username)
	return srv, c
}

// loopbackStore is the database under a loopback server: its dsn, for a
// baseline reading the same rows, and the demo people in it.
type loopbackStore struct {
	dsn    string
	people demo.People
}

// loopbackOn is loopbackAs that also returns the database under the server.
func loopbackOn(b *testing.B, engine, username string) (*httptest.Server, *http.Client, loopbackStore) {
	b.Helper()
	dsn := testenv.DSN(b, testenv.Engine(engine))
	st := openDSN(b, dsn, true)
	people := loadDemo(b, st)
	dir, err := directory.New(st, directory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { dir.Close() })
	srv := httptest.NewServer(benchServer(b, st, web.Config{Directory: dir, Now: time.Now}))
	b.Cleanup(srv.Close)
	c := readsClient(b)
	if r := readsDo(b, c, "POST", srv.URL+"/api/v1/session", `{"username":"`+username+`","password":"demo"}`); r.StatusCode != http.StatusCreated {
		b.Fatalf("sign-in of %s: %d", username, r.StatusCode)
	}
	return srv, c, loopbackStore{dsn: dsn, people: people}
}

// readsTransport keeps enough idle connections for every client of a round
// and asks for no compression, so that both servers send the same bytes.
var readsTransport = &http.Transport{MaxIdleConnsPerHost: readsClients * 2, DisableCompression: true}

// readsClient returns a client with a cookie jar of its own.
func readsClient(b *testing.B) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// readsDo sends a JSON request and returns the answer, its body read.
func readsDo(b *testing.B, c *http.Client, method, url, body string) *http.Response {
	b.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	r, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return r
}

// readsGet gets url with c.
func readsGet(b *testing.B, c *http.Client, url string) *http.Response {
	b.Helper()
	r, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	return r
}
