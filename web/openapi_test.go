package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"sotepe/docs"
)

// apiSpec is the served OpenAPI document, loaded and validated once, with
// its router and the routes of routes.go.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router
	// served matches a request to the pattern routes.go gives it, so that a
	// route the server serves but the document lacks is told from a path
	// nobody serves.
	served *http.ServeMux
}

var loadAPISpec = sync.OnceValues(func() (*apiSpec, error) {
	doc, err := openapi3.NewLoader().LoadFromData(docs.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load docs/openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("docs/openapi.json is not valid OpenAPI: %w", err)
	}
	// An appointment's iCalendar file is text; the library decodes JSON,
	// forms, CSV and plain text by itself.
	openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
	// A chat's live stream is text too (Server-Sent Events).
	openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route docs/openapi.json: %w", err)
	}
	patterns, err := routePatterns("routes.go")
	if err != nil {
		return nil, err
	}
	served := http.NewServeMux()
	for _, p := range patterns {
		served.Handle(p, http.NotFoundHandler())
	}
	return &apiSpec{doc: doc, router: router, served: served}, nil
})

// routePatterns returns the pattern of every route registered in the Go
// file routes.go: the first argument of each call to h or mux.Handle that is
// a string literal.
func routePatterns(file string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			if fn.Name != "h" {
				return true
			}
		case *ast.SelectorExpr:
			if x, ok := fn.X.(*ast.Ident); !ok || x.Name != "mux" || fn.Sel.Name != "Handle" {
				return true
			}
		default:
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		p, err := strconv.Unquote(lit.Value)
		if err == nil {
			out = append(out, p)
		}
		return true
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no routes found", file)
	}
	return out, nil
}

// validateAPI wraps the server's handler so that every request under
// /api/v1/ and its response are checked against docs/openapi.json with
// kin-openapi. It fails t when
//   - a route the server serves is not in the document,
//   - the response status is not documented for the operation,
//   - the response body or a documented header does not match its schema,
//   - the server accepts (answers below 400) a request the document says is
//     invalid: a parameter or body outside its schema.
//
// A request the document calls invalid may be refused with any documented
// 4xx: tests send such requests on purpose.
func validateAPI(t *testing.T, h http.Handler) http.Handler {
	t.Helper()
	spec, err := loadAPISpec()
	if err != nil {
		t.Fatal(err)
	}
	return spec.wrap(h, func(problem string) { t.Error(problem) })
}

// wrap returns h with every /api/v1 exchange checked; report hears of each
// exchange that breaks the document.
func (s *apiSpec) wrap(h http.Handler, report func(problem string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") || r.Method == http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		var reqBody []byte
		if r.Body != nil {
			reqBody, _ = io.ReadAll(r.Body)
			r.Body.Close()
		}
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := &recorder{header: http.Header{}, w: w}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if problem := s.check(r, reqBody, rec); problem != "" {
			report(fmt.Sprintf("openapi: %s %s → %d: %s", r.Method, r.URL.RequestURI(), rec.status, problem))
		}
		if rec.streaming {
			return // already sent as it came
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

// check validates one exchange and returns what is wrong with it, or "".
func (s *apiSpec) check(r *http.Request, reqBody []byte, rec *recorder) string {
	ctx := context.Background()
	vreq := r.Clone(ctx)
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := s.router.FindRoute(vreq)
	if err != nil {
		if _, pattern := s.served.Handler(r); pattern != "/" && pattern != "" {
			return fmt.Sprintf("route %q is served but not in docs/openapi.json", pattern)
		}
		if rec.status != http.StatusNotFound {
			return "a path no route serves must answer 404"
		}
		return ""
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		MultiError:         true,
	}
	opts.WithCustomSchemaErrorFunc(schemaProblem)
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && rec.status < 400 {
		return "the server accepted a request the document calls invalid: " + oneLine(err)
	}
	body := rec.body.Bytes()
	header := rec.header.Clone()
	if header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return "gzip body: " + err.Error()
		}
		if body, err = io.ReadAll(zr); err != nil {
			return "gzip body: " + err.Error()
		}
		header.Del("Content-Encoding")
	}
	ropts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	ropts.WithCustomSchemaErrorFunc(schemaProblem)
	res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.status, Header: header, Options: ropts}
	res.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, res); err != nil {
		return oneLine(err)
	}
	return ""
}

// oneLine flattens a validation error (often a multi-error over lines)
// into one readable line.
func oneLine(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		parts := make([]string, 0, len(me))
		for _, e := range me {
			parts = append(parts, oneLine(e))
		}
		return strings.Join(parts, "; ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// schemaProblem tells where a value breaks its schema and why, without the
// schema and with a short excerpt of the value.
func schemaProblem(err *openapi3.SchemaError) string {
	v := fmt.Sprintf("%v", err.Value)
	if len(v) > 60 {
		v = v[:60] + "…"
	}
	return fmt.Sprintf("at /%s: %s (value %s)", strings.Join(err.JSONPointer(), "/"), err.Reason, v)
}

// recorder keeps a response until it has been validated. A stream
// (text/event-stream) cannot wait: it goes through to w as it is written,
// flushes included, and is validated, body and all, once it ends.
type recorder struct {
	header    http.Header
	status    int
	body      bytes.Buffer
	w         http.ResponseWriter
	streaming bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status != 0 {
		return
	}
	r.status = status
	if strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") && r.w != nil {
		r.streaming = true
		for k, v := range r.header {
			r.w.Header()[k] = v
		}
		r.w.WriteHeader(status)
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	if r.streaming {
		r.body.Write(b)
		return r.w.Write(b)
	}
	return r.body.Write(b)
}

// Flush and the deadlines reach the real connection while streaming, as
// http.ResponseController asks for them.
func (r *recorder) Flush() {
	if r.streaming {
		_ = http.NewResponseController(r.w).Flush()
	}
}

func (r *recorder) SetWriteDeadline(t time.Time) error {
	return http.NewResponseController(r.w).SetWriteDeadline(t)
}

func (r *recorder) SetReadDeadline(t time.Time) error {
	return http.NewResponseController(r.w).SetReadDeadline(t)
}

// TestOpenAPIRoutes checks that every /api/v1 route of routes.go is an
// operation of docs/openapi.json and every operation there is a route.
func TestOpenAPIRoutes(t *testing.T) {
	spec, err := loadAPISpec()
	if err != nil {
		t.Fatal(err)
	}
	patterns, err := routePatterns("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, p := range patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		served[method+" "+path] = true
	}
	documented := map[string]bool{}
	for path, item := range spec.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	var missing, extra []string
	for op := range served {
		if !documented[op] {
			missing = append(missing, op)
		}
	}
	for op := range documented {
		if !served[op] {
			extra = append(extra, op)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	for _, op := range missing {
		t.Errorf("routes.go serves %s; docs/openapi.json does not describe it", op)
	}
	for _, op := range extra {
		t.Errorf("docs/openapi.json describes %s; routes.go does not serve it", op)
	}
	if len(served) < 60 {
		t.Errorf("found only %d API routes in routes.go", len(served))
	}
}

// TestValidateAPIFinds checks that the hook itself finds each kind of
// broken promise, on a stand-in server that breaks them one at a time.
func TestValidateAPIFinds(t *testing.T) {
	spec, err := loadAPISpec()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path string
		status             int
		body               string
		want               string // in the problem; "" for none
	}{
		{"documented answer", "GET", "/api/v1/areas", 200, `{"items":[]}`, ""},
		{"refused bad input", "GET", "/api/v1/areas?lang=zz", 400, `{"error":{"code":"invalid","message":"x"}}`, ""},
		{"unknown path", "GET", "/api/v1/nothing-here", 404, `{"error":{"code":"not_found","message":"x"}}`, ""},
		{"undocumented status", "GET", "/api/v1/areas", 418, `{"error":{"code":"invalid","message":"x"}}`, "status is not supported"},
		{"body off its schema", "GET", "/api/v1/areas", 200, `{"items":"none"}`, "value must be an array"},
		{"error body off its schema", "GET", "/api/v1/areas", 400, `{"error":{"code":"oops"}}`, "missing property 'message'"},
		{"accepted bad lang", "GET", "/api/v1/areas?lang=zz", 200, `{"items":[]}`, "accepted a request"},
		{"accepted bad limit", "GET", "/api/v1/areas?limit=0", 200, `{"items":[]}`, "accepted a request"},
		{"unknown path answered", "GET", "/api/v1/nothing-here", 200, `{}`, "must answer 404"},
		{"served route missing from the document", "GET", "/api/v1/undocumented", 200, `{}`, "served but not in docs/openapi.json"},
	}
	// The stand-in serves one route the document lacks.
	stand := *spec
	stand.served = http.NewServeMux()
	for _, p := range []string{"GET /api/v1/areas", "GET /api/v1/undocumented", "/"} {
		stand.served.Handle(p, http.NotFoundHandler())
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(c.status)
				_, _ = io.WriteString(w, c.body)
			})
			var problems []string
			srv := httptest.NewServer(stand.wrap(h, func(p string) { problems = append(problems, p) }))
			defer srv.Close()
			req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.status || string(got) != c.body {
				t.Errorf("the hook changed the answer: %d %q", res.StatusCode, got)
			}
			switch {
			case c.want == "" && len(problems) > 0:
				t.Errorf("problems %q, want none", problems)
			case c.want != "" && (len(problems) != 1 || !strings.Contains(problems[0], c.want)):
				t.Errorf("problems %q, want one with %q", problems, c.want)
			}
		})
	}
}
