package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sotepe"
	"sotepe/notify"
)

func TestFeedbackExtraQuestions(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		manager, anna := e.as("manager"), e.as("anna")
		const unit = "kallio-health-station"
		scale := `{"kind":"scale","text":{"fi":"Oliko odotustila siisti?","sv":"Var väntrummet rent?","en":"Was the waiting room clean?"},` +
			`"low":{"fi":"Ei","sv":"Nej","en":"No"},"high":{"fi":"Kyllä","sv":"Ja","en":"Yes"}}`
		r := manager.do("POST", "/api/v1/units/"+unit+"/feedback-questions", scale)
		needStatus(t, r, http.StatusCreated, "add a scale")
		var q struct {
			ID int64 `json:"id"`
		}
		r.json(t, &q)
		// Someone else's unit, a resident, a text missing in a language.
		needStatus(t, manager.do("POST", "/api/v1/units/toolo-health-station/feedback-questions", scale), http.StatusNotFound, "another unit")
		needStatus(t, anna.do("POST", "/api/v1/units/"+unit+"/feedback-questions", scale), http.StatusNotFound, "a resident adds")
		needStatus(t, manager.do("POST", "/api/v1/units/"+unit+"/feedback-questions", `{"kind":"scale","text":{"fi":"Vain suomeksi"}}`), http.StatusBadRequest, "a text in one language")
		// A choice from the manager's page, options one a line.
		r = formPost(manager, "/staff/feedback/questions", url.Values{"unit": {unit}, "kind": {"single_choice"},
			"text_fi": {"Miten tulit?"}, "text_sv": {"Hur kom du?"}, "text_en": {"How did you come?"},
			"options_fi": {"Kävellen\nBussilla"}, "options_sv": {"Till fots\nMed buss"}, "options_en": {"On foot\nBy bus"}})
		needStatus(t, r, http.StatusSeeOther, "add a choice from the page")
		var list struct {
			Items []struct {
				ID       int64 `json:"id"`
				Question struct {
					ID      string `json:"id"`
					Kind    string `json:"kind"`
					Options []struct {
						ID string `json:"id"`
					} `json:"options"`
				} `json:"question"`
			} `json:"items"`
		}
		e.client().get("/api/v1/units/"+unit+"/feedback-questions").json(t, &list)
		if len(list.Items) != 2 || list.Items[1].Question.Kind != "single_choice" || len(list.Items[1].Question.Options) != 2 {
			t.Fatalf("questions %+v", list.Items)
		}
		choice := list.Items[1].ID

		// The public form asks them before the score; five answers.
		public := e.client()
		page := public.get("/units/" + unit + "/feedback?lang=sv")
		if !strings.Contains(page.body, fmt.Sprintf(`name="extra-%d"`, q.ID)) || !strings.Contains(page.body, "Var väntrummet rent?") || !strings.Contains(page.body, "Med buss") {
			t.Fatalf("the form lacks the extra questions: %s", page.body)
		}
		for i, v := range []string{"5", "4", "4", "2", "5"} {
			f := url.Values{"score": {"9"}, fmt.Sprintf("extra-%d", q.ID): {v}}
			if i < 2 {
				f.Set(fmt.Sprintf("extra-%d", choice), "o2")
			}
			if r := formPost(public, "/units/"+unit+"/feedback?lang=sv", f); r.status != http.StatusOK || !strings.Contains(r.body, `id="feedback-thanks"`) {
				t.Fatalf("answer %d: %d %s", i, r.status, r.body)
			}
		}
		// A value the scale does not take, an answer about another unit's
		// question: clear errors, nothing stored.
		needStatus(t, formPost(public, "/units/"+unit+"/feedback", url.Values{"score": {"9"}, fmt.Sprintf("extra-%d", q.ID): {"7"}}), http.StatusBadRequest, "a scale out of range")
		needStatus(t, public.do("POST", "/api/v1/feedback", fmt.Sprintf(`{"unit":"toolo-health-station","score":8,"extra":[{"question":%d,"value":3}]}`, q.ID)), http.StatusBadRequest, "another unit's question")
		var n int
		if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM feedback`).Scan(&n); err != nil || n != 5 {
			t.Fatalf("%d answers stored (%v)", n, err)
		}

		// The manager sees the figures: the scale's mean, the choice withheld.
		staff := manager.get("/staff/feedback?lang=en")
		if !strings.Contains(staff.body, "Was the waiting room clean?") || !strings.Contains(staff.body, `<strong class="mean">4.00</strong>`) ||
			!strings.Contains(staff.body, `class="note withheld"`) {
			t.Fatalf("the manager's page: %s", staff.body)
		}
		var res struct {
			Items []struct {
				ID       int64    `json:"id"`
				Answered int      `json:"answered"`
				Mean     *float64 `json:"mean"`
				Withheld string   `json:"withheld"`
			} `json:"items"`
		}
		manager.get("/api/v1/units/"+unit+"/feedback-questions/results").json(t, &res)
		if len(res.Items) != 2 || res.Items[0].Answered != 5 || res.Items[0].Mean == nil || *res.Items[0].Mean != 4 || res.Items[1].Withheld != "too_few_responses" {
			t.Fatalf("results %+v", res.Items)
		}
		needStatus(t, anna.get("/api/v1/units/"+unit+"/feedback-questions/results"), http.StatusNotFound, "a resident reads the results")

		// At most three; retiring one makes room.
		needStatus(t, manager.do("POST", "/api/v1/units/"+unit+"/feedback-questions", scale), http.StatusCreated, "a third")
		needStatus(t, manager.do("POST", "/api/v1/units/"+unit+"/feedback-questions", scale), http.StatusConflict, "a fourth")
		needStatus(t, formPost(manager, fmt.Sprintf("/staff/feedback/questions/%d/retire", q.ID), url.Values{"unit": {unit}}), http.StatusSeeOther, "retire")
		needStatus(t, manager.do("DELETE", fmt.Sprintf("/api/v1/units/%s/feedback-questions/%d", unit, q.ID), ""), http.StatusNotFound, "retire twice")
		if page := public.get("/units/" + unit + "/feedback"); strings.Contains(page.body, fmt.Sprintf(`name="extra-%d"`, q.ID)) {
			t.Fatal("a retired question is still asked")
		}
	})
}

func TestFeedbackVisitLinkWithoutSignIn(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse := e.as("anna"), e.as("nurse")
		slots := anna.search("service=health-station-nurse&unit=kallio-health-station&limit=1")
		_, a := anna.book(slots[0].ID)
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/appointments/%d/mark", a.ID), `{"status":"completed"}`), http.StatusOK, "mark")
		sent := &capture{}
		d := &notify.Dispatcher{Store: e.store, Catalog: e.cat, Sender: sent, BaseURL: "", Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler)}
		if _, err := d.Deliver(context.Background(), 100); err != nil {
			t.Fatal(err)
		}
		var link string
		for _, m := range sent.msgs {
			if m.Kind == sotepe.NotifyApptFeedback {
				if _, after, ok := strings.Cut(m.Body, "/feedback/visit/"); ok {
					link = "/feedback/visit/" + strings.Fields(after)[0]
				}
			}
		}
		if link == "" {
			t.Fatalf("no visit link sent: %+v", sent.msgs)
		}
		c := e.client() // the link works without signing in
		page := c.get(link + "?lang=en")
		if page.status != http.StatusOK || !strings.Contains(page.body, `id="feedback-visit"`) {
			t.Fatalf("the link's form: %d %s", page.status, page.body)
		}
		r := formPost(c, link+"?lang=en", url.Values{"score": {"10"}, "comment": {"Great, call me at 040 123 4567"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="feedback-thanks"`) || strings.Contains(r.body, `id="feedback-form"`) {
			t.Fatalf("answer: %d %s", r.status, r.body)
		}
		if again := c.get(link + "?lang=en"); again.status != http.StatusConflict {
			t.Fatalf("the used link: %d", again.status)
		}
		needStatus(t, formPost(c, link, url.Values{"score": {"1"}}), http.StatusConflict, "a second answer")
		needStatus(t, c.get("/feedback/visit/NOTATOKEN"), http.StatusNotFound, "an unknown link")
		// Anna sees it among her own answers, its comment screened.
		var own struct {
			Items []struct {
				Comment       string `json:"comment"`
				AppointmentID int64  `json:"appointment_id"`
			} `json:"items"`
		}
		anna.get("/api/v1/feedback").json(t, &own)
		if len(own.Items) != 1 || own.Items[0].AppointmentID != a.ID || strings.Contains(own.Items[0].Comment, "123 4567") {
			t.Fatalf("anna's answers %+v", own.Items)
		}

	})
}

// capture keeps the notifications it is sent.
type capture struct{ msgs []notify.Message }

func (c *capture) Send(_ context.Context, m notify.Message) error {
	c.msgs = append(c.msgs, m)
	return nil
}
