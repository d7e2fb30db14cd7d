package assess

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"sotepe"
	"sotepe/demo"
)

func loadSet(t *testing.T) *Set {
	t.Helper()
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestDefinitionsContent checks the shipped content: at least six
// definitions, each marked as demonstration content, covering the topics
// the sector asked for, and recommending only services of the demo
// network that can take a hand-over.
func TestDefinitionsContent(t *testing.T) {
	set := loadSet(t)
	want := []string{"back-pain", "dental-pain", "older-service-need", "respiratory-infection", "urinary-tract-infection", "youth-wellbeing"}
	for _, id := range want {
		d := set.Definition(id)
		if d == nil {
			t.Errorf("definition %s is missing", id)
			continue
		}
		if !d.Demo {
			t.Errorf("%s is not marked as demonstration content", id)
		}
	}
	network, err := demo.BaseNetwork()
	if err != nil {
		t.Fatal(err)
	}
	services := map[string]sotepe.Service{}
	for _, s := range network.Services {
		services[s.ID] = s
	}
	err = set.CheckServices(func(id string) (sotepe.Service, bool) { s, ok := services[id]; return s, ok })
	if err != nil {
		t.Error(err)
	}
	// The check itself must notice a service the network lacks.
	if set.CheckServices(func(string) (sotepe.Service, bool) { return sotepe.Service{}, false }) == nil {
		t.Error("CheckServices accepted a network without services")
	}
	expect := map[string][]string{
		"youth-wellbeing":    {"youth-services"},
		"older-service-need": {"home-care", "senior-info", "family-carer-support"},
		"dental-pain":        {"dental-care"},
	}
	for id, svcs := range expect {
		d := set.Definition(id)
		if d == nil {
			continue
		}
		for _, svc := range svcs {
			found := false
			for _, o := range d.Outcomes {
				found = found || o.ServiceID == svc
			}
			if !found {
				t.Errorf("%s never recommends %s", id, svc)
			}
		}
	}
}

// TestEveryPath walks every path of every definition: each ends in an
// outcome the definition has, replaying the path from the start gives the
// same outcome, and every question and outcome lies on some path.
func TestEveryPath(t *testing.T) {
	for _, d := range loadSet(t).Definitions() {
		t.Run(d.ID, func(t *testing.T) {
			paths := 0
			questions, outcomes := map[string]bool{}, map[string]bool{}
			err := d.Walk(func(answers []sotepe.AssessmentAnswer, r *Run) error {
				paths++
				if r.Outcome == nil || d.Outcome(r.Outcome.ID) == nil {
					t.Fatalf("path %v ends without an outcome", answers)
				}
				replay, err := d.Run(answers)
				if err != nil {
					t.Fatalf("replay %v: %v", answers, err)
				}
				if replay.Outcome != r.Outcome || replay.Next != nil {
					t.Fatalf("replay of %v ends elsewhere", answers)
				}
				for _, s := range r.Steps {
					questions[s.Question.ID] = true
				}
				outcomes[r.Outcome.ID] = true
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(questions) != len(d.Questions) || len(outcomes) != len(d.Outcomes) {
				t.Errorf("paths reach %d of %d questions and %d of %d outcomes", len(questions), len(d.Questions), len(outcomes), len(d.Outcomes))
			}
			t.Logf("%d paths", paths)
		})
	}
}

// TestRedFlagsEndInEmergency proves for each definition that whatever was
// answered before or would be answered after, a red-flag answer ends the
// assessment at once in emergency guidance; and that each definition has
// red flags.
func TestRedFlagsEndInEmergency(t *testing.T) {
	for _, d := range loadSet(t).Definitions() {
		t.Run(d.ID, func(t *testing.T) {
			flagged := 0
			err := d.Walk(func(answers []sotepe.AssessmentAnswer, r *Run) error {
				for i, a := range answers {
					q := d.Question(a.Question)
					if !q.IsRedFlag(a) {
						continue
					}
					flagged++
					if r.Outcome.Urgency != sotepe.UrgencyEmergency {
						t.Fatalf("red flag %s=%s on path %v ends in %s", a.Question, a.Value, answers, r.Outcome.Urgency)
					}
					if i != len(answers)-1 {
						t.Fatalf("the assessment went on after red flag %s=%s", a.Question, a.Value)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if flagged == 0 {
				t.Error("no path raises a red flag")
			}
		})
	}
}

func raw(v string) json.RawMessage { return json.RawMessage(v) }

// TestAnswers checks the answers the engine takes and refuses.
func TestAnswers(t *testing.T) {
	d := loadSet(t).Definition("respiratory-infection")
	ans := func(q, v string) sotepe.AssessmentAnswer { return sotepe.AssessmentAnswer{Question: q, Value: raw(v)} }
	base := []sotepe.AssessmentAnswer{ans("breathing", "false"), ans("chest", "false")}
	for _, c := range []struct {
		a    sotepe.AssessmentAnswer
		code string
		key  string
	}{
		{ans("duration", `"under-3-days"`), sotepe.EConflict, "assess.error.not_current"},
		{ans("breathing", "false"), sotepe.EConflict, "assess.error.not_current"},
		{ans("fever", `"hot"`), sotepe.EInvalid, "assess.error.value"},
		{ans("fever", `50`), sotepe.EInvalid, "assess.error.number"},
		{ans("fever", `null`), sotepe.EInvalid, "assess.error.value"},
		{ans("fever", `38.5`), "", ""},
	} {
		_, err := d.Answer(base, c.a)
		if sotepe.ErrorCode(err) != c.code || (c.key != "" && sotepe.ErrorKey(err) != c.key) {
			t.Errorf("answer %s=%s: %v, want %s %s", c.a.Question, c.a.Value, err, c.code, c.key)
		}
	}
	r, err := d.Run(append(base, ans("fever", "38"), ans("duration", `"over-7-days"`)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Next.ID != "symptoms" || r.Score != 3 {
		t.Fatalf("next %v score %d", r.Next, r.Score)
	}
	for v, code := range map[string]string{`["cough","nope"]`: sotepe.EInvalid, `"cough"`: sotepe.EInvalid, `[]`: ""} {
		if _, err := d.Answer(nil, ans("breathing", "false")); err != nil {
			t.Fatal(err)
		}
		steps := []sotepe.AssessmentAnswer{}
		for _, s := range r.Steps {
			steps = append(steps, s.Answer)
		}
		if _, err := d.Answer(steps, ans("symptoms", v)); sotepe.ErrorCode(err) != code {
			t.Errorf("symptoms %s: %v, want %q", v, err, code)
		}
	}
	// Multiple choices come back in the question's order, without repeats.
	steps := []sotepe.AssessmentAnswer{}
	for _, s := range r.Steps {
		steps = append(steps, s.Answer)
	}
	r2, err := d.Answer(steps, ans("symptoms", `["ear-pain","cough","ear-pain"]`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(r2.Steps[len(r2.Steps)-1].Answer.Value); got != `["cough","ear-pain"]` {
		t.Errorf("canonical multi = %s", got)
	}
	if r2.Next.ID != "ear-discharge" {
		t.Errorf("ear pain leads to %s", r2.Next.ID)
	}
	// A red flag mid-way ends at once, whatever the score so far.
	r3, err := d.Answer([]sotepe.AssessmentAnswer{ans("breathing", "false")}, ans("chest", "true"))
	if err != nil || r3.Outcome == nil || r3.Outcome.Urgency != sotepe.UrgencyEmergency || !r3.RedFlag {
		t.Errorf("chest pain: %v %+v", err, r3)
	}
}

// TestCheckRejects feeds broken definitions to the checks: each must fail
// with a message naming the problem.
func TestCheckRejects(t *testing.T) {
	good, err := definitionFS.ReadFile("definitions/dental-pain.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ from, to, want string }{
		"missing swedish":     {`"sv": "`, `"sw": "`, "unknown field"},
		"empty swedish":       {`"sv": "Tandvärk"`, `"sv": ""`, "fi, sv and en"},
		"unknown goto":        {`"goto": "trauma"`, `"goto": "nowhere"`, "unknown question"},
		"unreachable":         {`"goto": "trauma"`, `"outcome": "self-care"`, "unreachable"},
		"loop":                {`"goto": "pain"`, `"goto": "swelling-breathing"`, "loop"},
		"unknown urgency":     {`"urgency": "urgent"`, `"urgency": "soon"`, "unknown urgency"},
		"condition on option": {`"is": "knocked-out"`, `"is": "lost"`, "no option"},
	} {
		b := strings.Replace(string(good), c.from, c.to, 1)
		if b == string(good) {
			t.Fatalf("%s: the replacement does not apply", name)
		}
		_, err := LoadFS(fstest.MapFS{"x.json": {Data: []byte(b)}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// BenchmarkLoad measures what the program pays at start to load and check
// every definition, walking every path.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
