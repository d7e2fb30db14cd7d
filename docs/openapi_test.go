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
