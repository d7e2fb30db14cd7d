package kit_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"sotepe"
	"sotepe/web/kit"
)

// fuzzBody is a destination with every shape DecodeJSON fills: strings at
// top level, nested, in slices, maps, pointers and raw JSON.
type fuzzBody struct {
	S   string             `json:"s"`
	P   *string            `json:"p"`
	L   []string           `json:"l"`
	M   map[string]string  `json:"m"`
	N   struct{ T string } `json:"n"`
	Raw json.RawMessage    `json:"raw"`
	Any any                `json:"any"`
	I   int                `json:"i"`
}

// validTree reports whether every string in the JSON form of v is valid
// text: marshalling escapes NUL as \u0000, and invalid UTF-8 as \ufffd
// only if it was there before.
func validTree(v any) bool {
	b, _ := json.Marshal(v)
	return !bytes.Contains(b, []byte(`\u0000`))
}

// FuzzDecodeJSON: any body is either decoded into text without NUL, or
// refused with a 4xx; a body with invalid UTF-8 or a NUL string is always
// refused; nothing panics.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"s":"a"}`, `{"s":"a\u0000b"}`, "{\"s\":\"\xff\"}", `{"l":["x","\u0000"]}`,
		`{"m":{"\u0000":"v"}}`, `{"raw":{"k":"\u0000"}}`, `{"any":[{"z":"\u0000"}]}`, `{"n":{"T":"ok"}}`, `{"p":"\u0000"}`, `{"i":1}`, `[]`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		var dst fuzzBody
		err := kit.DecodeJSON(req, &dst)
		if err != nil {
			if st := sotepe.HTTPStatus(sotepe.ErrorCode(err)); st >= 500 || st < 400 {
				t.Fatalf("kit.DecodeJSON(%q) = %v: status %d", body, err, st)
			}
			return
		}
		if !utf8.ValidString(body) {
			t.Fatalf("DecodeJSON accepted invalid UTF-8 %q", body)
		}
		if !validTree(dst) {
			t.Fatalf("kit.DecodeJSON(%q) let NUL through: %+v", body, dst)
		}
		if len(dst.Raw) > 0 {
			var x any
			if json.Unmarshal(dst.Raw, &x) == nil && !validTree(x) {
				t.Fatalf("kit.DecodeJSON(%q) let NUL through in raw JSON", body)
			}
		}
	})
}
