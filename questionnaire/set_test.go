package questionnaire

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

type def struct{ ID string }

func parseDef(b []byte) (def, error) {
	var d def
	if err := json.Unmarshal(b, &d); err != nil {
		return d, err
	}
	if d.ID == "" {
		return d, errors.New("no id")
	}
	return d, nil
}

func TestLoadSet(t *testing.T) {
	id := func(d def) string { return d.ID }
	good := fstest.MapFS{
		"b.json":    {Data: []byte(`{"ID":"beta"}`)},
		"a.json":    {Data: []byte(`{"ID":"alpha"}`)},
		"notes.txt": {Data: []byte(`not a definition`)},
	}
	set, err := LoadSet(good, "test", parseDef, id)
	if err != nil {
		t.Fatal(err)
	}
	if all := set.All(); len(all) != 2 || all[0].ID != "alpha" || all[1].ID != "beta" {
		t.Errorf("all: %v", all)
	}
	if d, ok := set.Get("beta"); !ok || d.ID != "beta" {
		t.Errorf("get beta: %v %v", d, ok)
	}
	if _, ok := set.Get("gamma"); ok {
		t.Error("get gamma: found")
	}

	// Every problem is reported at once, each naming its file.
	bad := fstest.MapFS{
		"a.json": {Data: []byte(`{"ID":"alpha"}`)},
		"b.json": {Data: []byte(`{"ID":"alpha"}`)},
		"c.json": {Data: []byte(`{}`)},
		"d.json": {Data: []byte(`{`)},
	}
	_, err = LoadSet(bad, "test", parseDef, id)
	if err == nil {
		t.Fatal("a bad set loaded")
	}
	for _, want := range []string{"test: ", "b.json: alpha twice", "c.json: no id", "d.json: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q lacks %q", err, want)
		}
	}
}
