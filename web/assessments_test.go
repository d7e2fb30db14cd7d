package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sessionJSON is the session of the API.
type sessionJSON struct {
	ID         string `json:"id"`
	Assessment string `json:"assessment"`
	Status     string `json:"status"`
	Demo       bool   `json:"demo"`
	Answers    []struct {
		Question string          `json:"question"`
		Value    json.RawMessage `json:"value"`
	} `json:"answers"`
	Question *struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		Text    string `json:"text"`
		Options []struct{ ID, Text string }
	} `json:"question"`
	Outcome *struct {
		Urgency string `json:"urgency"`
		Service string `json:"service"`
		Text    string `json:"text"`
	} `json:"outcome"`
	ContactRequest int64 `json:"contact_request"`
}

func (c *client) startAssessment(id string) sessionJSON {
	c.e.t.Helper()
	r := c.do("POST", "/api/v1/assessments/"+id+"/sessions", "")
	if r.status != http.StatusCreated {
		c.e.t.Fatalf("start %s: %d %s", id, r.status, r.body)
	}
	var s sessionJSON
	r.json(c.e.t, &s)
	if r.header.Get("Location") != "/api/v1/assessment-sessions/"+s.ID || len(s.ID) < 20 {
		c.e.t.Fatalf("session id %q, Location %q", s.ID, r.header.Get("Location"))
	}
	return s
}

// answer posts one answer and fails unless it is taken.
func (c *client) answer(sid, question, value string) sessionJSON {
	c.e.t.Helper()
	r := c.do("POST", "/api/v1/assessment-sessions/"+sid+"/answers", `{"question":"`+question+`","value":`+value+`}`)
	if r.status != http.StatusOK {
		c.e.t.Fatalf("answer %s=%s: %d %s", question, value, r.status, r.body)
	}
	var s sessionJSON
	r.json(c.e.t, &s)
	return s
}

// dentalNonUrgent answers the dental-pain assessment to its non-urgent
// outcome: moderate pain for a few days with a swollen gum.
func (c *client) dentalNonUrgent(sid string) sessionJSON {
	c.answer(sid, "swelling-breathing", "false")
	c.answer(sid, "trauma", `"none"`)
	c.answer(sid, "pain", `"moderate"`)
	c.answer(sid, "swelling", "false")
	c.answer(sid, "fever", "false")
	c.answer(sid, "duration", `"2-to-7-days"`)
	return c.answer(sid, "notes", `"Värk vid tugg"`)
}

func TestAssessmentAPI(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anon := e.client()
		r := anon.get("/api/v1/assessments", "Accept-Language", "sv")
		var list struct {
			Items []struct {
				ID, Title string
				Demo      bool
			}
		}
		r.json(t, &list)
		if r.status != 200 || len(list.Items) < 6 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		for _, a := range list.Items {
			if !a.Demo || a.Title == "" {
				t.Errorf("assessment %+v is not marked demo or has no title", a)
			}
		}
		if r := anon.get("/api/v1/assessments/dental-pain?lang=sv"); r.status != 200 || !strings.Contains(r.body, `"Tandvärk"`) || !strings.Contains(r.body, `"questions"`) {
			t.Errorf("one assessment: %d %s", r.status, r.body)
		}
		wantStatus(t, anon.get("/api/v1/assessments/nope"), 404, "unknown assessment")

		s := anon.startAssessment("dental-pain")
		if s.Question == nil || s.Question.ID != "swelling-breathing" || s.Question.Kind != "yes_no" || s.Outcome != nil || s.Status != "in_progress" {
			t.Fatalf("first state = %+v", s)
		}
		base := "/api/v1/assessment-sessions/" + s.ID
		// Not the current question: 409; an option that does not exist: 400;
		// neither stores anything.
		r = anon.do("POST", base+"/answers", `{"question":"trauma","value":"none"}`)
		if code, _ := r.errorCode(t); r.status != 409 || code != "conflict" {
			t.Errorf("answer to another question: %d %s", r.status, r.body)
		}
		anon.answer(s.ID, "swelling-breathing", "false")
		r = anon.do("POST", base+"/answers", `{"question":"trauma","value":"lost"}`)
		wantStatus(t, r, 400, "unknown option")
		r = anon.do("POST", base+"/answers", `{"question":"trauma","value":"none","extra":1}`)
		wantStatus(t, r, 400, "unknown field")
		var got sessionJSON
		anon.get(base).json(t, &got)
		if len(got.Answers) != 1 || got.Question.ID != "trauma" {
			t.Fatalf("after refused answers: %+v", got)
		}
		// Back and change an answer.
		r = anon.do("POST", base+"/back", `{}`)
		got = sessionJSON{}
		r.json(t, &got)
		if r.status != 200 || len(got.Answers) != 0 || got.Question.ID != "swelling-breathing" {
			t.Fatalf("back: %d %+v", r.status, got)
		}
		// A red flag ends in emergency at once.
		got = anon.answer(s.ID, "swelling-breathing", "true")
		if got.Outcome == nil || got.Outcome.Urgency != "emergency" || got.Question != nil || got.Status != "finished" {
			t.Fatalf("red flag: %+v", got)
		}
		r = anon.do("POST", base+"/answers", `{"question":"trauma","value":"none"}`)
		wantStatus(t, r, 409, "answer after the outcome")
		// An emergency is never handed over.
		erik := e.as("erik")
		r = erik.do("POST", base+"/handover", "")
		if r.status != 400 || !strings.Contains(r.body, "112") {
			t.Errorf("emergency hand-over: %d %s", r.status, r.body)
		}
		r = erik.do("POST", base+"/back", `{"question":"swelling-breathing"}`)
		got = sessionJSON{}
		r.json(t, &got)
		if got.Outcome != nil || got.Question.ID != "swelling-breathing" {
			t.Fatalf("change the red flag: %+v", got)
		}
		// The knocked-out tooth is urgent dental care.
		anon.answer(s.ID, "swelling-breathing", "false")
		got = anon.answer(s.ID, "trauma", `"knocked-out"`)
		if got.Outcome == nil || got.Outcome.Urgency != "urgent" || got.Outcome.Service != "dental-care" || got.Outcome.Text == "" {
			t.Fatalf("knocked out: %+v", got)
		}
		wantStatus(t, anon.get("/api/v1/assessment-sessions/not-a-session"), 404, "unknown session")
	})
}

// TestAssessmentHandOver hands a result over as erik: a contact request on
// channel assessment, due by the urgency, routed to the recommended
// service; afterwards nobody else sees the session.
func TestAssessmentHandOver(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anon := e.client()
		s := anon.startAssessment("dental-pain")
		done := anon.dentalNonUrgent(s.ID)
		if done.Outcome == nil || done.Outcome.Urgency != "non_urgent" {
			t.Fatalf("outcome %+v", done.Outcome)
		}
		base := "/api/v1/assessment-sessions/" + s.ID
		wantStatus(t, anon.do("POST", base+"/handover", ""), 401, "hand-over without signing in")
		nurse := e.as("nurse")
		wantStatus(t, nurse.do("POST", base+"/handover", ""), 403, "hand-over by a professional")
		erik := e.as("erik")
		r := erik.do("POST", base+"/handover", "")
		needStatus(t, r, 201, "hand-over")
		var req struct {
			ID       int64
			Channel  string
			Service  string
			Unit     string
			DueAt    time.Time `json:"due_at"`
			Messages []struct{ Body string }
		}
		r.json(t, &req)
		loc, _ := time.LoadLocation("Europe/Helsinki")
		// Received Monday 10.00: the two-working-day promise, Wednesday 16.00.
		if req.Channel != "assessment" || req.Service != "dental-care" || req.Unit != "toolo-dental-clinic" ||
			!req.DueAt.Equal(time.Date(2026, 11, 25, 16, 0, 0, 0, loc)) {
			t.Errorf("request = %+v", req)
		}
		if len(req.Messages) != 1 || !strings.Contains(req.Messages[0].Body, "Icke brådskande") || !strings.Contains(req.Messages[0].Body, "Värk vid tugg") ||
			!strings.Contains(req.Messages[0].Body, "Ihållande, men värktabletter hjälper") {
			t.Errorf("the message does not carry the answers in Swedish: %+v", req.Messages)
		}
		// Again: the same request.
		r = erik.do("POST", base+"/handover", "")
		var again struct{ ID int64 }
		r.json(t, &again)
		if r.status != 201 || again.ID != req.ID {
			t.Errorf("second hand-over: %d %s", r.status, r.body)
		}
		// Now erik's: the anonymous holder of the id and anna get 404.
		wantStatus(t, anon.get(base), 404, "anonymous read of a handed-over session")
		anna := e.as("anna")
		for _, r := range []response{anna.get(base), anna.do("POST", base+"/answers", `{"question":"x","value":true}`), anna.do("POST", base+"/handover", ""),
			anna.get("/api/v1/contact-requests/" + strconv.FormatInt(req.ID, 10) + "/assessment")} {
			wantStatus(t, r, 404, "anna sees erik's")
		}
		var mine sessionJSON
		erik.get(base).json(t, &mine)
		if mine.Status != "handed_over" || mine.ContactRequest != req.ID {
			t.Errorf("erik's session: %+v", mine)
		}
		wantStatus(t, erik.do("POST", base+"/back", `{}`), 409, "change after hand-over")
		// The owner sees the hand-over; the nurse of another unit does not.
		if r := erik.get("/api/v1/contact-requests/" + strconv.FormatInt(req.ID, 10) + "/assessment"); r.status != 200 || !strings.Contains(r.body, `"urgency":"non_urgent"`) {
			t.Errorf("erik's hand-over: %d %s", r.status, r.body)
		}
		wantStatus(t, nurse.get("/api/v1/contact-requests/"+strconv.FormatInt(req.ID, 10)+"/assessment"), 404, "nurse of another unit")
	})
}

// TestAssessmentUrgentToNurse hands an urgent respiratory result to the
// Kallio health station, which the nurse grades, and checks the deadline
// and the figures.
func TestAssessmentUrgentToNurse(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		s := anna.startAssessment("respiratory-infection")
		for _, a := range [][2]string{{"breathing", "false"}, {"chest", "false"}, {"fever", "39.5"}, {"duration", `"over-7-days"`},
			{"symptoms", `["cough"]`}, {"risk", "true"}, {"worse", "false"}} {
			anna.answer(s.ID, a[0], a[1])
		}
		done := anna.answer(s.ID, "notes", `""`)
		if done.Outcome == nil || done.Outcome.Urgency != "urgent" || done.Outcome.Service != "doctor-appointment" {
			t.Fatalf("outcome %+v", done.Outcome)
		}
		// A resident's own session is hers from the start.
		wantStatus(t, e.client().get("/api/v1/assessment-sessions/"+s.ID), 404, "anonymous read of anna's session")
		// Received after the close of service hours: due the next working day.
		e.clock.Add(7 * time.Hour) // Monday 17.00
		anna.login("anna")         // the session ended meanwhile
		r := anna.do("POST", "/api/v1/assessment-sessions/"+s.ID+"/handover", `{"unit":"kallio-health-station"}`)
		var req struct {
			ID    int64
			Unit  string
			DueAt time.Time `json:"due_at"`
		}
		r.json(t, &req)
		loc, _ := time.LoadLocation("Europe/Helsinki")
		if r.status != 201 || req.Unit != "kallio-health-station" || !req.DueAt.Equal(time.Date(2026, 11, 24, 16, 0, 0, 0, loc)) {
			t.Fatalf("urgent hand-over: %d %s", r.status, r.body)
		}
		id := strconv.FormatInt(req.ID, 10)
		nurse := e.as("nurse")
		r = nurse.get("/api/v1/contact-requests/" + id + "/assessment")
		if r.status != 200 || !strings.Contains(r.body, `"answer":"39,5 °C"`) || !strings.Contains(r.body, `"urgency":"urgent"`) {
			t.Fatalf("nurse reads the hand-over: %d %s", r.status, r.body)
		}
		wantStatus(t, nurse.do("POST", "/api/v1/contact-requests/"+id+"/assessment/grading", `{"urgency":"soon"}`), 400, "unknown urgency")
		wantStatus(t, anna.do("POST", "/api/v1/contact-requests/"+id+"/assessment/grading", `{"urgency":"urgent"}`), 403, "resident grading")
		// The HTML form grades and answers in one go.
		r = nurse.do("POST", "/queue/"+id+"/assessment", url.Values{"urgency": {"non_urgent"}, "message": {"Soitamme huomenna."}}.Encode(),
			"Content-Type", "application/x-www-form-urlencoded")
		needStatus(t, r, 303, "grading form")
		r = nurse.get("/api/v1/contact-requests/" + id)
		if !strings.Contains(r.body, `"status":"answered"`) || !strings.Contains(r.body, "Soitamme huomenna.") {
			t.Errorf("the grading form did not answer: %s", r.body)
		}
		if r := nurse.get("/queue/" + id + "/assessment"); r.status != 200 || !strings.Contains(r.body, `id="staff-urgency"`) {
			t.Errorf("hand-over page: %d", r.status)
		}

		// The figures: managers and analysts only, aggregates only.
		wantStatus(t, nurse.get("/api/v1/stats/assessments"), 403, "nurse reads the figures")
		analyst := e.as("analyst")
		anon := e.client()
		anon.startAssessment("dental-pain")
		r = analyst.get("/api/v1/stats/assessments?from=2026-11-01&to=2026-11-30&interval=month")
		var stats struct {
			Total struct {
				Started, Finished, HandedOver, Graded, Agreed int64
				HandOverShare                                 *float64         `json:"handover_share"`
				AgreementRate                                 *float64         `json:"agreement_rate"`
				ByOutcome                                     map[string]int64 `json:"by_outcome"`
			}
			Items []struct {
				Period, Definition string
				Started            int64
			}
		}
		r.json(t, &stats)
		tot := stats.Total
		if r.status != 200 || tot.Started != 2 || tot.Finished != 1 || tot.ByOutcome["urgent"] != 1 || tot.HandOverShare == nil || *tot.HandOverShare != 1 ||
			tot.AgreementRate == nil || *tot.AgreementRate != 0 {
			t.Fatalf("figures: %d %s", r.status, r.body)
		}
		if strings.Contains(r.body, "Soitamme") || strings.Contains(r.body, `"resident"`) {
			t.Errorf("the figures leak: %s", r.body)
		}
		wantStatus(t, analyst.get("/api/v1/stats/assessments?interval=year"), 400, "bad interval")
		// The managers' page shows the same figures.
		manager := e.as("manager")
		page := manager.get("/stats/assessments?from=2026-11-01&to=2026-11-30&lang=en")
		if page.status != 200 || !strings.Contains(page.body, `<td class="num" id="total-handover-share">100 %</td>`) ||
			!strings.Contains(page.body, `<td class="num" id="total-agreement">0 %</td>`) || !strings.Contains(page.body, "Respiratory infection symptoms") {
			t.Errorf("figures page: %d %s", page.status, page.body)
		}
		wantStatus(t, nurse.get("/stats/assessments"), 403, "nurse opens the figures page")
	})
}

// TestAssessmentPages runs an assessment through the HTML pages without
// JavaScript: one question per page, back, change an answer, and the
// result page with its link to the service's units.
func TestAssessmentPages(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		form := func(path string, v url.Values) response {
			return c.do("POST", path, v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		}
		if r := c.get("/assessments?lang=sv"); r.status != 200 || !strings.Contains(r.body, "Tandvärk") || !strings.Contains(r.body, "demoinnehåll") {
			t.Fatalf("list page: %d", r.status)
		}
		if r := c.get("/assessments/dental-pain?lang=sv"); r.status != 200 || !strings.Contains(r.body, `id="demo-notice"`) {
			t.Fatalf("intro page: %d", r.status)
		}
		r := form("/assessments/dental-pain/start", nil)
		loc := r.header.Get("Location")
		if r.status != 303 || !strings.HasPrefix(loc, "/assessment-sessions/") {
			t.Fatalf("start: %d %q", r.status, loc)
		}
		page := c.get(loc)
		if page.status != 200 || !strings.Contains(page.body, `name="question" value="swelling-breathing"`) {
			t.Fatalf("first question: %d %s", page.status, page.body)
		}
		// Nothing chosen: the question again with the problem.
		if r := form(loc+"/answer", url.Values{"question": {"swelling-breathing"}}); r.status != 400 || !strings.Contains(r.body, `id="form-error"`) {
			t.Errorf("empty answer: %d", r.status)
		}
		steps := []url.Values{
			{"question": {"swelling-breathing"}, "value": {"false"}},
			{"question": {"trauma"}, "value": {"none"}},
			{"question": {"pain"}, "value": {"severe"}},
			{"question": {"swelling"}, "value": {"true"}},
			{"question": {"fever"}, "value": {"false"}},
			{"question": {"duration"}, "value": {"under-2-days"}},
		}
		for _, v := range steps {
			if r := form(loc+"/answer", v); r.status != 303 {
				t.Fatalf("answer %v: %d %s", v, r.status, r.body)
			}
		}
		// The browser's back button resubmits an old question: the current one
		// is shown again.
		if r := form(loc+"/answer", steps[1]); r.status != 409 || !strings.Contains(r.body, `value="notes"`) {
			t.Errorf("stale answer: %d", r.status)
		}
		needStatus(t, form(loc+"/back", nil), 303, "back")
		if r := c.get(loc); !strings.Contains(r.body, `value="duration"`) {
			t.Fatalf("after back: %s", r.body)
		}
		form(loc+"/answer", steps[5])
		form(loc+"/answer", url.Values{"question": {"notes"}, "value": {""}})
		res := c.get(loc + "?lang=sv")
		if res.status != 200 || !strings.Contains(res.body, "Brådskande") || !strings.Contains(res.body, `href="/units?service=dental-care"`) ||
			!strings.Contains(res.body, `id="assess-login"`) {
			t.Fatalf("result page: %d %s", res.status, res.body)
		}
		// Change an answer from the summary: the pain was only mild.
		needStatus(t, form(loc+"/back", url.Values{"question": {"pain"}}), 303, "change")
		form(loc+"/answer", url.Values{"question": {"pain"}, "value": {"mild"}})
		form(loc+"/answer", url.Values{"question": {"swelling"}, "value": {"false"}})
		form(loc+"/answer", url.Values{"question": {"fever"}, "value": {"false"}})
		form(loc+"/answer", steps[5])
		form(loc+"/answer", url.Values{"question": {"notes"}, "value": {""}})
		if r := c.get(loc + "?lang=en"); !strings.Contains(r.body, "Self-care") {
			t.Errorf("after the change: %s", r.body)
		}
		// Handing over needs signing in, and comes back to the result.
		if r := form(loc+"/handover", nil); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("hand-over without signing in: %d %q", r.status, r.header.Get("Location"))
		}
		c.login("erik")
		if r := c.get(loc); !strings.Contains(r.body, `id="assess-handover"`) || !strings.Contains(r.body, `value="toolo-dental-clinic"`) {
			t.Fatalf("result page for erik: %s", r.body)
		}
		r = form(loc+"/handover", url.Values{"unit": {""}})
		if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/requests/") {
			t.Fatalf("hand-over: %d %s", r.status, r.body)
		}
		if r := c.get(r.header.Get("Location")); r.status != 200 || !strings.Contains(r.body, "Egenvård") {
			t.Errorf("request page: %d", r.status)
		}
	})
}
