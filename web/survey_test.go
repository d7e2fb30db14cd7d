package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// invite creates n invitations of the demo survey as the administrator and
// returns their link paths.
func invite(t *testing.T, e *env, n int) []string {
	t.Helper()
	admin := e.as("admin")
	r := admin.do("POST", "/api/v1/surveys/resident-2025/invitations", fmt.Sprintf(`{"count":%d}`, n))
	needStatus(t, r, http.StatusCreated, "invite")
	var out struct {
		Tokens []string `json:"tokens"`
		Links  []string `json:"links"`
	}
	r.json(t, &out)
	if len(out.Links) != n || len(out.Tokens) != n || out.Links[0] != "/survey/"+out.Tokens[0] {
		t.Fatalf("invitations %+v", out)
	}
	return out.Links
}

func TestSurveyAnsweredWithoutJavaScript(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		link := invite(t, e, 1)[0]
		c := e.client() // not signed in
		page := c.get(link + "?lang=sv")
		if page.status != http.StatusOK || !strings.Contains(page.body, "Invånarenkät 2025") || !strings.Contains(page.body, `id="survey-progress"`) {
			t.Fatalf("first page: %d %s", page.status, page.body)
		}
		post := func(v url.Values) response {
			return formPost(c, link+"/answer?lang=sv", v)
		}
		// A required question cannot be skipped; a scale takes only its steps.
		r := post(url.Values{"question": {"services-used"}, "value": {"dental", "family"}})
		needStatus(t, r, http.StatusSeeOther, "multi choice")
		r = post(url.Values{"question": {"satisfaction"}, "skip": {"1"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Den här frågan behöver ett svar.") {
			t.Fatalf("skipping a required question: %d", r.status)
		}
		r = post(url.Values{"question": {"satisfaction"}, "value": {"9"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `aria-invalid="true"`) {
			t.Fatalf("scale out of range: %d", r.status)
		}
		// An answer to another question than the current one is refused.
		r = post(url.Values{"question": {"waiting"}, "value": {"3"}})
		needStatus(t, r, http.StatusConflict, "not the current question")
		for _, v := range []url.Values{
			{"question": {"satisfaction"}, "value": {"4"}},
			{"question": {"got-help"}, "value": {"true"}},
			{"question": {"waiting"}, "value": {"2"}},
			{"question": {"own-language"}, "skip": {"1"}},
			{"question": {"e-services"}, "value": {"monthly"}},
			{"question": {"recommend"}, "value": {"9"}},
			{"question": {"age"}, "value": {"65-plus"}},
			{"question": {"comment"}, "value": {"Ring mig på 040 123 4567"}},
		} {
			if r := post(v); r.status != http.StatusSeeOther {
				t.Fatalf("answer %v: %d %s", v, r.status, r.body)
			}
		}
		review := c.get(link + "?lang=sv")
		if !strings.Contains(review.body, `id="survey-send"`) || !strings.Contains(review.body, "(överhoppad)") || !strings.Contains(review.body, "Tandvård, Familjecenter eller rådgivning") && !strings.Contains(review.body, "Munhälsovård, Familjecenter eller rådgivning") {
			t.Fatalf("review: %s", review.body)
		}
		// Back and forward again: the last answer changes.
		needStatus(t, formPost(c, link+"/back", nil), http.StatusSeeOther, "back")
		needStatus(t, post(url.Values{"question": {"comment"}, "value": {"Bra"}}), http.StatusSeeOther, "answer again")
		sent := formPost(c, link+"/send?lang=sv", nil)
		if sent.status != http.StatusOK || !strings.Contains(sent.body, "Tack för dina svar!") {
			t.Fatalf("send: %d %s", sent.status, sent.body)
		}
		// The link is used: a clear message, and nothing more is stored.
		again := c.get(link + "?lang=en")
		if again.status != http.StatusConflict || !strings.Contains(again.body, "This invitation link has already been used") {
			t.Fatalf("used link: %d %s", again.status, again.body)
		}
		needStatus(t, formPost(c, link+"/send", nil), http.StatusConflict, "second send")
		if r := c.get("/survey/not-a-real-token?lang=en"); r.status != http.StatusNotFound || !strings.Contains(r.body, "The survey link is not valid") {
			t.Fatalf("unknown link: %d", r.status)
		}
		var n int
		if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM survey_responses`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d responses (%v)", n, err)
		}
		var text string
		if err := e.store.DB().QueryRow(`SELECT text FROM survey_answers WHERE question_id = 'comment'`).Scan(&text); err != nil || text != "Bra" {
			t.Fatalf("comment %q (%v)", text, err)
		}
	})
}

func TestSurveyAPIAndResults(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		links := invite(t, e, 7)
		token := func(i int) string { return strings.TrimPrefix(links[i], "/survey/") }
		c := e.client()
		respond := func(i int, answers string) response {
			return c.do("POST", "/api/v1/survey-responses", `{"token":"`+token(i)+`","lang":"fi","answers":`+answers+`}`)
		}
		base := `{"question":"services-used","value":["dental"]},{"question":"got-help","value":true},{"question":"waiting","value":3},` +
			`{"question":"e-services","value":"weekly"},{"question":"recommend","value":10}`
		// Bad input stores nothing: a required answer missing, an unknown
		// question, a value out of range.
		for _, bad := range []string{
			`[` + base + `]`,
			`[` + base + `,{"question":"satisfaction","value":4},{"question":"nope","value":1}]`,
			`[` + base + `,{"question":"satisfaction","value":6}]`,
		} {
			if r := respond(0, bad); r.status != http.StatusBadRequest {
				t.Fatalf("bad response %s: %d %s", bad, r.status, r.body)
			}
		}
		needStatus(t, c.do("POST", "/api/v1/survey-responses", `{"token":"nope","answers":[]}`), http.StatusNotFound, "unknown token")
		// Six responses: satisfaction 1, 2, …, 5, 5; two of them skip the age.
		for i, sat := range []int{1, 2, 3, 4, 5, 5} {
			extra := fmt.Sprintf(`,{"question":"satisfaction","value":%d}`, sat)
			if i < 4 {
				extra += `,{"question":"age","value":"30-64"}`
			}
			if r := respond(i, `[`+base+extra+`]`); r.status != http.StatusCreated {
				t.Fatalf("response %d: %d %s", i, r.status, r.body)
			}
		}
		needStatus(t, respond(0, `[`+base+`,{"question":"satisfaction","value":4}]`), http.StatusConflict, "used token")

		// The figures: analysts and administrators only.
		resident := e.as("anna")
		needStatus(t, resident.get("/api/v1/surveys/resident-2025/results"), http.StatusForbidden, "a resident reads the results")
		needStatus(t, c.get("/api/v1/surveys/resident-2025/results"), http.StatusUnauthorized, "anonymous reads the results")
		analyst := e.as("analyst")
		r := analyst.get("/api/v1/surveys/resident-2025/results")
		needStatus(t, r, http.StatusOK, "results")
		var res struct {
			Responses int `json:"responses"`
			Questions []struct {
				Question struct {
					ID string `json:"id"`
				} `json:"question"`
				Answered int      `json:"answered"`
				Mean     *float64 `json:"mean"`
				Withheld string   `json:"withheld"`
				Options  []struct {
					ID    string   `json:"id"`
					Count int      `json:"count"`
					Share *float64 `json:"share"`
				} `json:"options"`
			} `json:"questions"`
		}
		r.json(t, &res)
		if res.Responses != 6 {
			t.Fatalf("%d responses", res.Responses)
		}
		byID := map[string]int{}
		for i, q := range res.Questions {
			byID[q.Question.ID] = i
		}
		sat := res.Questions[byID["satisfaction"]]
		if sat.Answered != 6 || sat.Mean == nil || *sat.Mean != 20.0/6 || len(sat.Options) != 5 || sat.Options[4].Count != 2 || *sat.Options[4].Share != 2.0/6 {
			t.Fatalf("satisfaction %+v", sat)
		}
		help := res.Questions[byID["got-help"]]
		if help.Options[0].ID != "yes" || help.Options[0].Count != 6 || help.Options[1].Count != 0 {
			t.Fatalf("got-help %+v", help)
		}
		// Four answered the age: too few to show.
		age := res.Questions[byID["age"]]
		if age.Answered != 4 || age.Withheld != "too_few_responses" || age.Options != nil {
			t.Fatalf("age %+v", age)
		}
		page := analyst.get("/surveys/resident-2025/results?lang=en")
		if page.status != http.StatusOK || !strings.Contains(page.body, "Responses in all: 6") || !strings.Contains(page.body, "3.33") ||
			!strings.Contains(page.body, `class="note withheld"`) {
			t.Fatalf("results page: %d %s", page.status, page.body)
		}

		// Only an administrator invites, within the limit.
		needStatus(t, analyst.do("POST", "/api/v1/surveys/resident-2025/invitations", `{"count":1}`), http.StatusForbidden, "an analyst invites")
		admin := e.as("admin")
		needStatus(t, admin.do("POST", "/api/v1/surveys/resident-2025/invitations", `{"count":0}`), http.StatusBadRequest, "no invitations")
		needStatus(t, admin.do("POST", "/api/v1/surveys/no-such/invitations", `{"count":1}`), http.StatusNotFound, "unknown survey")
		if r := c.get("/api/v1/surveys/resident-2025"); r.status != http.StatusOK || !strings.Contains(r.body, `"kind":"scale"`) {
			t.Fatalf("survey definition: %d %s", r.status, r.body)
		}
	})
}
