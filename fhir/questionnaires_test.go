package fhir_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"sotepe"
	"sotepe/internal/testenv"
)

func TestQuestionnaireResponse(t *testing.T) { testenv.Engines(t, testQuestionnaireResponse) }

// handOver has anna answer the respiratory infection assessment (as web's
// access matrix does) and hand it over to Kallio; it returns the contact
// request's id.
func (f *fixture) handOver() string {
	f.t.Helper()
	ctx, anna := f.env.As("anna")
	st, err := f.asmts.Start(ctx, &anna, "respiratory-infection", sotepe.Finnish)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range [][2]string{{"breathing", "false"}, {"chest", "false"}, {"fever", "39.5"}, {"duration", `"over-7-days"`},
		{"symptoms", `["cough"]`}, {"risk", "true"}, {"worse", "false"}, {"notes", `"Yskä yöllä."`}} {
		if st, err = f.asmts.Answer(ctx, &anna, st.Session.ID, sotepe.AssessmentAnswer{Question: a[0], Value: json.RawMessage(a[1])}); err != nil {
			f.t.Fatalf("answer %s: %v", a[0], err)
		}
	}
	_, req, err := f.asmts.HandOver(ctx, anna, st.Session.ID, "kallio-health-station")
	if err != nil {
		f.t.Fatal(err)
	}
	return strconv.FormatInt(req.ID, 10)
}

type responseJSON struct {
	ResourceType  string `json:"resourceType"`
	ID            string `json:"id"`
	Status        string `json:"status"`
	Questionnaire string `json:"questionnaire"`
	Subject       struct {
		Reference string `json:"reference"`
	} `json:"subject"`
	Authored string `json:"authored"`
	Item     []struct {
		LinkID string `json:"linkId"`
		Text   string `json:"text"`
		Answer []struct {
			ValueBoolean *bool        `json:"valueBoolean"`
			ValueDecimal *json.Number `json:"valueDecimal"`
			ValueString  *string      `json:"valueString"`
			ValueCoding  *struct {
				Code    string `json:"code"`
				Display string `json:"display"`
			} `json:"valueCoding"`
		} `json:"answer"`
	} `json:"item"`
}

func testQuestionnaireResponse(t *testing.T) {
	f := newFixture(t)
	id := f.handOver()
	ctx, anna := f.env.As("anna")
	st, err := f.asmts.ForContactRequest(ctx, anna, mustInt(t, id))
	if err != nil {
		t.Fatal(err)
	}

	// The resident who handed it over, in their language of choice.
	for _, lang := range []sotepe.Lang{sotepe.Finnish, sotepe.Swedish} {
		r := f.call("anna", "GET", "QuestionnaireResponse/"+id+"?lang="+string(lang), nil).want(t, 200)
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
		var qr responseJSON
		r.json(t, &qr)
		if qr.ResourceType != "QuestionnaireResponse" || qr.ID != id || qr.Status != "completed" ||
			qr.Subject.Reference != "Patient/"+f.rid("anna") || qr.Authored == "" ||
			qr.Questionnaire != "urn:sotepe:assessment:respiratory-infection|"+strconv.Itoa(st.Session.Version) {
			t.Errorf("%s: %+v", lang, qr)
		}
		if len(qr.Item) != len(st.Steps) || len(qr.Item) != 8 {
			t.Fatalf("%d items, %d steps: %s", len(qr.Item), len(st.Steps), r.body)
		}
		got := map[string]int{}
		for i, it := range qr.Item {
			if want := st.Steps[i].Question; it.LinkID != want.ID || it.Text != want.Text.In(lang) {
				t.Errorf("item %d %q %q, want %q %q", i, it.LinkID, it.Text, want.ID, want.Text.In(lang))
			}
			got[it.LinkID] = len(it.Answer)
			switch a := it.Answer; it.LinkID {
			case "breathing":
				if len(a) != 1 || a[0].ValueBoolean == nil || *a[0].ValueBoolean {
					t.Errorf("breathing %+v", a)
				}
			case "fever":
				if len(a) != 1 || a[0].ValueDecimal == nil || a[0].ValueDecimal.String() != "39.5" {
					t.Errorf("fever %+v", a)
				}
			case "duration", "symptoms":
				if len(a) != 1 || a[0].ValueCoding == nil || a[0].ValueCoding.Display == "" || a[0].ValueCoding.Display == a[0].ValueCoding.Code {
					t.Errorf("%s %+v", it.LinkID, a)
				}
			case "notes":
				if len(a) != 1 || a[0].ValueString == nil || *a[0].ValueString != "Yskä yöllä." {
					t.Errorf("notes %+v", a)
				}
			}
		}
	}

	// Staff of the unit read it, audited; others get 404, as missing.
	before := f.accessCount("anna")
	f.call("nurse", "GET", "QuestionnaireResponse/"+id, nil).want(t, 200)
	if after := f.accessCount("anna"); after <= before {
		t.Errorf("the nurse's read left no audit row (%d, %d)", before, after)
	}
	f.wantOutcome(f.call("erik", "GET", "QuestionnaireResponse/"+id, nil), 404, "error.not_found", sotepe.Finnish)
	f.wantOutcome(f.call("anna", "GET", "QuestionnaireResponse/999999", nil), 404, "error.not_found", sotepe.Finnish)
	f.wantOutcome(f.call("anna", "GET", "QuestionnaireResponse/x", nil), 404, "error.not_found", sotepe.Finnish)
	if r := f.call("analyst", "GET", "QuestionnaireResponse/"+id, nil); r.status == 200 {
		t.Errorf("the analyst read the hand-over: %s", r.body)
	}
	f.wantOutcome(f.call("", "GET", "QuestionnaireResponse/"+id, nil), 401, "error.unauthorized", sotepe.Finnish)
	token := f.client("everything", sotepe.Scopes...)
	f.wantOutcome(f.call("bearer:"+token, "GET", "QuestionnaireResponse/"+id, nil), 403, "error.fhir_system_personal", sotepe.Finnish)
	// Read only: a search is 400, not an empty Bundle.
	f.wantOutcome(f.call("anna", "GET", "QuestionnaireResponse", nil), 400, "error.fhir_search_unsupported", sotepe.Finnish)
	f.wantOutcome(f.call("anna", "GET", "QuestionnaireResponse?lang=sv", nil), 400, "error.fhir_search_unsupported", sotepe.Swedish)
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
