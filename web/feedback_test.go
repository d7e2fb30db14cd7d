package web_test

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

type feedbackJSON struct {
	ID            int64  `json:"id"`
	Unit          string `json:"unit"`
	Score         int    `json:"score"`
	Comment       string `json:"comment"`
	Channel       string `json:"channel"`
	Lang          string `json:"lang"`
	Service       string `json:"service"`
	AppointmentID int64  `json:"appointment_id"`
}

type npsJSON struct {
	Responses  int64    `json:"responses"`
	Promoters  int64    `json:"promoters"`
	Passives   int64    `json:"passives"`
	Detractors int64    `json:"detractors"`
	NPS        *float64 `json:"nps"`
	CILow      *float64 `json:"ci_low"`
	CIHigh     *float64 `json:"ci_high"`
	Withheld   string   `json:"withheld"`
}

type feedbackStatsJSON struct {
	Items []struct {
		Group struct {
			ID string `json:"id"`
		} `json:"group"`
		Period string `json:"period"`
		npsJSON
	} `json:"items"`
	Totals npsJSON `json:"totals"`
}

func formPost(c *client, path string, v url.Values) response {
	return c.do("POST", path, v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

func TestFeedbackAPIChannelsAndBadInput(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anon, anna, erik, nurse, manager, analyst := e.client(), e.as("anna"), e.as("erik"), e.as("nurse"), e.as("manager"), e.as("analyst")

		// Bad input: clear errors in the caller's language, nothing stored.
		for _, c := range []struct {
			body, lang, code, msg string
		}{
			{`{"unit":"` + kallio + `","score":11,"channel":"qr"}`, "sv", "invalid", "Välj ett betyg 0–10."},
			{`{"unit":"` + kallio + `","channel":"qr"}`, "en", "invalid", "Choose a score from 0 to 10."},
			{`{"unit":"no-such-unit","score":5,"channel":"website"}`, "fi", "not_found", "Toimipistettä ei löydy."},
			{`{"unit":"` + kallio + `","score":5,"channel":"kiosk","kiosk_token":"nope"}`, "en", "not_found", "This feedback kiosk is not known. Ask the unit manager for a new address."},
			{`{"unit":"` + kallio + `","score":5,"channel":"pigeon"}`, "en", "invalid", "Unknown feedback channel."},
			{`{"score":5,"channel":"visit","appointment_id":1}`, "en", "unauthorized", ""},
		} {
			r := anon.do("POST", "/api/v1/feedback?lang="+c.lang, c.body)
			code, msg := r.errorCode(t)
			if code != c.code || (c.msg != "" && msg != c.msg) {
				t.Errorf("%s: %d %s %q", c.body, r.status, code, msg)
			}
		}
		var list struct{ Items []feedbackJSON }
		if r := manager.get("/api/v1/feedback"); r.status != http.StatusOK {
			t.Fatalf("manager list: %d %s", r.status, r.body)
		} else if r.json(t, &list); len(list.Items) != 0 {
			t.Fatalf("bad input stored %+v", list.Items)
		}

		// A visit: anna's completed appointment, once.
		slots := anna.search("service=health-station-nurse&unit=" + kallio + "&limit=1")
		_, a := anna.book(slots[0].ID)
		visit := fmt.Sprintf(`{"score":10,"appointment_id":%d,"comment":"Soita 040 123 4567"}`, a.ID)
		needStatus(t, anna.do("POST", "/api/v1/feedback", visit), http.StatusNotFound, "answer before completion")
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/appointments/%d/mark", a.ID), `{"status":"completed"}`), http.StatusOK, "mark")
		needStatus(t, erik.do("POST", "/api/v1/feedback", visit), http.StatusNotFound, "erik answers anna's visit")
		// The completed visit's page leads to its feedback form.
		if r := anna.get(fmt.Sprintf("/appointments/%d", a.ID)); !strings.Contains(r.body, fmt.Sprintf(`href="/feedback?appointment=%d"`, a.ID)) {
			t.Errorf("the completed visit's page has no link to its feedback")
		}
		r := anna.do("POST", "/api/v1/feedback", visit)
		var got feedbackJSON
		needStatus(t, r, http.StatusCreated, "visit answer")
		r.json(t, &got)
		if got.Channel != "visit" || got.Unit != kallio || got.Service != "health-station-nurse" || got.Comment != "Soita [***]" {
			t.Fatalf("visit answer %+v", got)
		}
		r = anna.do("POST", "/api/v1/feedback?lang=sv", visit)
		if code, msg := r.errorCode(t); r.status != http.StatusConflict || code != "conflict" || msg != "Respons har redan getts om det här besöket. Tack!" {
			t.Fatalf("second visit answer: %d %s", r.status, r.body)
		}

		// A kiosk token only for the manager's own unit.
		needStatus(t, nurse.do("POST", "/api/v1/units/"+kallio+"/feedback-kiosks", ""), http.StatusNotFound, "nurse creates a kiosk")
		needStatus(t, manager.do("POST", "/api/v1/units/toolo-health-station/feedback-kiosks", ""), http.StatusNotFound, "kiosk of another unit")
		r = manager.do("POST", "/api/v1/units/"+kallio+"/feedback-kiosks", "")
		var kiosk struct{ Token string }
		needStatus(t, r, http.StatusCreated, "kiosk")
		r.json(t, &kiosk)
		for _, score := range []int{9, 8, 3} {
			body := fmt.Sprintf(`{"score":%d,"kiosk_token":%q,"lang":"sv","comment":"mail erik@example.org"}`, score, kiosk.Token)
			if r := anon.do("POST", "/api/v1/feedback", body); r.status != http.StatusCreated || !strings.Contains(r.body, `"channel":"kiosk"`) {
				t.Fatalf("kiosk answer: %d %s", r.status, r.body)
			}
		}
		// A lost tablet: the manager revokes its address, which then takes no
		// answers; a professional may not, nor may the manager of another unit.
		{
			r := manager.do("POST", "/api/v1/units/"+kallio+"/feedback-kiosks", "")
			var lost struct {
				ID    int64
				Token string
			}
			r.json(t, &lost)
			if r := manager.get("/api/v1/units/" + kallio + "/feedback-kiosks"); r.status != http.StatusOK || !strings.Contains(r.body, fmt.Sprintf(`"id":%d`, lost.ID)) || strings.Contains(r.body, lost.Token) {
				t.Fatalf("kiosk list: %d %s", r.status, r.body)
			}
			path := fmt.Sprintf("/api/v1/units/%s/feedback-kiosks/%d", kallio, lost.ID)
			needStatus(t, nurse.do("DELETE", path, ""), http.StatusNotFound, "a professional revokes a kiosk")
			needStatus(t, manager.do("DELETE", fmt.Sprintf("/api/v1/units/toolo-health-station/feedback-kiosks/%d", lost.ID), ""), http.StatusNotFound, "revoked through another unit")
			needStatus(t, manager.do("DELETE", path, ""), http.StatusNoContent, "revoke")
			body := fmt.Sprintf(`{"score":9,"kiosk_token":%q}`, lost.Token)
			needStatus(t, anon.do("POST", "/api/v1/feedback", body), http.StatusNotFound, "a revoked kiosk answers")
			needStatus(t, manager.do("DELETE", path, ""), http.StatusNotFound, "revoked twice")
		}
		// Portal: a signed-in resident about any unit.
		if r := erik.do("POST", "/api/v1/feedback", `{"unit":"`+kallio+`","score":10}`); r.status != http.StatusCreated || !strings.Contains(r.body, `"channel":"portal"`) {
			t.Fatalf("portal answer: %d %s", r.status, r.body)
		}

		// Reading: residents their own, managers their units' comments,
		// others nothing.
		anna.get("/api/v1/feedback").json(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != got.ID {
			t.Fatalf("anna's answers %+v", list.Items)
		}
		manager.get("/api/v1/feedback").json(t, &list)
		if len(list.Items) != 4 || strings.Contains(r.body, "040 123") || list.Items[0].Comment != "mail [***]" {
			t.Fatalf("manager's comments %+v", list.Items)
		}
		needStatus(t, manager.get("/api/v1/feedback?unit=toolo-health-station"), http.StatusNotFound, "another unit's comments")
		needStatus(t, analyst.get("/api/v1/feedback"), http.StatusForbidden, "analyst reads comments")
		needStatus(t, anon.get("/api/v1/feedback"), http.StatusUnauthorized, "anonymous reads")

		// Figures: 5 answers at kallio: 3 promoters, 1 passive, 1 detractor.
		var st feedbackStatsJSON
		r = analyst.get("/api/v1/stats/feedback?group_by=unit")
		needStatus(t, r, http.StatusOK, "stats")
		r.json(t, &st)
		if len(st.Items) != 1 || st.Items[0].Group.ID != kallio || st.Items[0].Responses != 5 || st.Items[0].NPS == nil || *st.Items[0].NPS != 40 {
			t.Fatalf("stats %s", r.body)
		}
		analyst.get("/api/v1/stats/feedback?group_by=channel").json(t, &st)
		for _, it := range st.Items {
			if it.NPS != nil || it.Withheld != "too_few_responses" {
				t.Errorf("small group %s shows a score: %+v", it.Group.ID, it)
			}
		}
		analyst.get("/api/v1/stats/feedback?group_by=producer_type&interval=month").json(t, &st)
		if len(st.Items) != 1 || st.Items[0].Group.ID != "own" || st.Items[0].Period != "2026-11" {
			t.Fatalf("by producer type %+v", st.Items)
		}
		r = analyst.get("/api/v1/stats/feedback?group_by=unit&format=csv")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.body, kallio+",Kallion terveysasema,Berghälls hälsostation,Kallio health station,,5,3,1,1,40,") {
			t.Fatalf("csv: %d %s", r.status, r.body)
		}
		needStatus(t, analyst.get("/api/v1/stats/feedback?group_by=colour"), http.StatusBadRequest, "bad group_by")
		// A manager's figures are their own units'.
		manager.get("/api/v1/stats/feedback?group_by=unit").json(t, &st)
		if st.Totals.Responses != 5 {
			t.Fatalf("manager's figures %+v", st.Totals)
		}
		needStatus(t, anna.get("/api/v1/stats/feedback"), http.StatusForbidden, "resident's figures")
	})
}

func TestFeedbackAbuseLimitLetsAKioskWork(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anon, manager := e.client(), e.as("manager")
		var kiosk struct{ Token string }
		manager.do("POST", "/api/v1/units/"+kallio+"/feedback-kiosks", "").json(t, &kiosk)
		// A busy waiting room: 61 answers in one hour from one address.
		for i := range 61 {
			r := formPost(anon, "/feedback/kiosk/"+kiosk.Token, url.Values{"score": {fmt.Sprint(i % 11)}})
			if r.status != http.StatusOK || !strings.Contains(r.body, `id="feedback-thanks"`) {
				t.Fatalf("kiosk answer %d: %d", i, r.status)
			}
			e.clock.Add(30 * time.Second)
		}
		// The public form from one address is limited far sooner.
		limited := 0
		for range 40 {
			if r := formPost(anon, "/units/"+kallio+"/feedback", url.Values{"score": {"9"}, "via": {"qr"}}); r.status == http.StatusTooManyRequests {
				limited++
			}
		}
		if limited != 10 {
			t.Fatalf("%d of 40 public answers limited, want 10", limited)
		}
	})
}

func TestFeedbackPagesAndQR(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anon, anna, manager := e.client(), e.as("anna"), e.as("manager")

		r := anon.get("/units/" + kallio + "/feedback?via=qr&lang=sv")
		if r.status != http.StatusOK || !strings.Contains(r.body, "Hur sannolikt") || !strings.Contains(r.body, `name="via" value="qr"`) {
			t.Fatalf("public form: %d", r.status)
		}
		r = formPost(anon, "/units/"+kallio+"/feedback?lang=sv", url.Values{"score": {"12"}, "comment": {"hej"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Välj ett betyg 0–10.") || !strings.Contains(r.body, ">hej</textarea>") {
			t.Fatalf("bad score on the form: %d", r.status)
		}
		r = formPost(anon, "/units/"+kallio+"/feedback", url.Values{"score": {"10"}, "via": {"qr"}, "comment": {"Hetu 010203A9124 ok"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="feedback-thanks"`) {
			t.Fatalf("public answer: %d", r.status)
		}
		// Portal form.
		needStatus(t, anon.get("/feedback"), http.StatusSeeOther, "portal without signing in")
		r = formPost(anna, "/feedback", url.Values{"score": {"6"}, "unit": {kallio}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="feedback-own"`) {
			t.Fatalf("portal answer: %d", r.status)
		}
		// The manager sees the figures and the masked comment; kiosks.
		r = manager.get("/staff/feedback")
		if r.status != http.StatusOK || !strings.Contains(r.body, "Hetu [***] ok") || strings.Contains(r.body, "010203A9124") {
			t.Fatalf("manager page: %d %s", r.status, r.body)
		}
		r = formPost(manager, "/staff/feedback/kiosks", url.Values{"unit": {kallio}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="kiosk-link"`) {
			t.Fatalf("kiosk from the page: %d", r.status)
		}
		// The page lists the live kiosk with a button that revokes it.
		m := regexp.MustCompile(`action="/staff/feedback/kiosks/(\d+)/revoke"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("the page offers no way to revoke the kiosk")
		}
		needStatus(t, formPost(manager, "/staff/feedback/kiosks/"+m[1]+"/revoke", url.Values{"unit": {kallio}}), http.StatusSeeOther, "revoke from the page")
		if r := manager.get("/staff/feedback"); strings.Contains(r.body, "/staff/feedback/kiosks/"+m[1]+"/revoke") {
			t.Errorf("the revoked kiosk is still listed")
		}
		if r := manager.get("/stats/feedback?interval=month"); r.status != http.StatusOK || !strings.Contains(r.body, `id="feedback-trend"`) {
			t.Fatalf("figures page: %d", r.status)
		}
		needStatus(t, manager.get("/stats/feedback/compare"), http.StatusOK, "compare page")

		// The QR code: a PNG that decodes as an image, and SVG.
		r = anon.get("/units/" + kallio + "/feedback-qr")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr png: %d", r.status)
		}
		if img, err := png.Decode(bytes.NewReader([]byte(r.body))); err != nil || img.Bounds().Dx() != 512 {
			t.Fatalf("qr png does not decode: %v", err)
		}
		r = anon.get("/units/" + kallio + "/feedback-qr?format=svg")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.body, "<path") {
			t.Fatalf("qr svg: %d", r.status)
		}
		needStatus(t, anon.get("/units/no-such-unit/feedback-qr"), http.StatusNotFound, "qr of no unit")
	})
}

func TestFeedbackCompare(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anon, analyst := e.client(), e.as("analyst")
		// Dental care: the own Kallio dental clinic and the voucher producer
		// Esimerkki Hammas.
		for i, unit := range []string{"kallio-dental-clinic", "esimerkki-hammas-kamppi"} {
			for j := range 6 {
				score := 10
				if i == 1 && j < 3 {
					score = 2
				}
				needStatus(t, formPost(anon, "/units/"+unit+"/feedback", url.Values{"score": {fmt.Sprint(score)}}), http.StatusOK, "answer")
				e.clock.Add(time.Minute)
			}
		}
		var cmp struct {
			Services []struct {
				Service struct{ ID string }
				Kinds   map[string]npsJSON `json:"producer_types"`
			}
		}
		r := analyst.get("/api/v1/stats/feedback/compare")
		needStatus(t, r, http.StatusOK, "compare")
		r.json(t, &cmp)
		if len(cmp.Services) != 1 || cmp.Services[0].Service.ID != "dental-care" {
			t.Fatalf("compare %s", r.body)
		}
		k := cmp.Services[0].Kinds
		if k["own"].NPS == nil || k["voucher"].NPS == nil {
			t.Fatalf("no scores %s", r.body)
		}
		if *k["own"].NPS != 100 || *k["voucher"].NPS != 0 || *k["voucher"].CILow != -80 || k["contract"].Responses != 0 {
			t.Fatalf("dental care by producer kind %+v", k)
		}
	})
}

func TestFeedbackYearOverYear(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anon, analyst := e.client(), e.client()
		// Five answers in June last year, one this year.
		back := 24 * time.Hour * (365 + 175)
		e.clock.Add(-back)
		for _, score := range []string{"10", "10", "9", "7", "3"} {
			needStatus(t, formPost(anon, "/units/"+kallio+"/feedback", url.Values{"score": {score}}), http.StatusOK, "answer")
		}
		e.clock.Add(back)
		needStatus(t, formPost(anon, "/units/"+kallio+"/feedback", url.Values{"score": {"10"}}), http.StatusOK, "answer")
		analyst.login("analyst")
		var st struct {
			Items []struct {
				Group        struct{ ID string }
				Responses    int64
				PreviousYear *npsJSON `json:"previous_year"`
			}
			PreviousYearTotals *npsJSON `json:"previous_year_totals"`
		}
		r := analyst.get("/api/v1/stats/feedback?from=2026-01-01&to=2026-11-23")
		r.json(t, &st)
		if len(st.Items) != 1 || st.Items[0].Responses != 1 || st.Items[0].PreviousYear == nil || st.Items[0].PreviousYear.Responses != 5 ||
			st.Items[0].PreviousYear.NPS == nil || *st.Items[0].PreviousYear.NPS != 40 || st.PreviousYearTotals.Responses != 5 {
			t.Fatalf("year over year %s", r.body)
		}
		if r := analyst.get("/stats/feedback?from=2026-01-01&to=2026-11-23&lang=en"); r.status != http.StatusOK || !strings.Contains(r.body, "NPS a year earlier") {
			t.Fatalf("page: %d", r.status)
		}
	})
}
