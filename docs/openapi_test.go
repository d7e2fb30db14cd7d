package docs_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"sotepe/docs"
)

// TestOpenAPIValid checks that the served document is valid OpenAPI 3:
// kin-openapi loads it, resolves every reference and validates it,
// examples and defaults included.
func TestOpenAPIValid(t *testing.T) {
	ctx := context.Background()
	doc, err := openapi3.NewLoader().LoadFromData(docs.OpenAPI)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1", doc.OpenAPI)
	}
}

// TestOpenAPIRules checks the rules every operation of the document keeps:
// it takes lang, documents 400 (a bad parameter or lang) and 503 (the
// database does not answer), 413 when it takes a body, 401 when it needs a
// session, 403 when a browser may post it from another site, and each 429
// it documents carries Retry-After.
func TestOpenAPIRules(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(docs.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			name := method + " " + path
			if op.Parameters.GetByInAndName("query", "lang") == nil {
				t.Errorf("%s: no lang parameter", name)
			}
			want := []string{"400", "503"}
			if op.RequestBody != nil {
				want = append(want, "413")
			}
			if op.Security != nil && len(*op.Security) == 1 {
				if _, ok := (*op.Security)[0]["session"]; ok {
					want = append(want, "401")
				}
			}
			if method != "GET" {
				want = append(want, "403")
			}
			for _, st := range want {
				if op.Responses.Value(st) == nil {
					t.Errorf("%s: status %s not documented", name, st)
				}
			}
			if r := op.Responses.Value("429"); r != nil && r.Value.Headers["Retry-After"] == nil {
				t.Errorf("%s: 429 without Retry-After", name)
			}
			for st, r := range op.Responses.Map() {
				if r.Value == nil || r.Value.Description == nil || *r.Value.Description == "" {
					t.Errorf("%s: response %s has no description", name, st)
				}
			}
		}
	}
	if ops < 70 {
		t.Errorf("only %d operations", ops)
	}
}
