package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"sotepe"
	"sotepe/store"
)

// The chat services every test environment has (saveChatLines), all of the
// Kallio health station's nurses' service, so that a hand-over becomes a
// contact request there.
const (
	chatLineA     = "kallio-nurse-chat"  // open around the clock
	chatLineB     = "kallio-advice-chat" // open around the clock
	chatLineC     = "kallio-health-chat" // open around the clock
	chatLineNight = "kallio-night-chat"  // open on Sunday nights only: closed in the tests' Monday
)

// saveChatLines saves the tests' chat services into st. The demo's own
// lines come with the demo data; these do not depend on them.
func saveChatLines(t testing.TB, st *store.Store) {
	t.Helper()
	always := sotepe.OpeningHours{AlwaysOpen: true}
	night := sotepe.OpeningHours{Regular: []sotepe.DayHours{{Weekday: 7, Open: "02:00", Close: "03:00"}}}
	for _, l := range []struct {
		id    string
		hours sotepe.OpeningHours
		names sotepe.Names
	}{
		{chatLineA, always, sotepe.Names{Fi: "Hoitajan chat", Sv: "Sjukskötarens chatt", En: "Nurse chat"}},
		{chatLineB, always, sotepe.Names{Fi: "Terveysneuvonta", Sv: "Hälsorådgivning", En: "Health advice"}},
		{chatLineC, always, sotepe.Names{Fi: "Terveysaseman chat", Sv: "Hälsostationens chatt", En: "Health station chat"}},
		{chatLineNight, night, sotepe.Names{Fi: "Yöchat", Sv: "Nattchatt", En: "Night chat"}},
	} {
		line := sotepe.ChatLine{ID: l.id, ServiceID: "health-station-nurse", Names: l.names,
			Units: []string{"kallio-health-station"}, Hours: l.hours, RetentionDays: 365}
		if err := st.SaveChatLine(context.Background(), line); err != nil {
			t.Fatal(err)
		}
	}
}

// chatJSON is a chat as the API shows it.
type chatJSON struct {
	ID               int64  `json:"id"`
	Service          string `json:"service"`
	Status           string `json:"status"`
	Position         int    `json:"position"`
	EstimatedWait    *int   `json:"estimated_wait_seconds"`
	Professional     int64  `json:"professional"`
	ProfessionalName string `json:"professional_name"`
	ResidentName     string `json:"resident_name"`
	ContactRequest   int64  `json:"contact_request"`
	LastEvent        int64  `json:"last_event"`
	Events           []chatEventJSON
}

// chatEventJSON is one event of a chat's log.
type chatEventJSON struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	FromStaff bool   `json:"from_staff"`
	Author    string `json:"author"`
	Body      string `json:"body"`
	Key       string `json:"key"`
	Text      string `json:"text"`
	Status    string `json:"status"`
}

// startChat has c start a chat on line with message; it fails the test
// unless the answer is want.
func (c *client) startChat(line, message string, want int) chatJSON {
	c.e.t.Helper()
	r := c.do("POST", "/api/v1/chats", fmt.Sprintf(`{"service":%q,"message":%q}`, line, message))
	needStatus(c.e.t, r, want, "start chat on "+line)
	var ch chatJSON
	r.json(c.e.t, &ch)
	return ch
}

// chat reads chat id with its events.
func (c *client) chat(id int64) chatJSON {
	c.e.t.Helper()
	r := c.get(fmt.Sprintf("/api/v1/chats/%d", id))
	needStatus(c.e.t, r, 200, "read chat")
	var ch chatJSON
	r.json(c.e.t, &ch)
	return ch
}

// present makes the Kallio nurse available to chat: her queue asked for.
func (e *env) present(nurse *client) {
	e.t.Helper()
	needStatus(e.t, nurse.get("/api/v1/chats"), 200, "the nurse's chat queue")
}

func TestChatConversation(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna, erik, nurse := e.as("anna"), e.as("erik"), e.as("nurse")
		pid := nurse.resident(e.ids.Residents["anna"], "care_relationship").PersonalID

		// Nobody is there yet: the lines are unstaffed.
		var lines struct {
			Items []struct {
				ID      string `json:"id"`
				Service string `json:"service"`
				Open    bool   `json:"open"`
				Closed  string `json:"closed_reason"`
				Waiting int    `json:"waiting"`
			}
		}
		e.client().get("/api/v1/chat-services").json(t, &lines)
		if len(lines.Items) != 4 || lines.Items[0].Open || lines.Items[0].Closed != "unstaffed" {
			t.Fatalf("chat services before anyone is there: %+v", lines.Items)
		}
		e.present(nurse)
		lines.Items = nil
		e.client().get("/api/v1/chat-services").json(t, &lines)
		open := map[string]string{}
		for _, l := range lines.Items {
			open[l.ID] = fmt.Sprint(l.Open, l.Closed)
		}
		if open[chatLineA] != "true" || open[chatLineNight] != "falsehours" {
			t.Fatalf("chat services with the nurse there: %v", open)
		}

		// anna starts a chat and writes her identity code in it.
		c := anna.startChat(chatLineA, "Minulla on kuumetta. Henkilötunnukseni on "+pid+".", 201)
		if c.Status != "waiting" || c.Position != 1 || c.EstimatedWait == nil {
			t.Fatalf("started chat: %+v", c)
		}
		// Starting again returns the same chat.
		if again := anna.startChat(chatLineA, "Uudestaan", 200); again.ID != c.ID {
			t.Errorf("a second start gave chat %d, not %d", again.ID, c.ID)
		}
		path := fmt.Sprintf("/api/v1/chats/%d", c.ID)

		// The nurse's queue lists it, oldest first, with anna's name.
		var queue struct{ Items []chatJSON }
		nurse.get("/api/v1/chats?status=waiting").json(t, &queue)
		if len(queue.Items) != 1 || queue.Items[0].ID != c.ID || queue.Items[0].ResidentName == "" {
			t.Fatalf("the nurse's queue: %+v", queue.Items)
		}
		wantStatus(t, nurse.get("/api/v1/chats?status=ended"), 400, "an unknown status")
		if page := nurse.get("/staff/chats"); !strings.Contains(page.body, fmt.Sprintf(`href="/staff/chats/%d"`, c.ID)) {
			t.Errorf("the staff queue page does not list the chat")
		}
		// anna sees her identity code; staff see it masked, in the API
		// and on the page.
		if got := anna.chat(c.ID); !strings.Contains(got.Events[1].Body, pid) {
			t.Errorf("anna's own message: %q", got.Events[1].Body)
		}
		seen := nurse.chat(c.ID)
		if len(seen.Events) < 2 || strings.Contains(seen.Events[1].Body, pid) || !strings.Contains(seen.Events[1].Body, "[***]") {
			t.Errorf("the nurse sees %+v", seen.Events)
		}
		if page := nurse.get(fmt.Sprintf("/staff/chats/%d", c.ID)); page.status != 200 || strings.Contains(page.body, pid) {
			t.Errorf("the staff chat page: %d, shows the identity code %v", page.status, strings.Contains(page.body, pid))
		}
		if page := anna.get(fmt.Sprintf("/chat/%d", c.ID)); page.status != 200 || !strings.Contains(page.body, pid) {
			t.Errorf("anna's chat page: %d, shows her identity code %v", page.status, strings.Contains(page.body, pid))
		}

		// Another resident gets the same 404 as for a chat nobody has.
		for _, p := range []string{path, path + "/events", "/api/v1/chats/999999"} {
			wantStatus(t, erik.get(p), 404, "erik reads "+p)
		}
		wantStatus(t, erik.get(fmt.Sprintf("/chat/%d", c.ID)), 404, "erik opens anna's chat page")
		wantStatus(t, erik.do("POST", path+"/messages", `{"message":"Hei"}`), 404, "erik writes in anna's chat")
		wantStatus(t, erik.do("POST", path+"/close", ""), 404, "erik closes anna's chat")

		// The nurse takes it; a second take is refused.
		var taken chatJSON
		r := nurse.do("POST", path+"/take", "")
		needStatus(t, r, 200, "take")
		r.json(t, &taken)
		if taken.Status != "active" || taken.Professional != e.ids.Users["nurse"] {
			t.Errorf("taken: %+v", taken)
		}
		wantStatus(t, nurse.do("POST", path+"/take", ""), 409, "take again")
		wantStatus(t, anna.do("POST", path+"/take", ""), 403, "anna takes her own chat")

		// Messages both ways.
		needStatus(t, nurse.do("POST", path+"/messages", `{"message":"Kuinka kauan kuumetta on ollut?"}`), 201, "nurse writes")
		needStatus(t, anna.do("POST", path+"/messages", `{"message":"Kolme päivää."}`), 201, "anna writes")
		wantStatus(t, anna.do("POST", path+"/messages", `{"message":"  "}`), 400, "an empty message")
		wantStatus(t, anna.do("POST", path+"/typing", ""), 204, "anna types")
		got := anna.chat(c.ID)
		var texts []string
		for _, ev := range got.Events {
			if ev.Kind == "message" {
				texts = append(texts, ev.Body)
			}
		}
		if len(texts) != 3 || texts[1] != "Kuinka kauan kuumetta on ollut?" || texts[2] != "Kolme päivää." {
			t.Errorf("the transcript as anna sees it: %q", texts)
		}
		if got.ProfessionalName != "Sanna Nurmi" {
			t.Errorf("professional %q", got.ProfessionalName)
		}

		// The hand-over: only to a contact request; then anna sees the
		// request with its due time.
		wantStatus(t, nurse.do("POST", path+"/handover", `{"kind":"appointment"}`), 400, "an unknown kind of hand-over")
		wantStatus(t, nurse.do("POST", path+"/handover", `{}`), 400, "a hand-over without a kind")
		r = nurse.do("POST", path+"/handover", `{"kind":"contact_request"}`)
		needStatus(t, r, 201, "hand-over")
		var req contactJSON
		r.json(t, &req)
		if req.Channel != "chat" || req.DueAt == "" || req.Service != "health-station-nurse" {
			t.Fatalf("the contact request: %+v", req)
		}
		var mine contactJSON
		r = anna.get(fmt.Sprintf("/api/v1/contact-requests/%d", req.ID))
		needStatus(t, r, 200, "anna reads the request")
		r.json(t, &mine)
		if mine.DueAt != req.DueAt {
			t.Errorf("anna's request is due %s, the hand-over said %s", mine.DueAt, req.DueAt)
		}
		if ended := anna.chat(c.ID); ended.Status != "handed_over" || ended.ContactRequest != req.ID {
			t.Errorf("the chat after the hand-over: %+v", ended)
		}
		page := anna.get(fmt.Sprintf("/chat/%d", c.ID))
		if !strings.Contains(page.body, fmt.Sprintf(`href="/requests/%d"`, req.ID)) || !strings.Contains(page.body, `id="handover-due"`) {
			t.Errorf("anna's chat page does not lead to the request with its due time")
		}
		wantStatus(t, anna.do("POST", path+"/messages", `{"message":"Vielä yksi asia"}`), 409, "a message after the hand-over")
	})
}

func TestChatTransferAndClose(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna, nurse, manager := e.as("anna"), e.as("nurse"), e.as("manager")
		e.present(nurse)
		c := anna.startChat(chatLineB, "Kysyisin rokotuksista.", 201)
		path := fmt.Sprintf("/api/v1/chats/%d", c.ID)
		needStatus(t, nurse.do("POST", path+"/take", ""), 200, "take")
		wantStatus(t, nurse.do("POST", path+"/transfer", `{}`), 400, "a transfer to nowhere")
		wantStatus(t, nurse.do("POST", path+"/transfer", fmt.Sprintf(`{"to":%q,"to_user":%d}`, chatLineA, e.ids.Users["manager"])), 400, "a transfer to two places")
		var moved chatJSON
		r := nurse.do("POST", path+"/transfer", fmt.Sprintf(`{"to_user":%d}`, e.ids.Users["manager"]))
		needStatus(t, r, 200, "transfer to the manager")
		r.json(t, &moved)
		if moved.Professional != e.ids.Users["manager"] || moved.Status != "active" {
			t.Errorf("after the transfer to a colleague: %+v", moved)
		}
		// The manager passes it to another line's queue, where it waits again.
		r = manager.do("POST", path+"/transfer", fmt.Sprintf(`{"to":%q}`, chatLineC))
		needStatus(t, r, 200, "transfer to a line")
		r.json(t, &moved)
		if moved.Status != "waiting" || moved.Service != chatLineC {
			t.Errorf("after the transfer to a line: %+v", moved)
		}
		// anna ends it herself.
		r = anna.do("POST", path+"/close", "")
		needStatus(t, r, 200, "anna closes")
		r.json(t, &moved)
		if moved.Status != "closed" {
			t.Errorf("after closing: %+v", moved)
		}
		wantStatus(t, anna.do("POST", path+"/close", ""), 409, "close again")
		// The resident's list has no open chats left.
		var list struct{ Items []chatJSON }
		anna.get("/api/v1/chats").json(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("anna's open chats: %+v", list.Items)
		}
		wantStatus(t, e.as("analyst").get("/api/v1/chats"), 403, "an analyst has no chat queue")
	})
}

func TestChatClosedLineOffersContactRequest(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		e.present(e.as("nurse"))
		r := anna.do("POST", "/api/v1/chats", fmt.Sprintf(`{"service":%q,"message":"Onko auki?"}`, chatLineNight))
		needStatus(t, r, 409, "a chat on a closed line")
		var body struct {
			Error struct {
				Code           string `json:"code"`
				Message        string `json:"message"`
				ClosedReason   string `json:"closed_reason"`
				ContactRequest struct {
					Service string `json:"service"`
					Form    string `json:"form"`
					API     string `json:"api"`
					Days    int    `json:"promise_working_days"`
				} `json:"contact_request"`
			} `json:"error"`
		}
		r.json(t, &body)
		cr := body.Error.ContactRequest
		if body.Error.Code != "conflict" || body.Error.ClosedReason != "hours" || cr.Service != "health-station-nurse" ||
			cr.Form != "/requests/new?service=health-station-nurse" || cr.API != "/api/v1/contact-requests" || cr.Days != 2 || body.Error.Message == "" {
			t.Errorf("the closed line's answer: %+v", body.Error)
		}
		// The form the answer names works.
		if page := anna.get(cr.Form); page.status != 200 || !strings.Contains(page.body, `name="service" value="health-station-nurse"`) {
			t.Errorf("the contact form: %d", page.status)
		}
		// The page: the closed line says why and offers the contact form
		// with the promise; the emergency number is at the top.
		page := anna.get("/chat?lang=fi")
		for _, want := range []string{`id="emergency"`, `id="closed-` + chatLineNight + `"`, `href="/requests/new?service=health-station-nurse"`,
			"Vastaamme kahden arkipäivän kuluessa.", "112"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the chat page lacks %q", want)
			}
		}
		if strings.Index(page.body, `id="emergency"`) > strings.Index(page.body, `id="line-`) {
			t.Errorf("the emergency notice is not at the top")
		}
		// Starting from the page on the closed line shows the page again
		// with the refusal and the way to the contact form.
		r = anna.do("POST", "/chat", "service="+chatLineNight+"&message=Onko+auki%3F", "Content-Type", form)
		if r.status != 409 || !strings.Contains(r.body, `id="chat-error"`) || !strings.Contains(r.body, `id="contact-`+chatLineNight+`"`) {
			t.Errorf("the form on a closed line: %d", r.status)
		}
	})
}

func TestChatWithoutJavaScript(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik, nurse := e.as("erik"), e.as("nurse")
		// Without staff the line is closed; the nurse's queue page opens it.
		needStatus(t, nurse.get("/staff/chats"), 200, "the staff queue page")
		// A start without a message is an error at that line's message box.
		r := erik.do("POST", "/chat?lang=sv", "service="+chatLineA+"&message=+", "Content-Type", form)
		checkFieldError(t, "a chat begun without a message", r, http.StatusBadRequest, "chat-error", "message-"+chatLineA, errorPrefix["sv"])
		r = erik.do("POST", "/chat?lang=sv", "service="+chatLineA+"&message=Jag+har+feber.", "Content-Type", form)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/chat/") {
			t.Fatalf("start form: %d %q", r.status, r.header.Get("Location"))
		}
		where := r.header.Get("Location")
		id := strings.TrimPrefix(where, "/chat/")
		page := erik.get(where)
		for _, want := range []string{"Jag har feber.", "Du är nummer 1 i kön.", `<noscript><meta http-equiv="refresh" content="10"></noscript>`, `action="` + where + `/messages"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("erik's chat page lacks %q", want)
			}
		}
		// The reload can be stopped (WCAG 2.2.1): the page then keeps it
		// off, and so do its forms.
		if !strings.Contains(page.body, `href="`+where+`?refresh=off" id="auto-refresh-stop">Sluta uppdatera sidan var 10:e sekund</a>`) {
			t.Errorf("erik's waiting page has no link to stop its reload")
		}
		off := erik.get(where + "?refresh=off")
		for _, want := range []string{`id="auto-refresh-start"`, `action="` + where + `/messages?refresh=off"`, `href="` + where + `?refresh=off" id="chat-refresh"`} {
			if !strings.Contains(off.body, want) {
				t.Errorf("erik's page with the reload off lacks %q", want)
			}
		}
		if strings.Contains(off.body, "http-equiv") {
			t.Errorf("erik's page reloads itself after he stopped it")
		}
		r = erik.do("POST", where+"/messages?refresh=off", "message=Och+hosta.", "Content-Type", form)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != where+"?refresh=off" {
			t.Errorf("a message sent with the reload off: %d %q", r.status, r.header.Get("Location"))
		}
		if q := nurse.get("/staff/chats?refresh=off"); strings.Contains(q.body, "http-equiv") || !strings.Contains(q.body, `id="auto-refresh-start"`) {
			t.Errorf("the staff queue with the reload off")
		}
		// He finds it again from the chat page.
		if list := erik.get("/chat"); !strings.Contains(list.body, `href="`+where+`"`) {
			t.Errorf("the chat page does not lead back to the open chat")
		}
		staff := "/staff/chats/" + id
		needStatus(t, nurse.do("POST", staff+"/take", "x=1", "Content-Type", form), http.StatusSeeOther, "take form")
		wantStatus(t, nurse.do("POST", staff+"/take", "x=1", "Content-Type", form), 409, "take form again")
		needStatus(t, nurse.do("POST", staff+"/messages", "message=Hur+l%C3%A4nge+har+du+haft+feber%3F", "Content-Type", form), http.StatusSeeOther, "staff send form")
		needStatus(t, erik.do("POST", where+"/messages", "message=Tv%C3%A5+dagar.", "Content-Type", form), http.StatusSeeOther, "send form")
		page = erik.get(where)
		if !strings.Contains(page.body, "Hur länge har du haft feber?") || !strings.Contains(page.body, "Två dagar.") || !strings.Contains(page.body, "Sanna Nurmi") {
			t.Errorf("erik's page does not show the conversation")
		}
		checkFieldError(t, "an empty message", erik.do("POST", where+"/messages?lang=sv", "message=+", "Content-Type", form),
			http.StatusBadRequest, "chat-error", "message", errorPrefix["sv"])
		if sp := nurse.get(staff); !strings.Contains(sp.body, "Två dagar.") || !strings.Contains(sp.body, `action="`+staff+`/handover"`) {
			t.Errorf("the nurse's page does not show the conversation and the hand-over")
		}
		// The hand-over form leads to the request in the queue.
		r = nurse.do("POST", staff+"/handover", "x=1", "Content-Type", form)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/queue/") {
			t.Fatalf("hand-over form: %d %q", r.status, r.header.Get("Location"))
		}
		if q := nurse.get(r.header.Get("Location")); q.status != 200 || !strings.Contains(q.body, "Jag har feber.") {
			t.Errorf("the request in the queue: %d, holds the transcript %v", q.status, strings.Contains(q.body, "Jag har feber."))
		}
		page = erik.get(where)
		if !strings.Contains(page.body, `id="handover-link"`) || strings.Contains(page.body, "<noscript><meta") || strings.Contains(page.body, `id="chat-form"`) {
			t.Errorf("erik's page after the hand-over")
		}
		// A chat of his own he ends himself.
		r = erik.do("POST", "/chat", "service="+chatLineB+"&message=En+fr%C3%A5ga.", "Content-Type", form)
		needStatus(t, r, http.StatusSeeOther, "second chat")
		needStatus(t, erik.do("POST", r.header.Get("Location")+"/close", "x=1", "Content-Type", form), http.StatusSeeOther, "close form")
		if p := erik.get(r.header.Get("Location")); !strings.Contains(p.body, `id="chat-ended"`) {
			t.Errorf("the ended chat's page")
		}
	})
}

func TestChatPagesInEveryLanguage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		for lang, want := range map[string][]string{
			"fi": {"Chat ammattilaisen kanssa", "Hätätilanteessa soita aina 112.", `href="/chat" id="nav-chat">Chat<`},
			"sv": {"Chatt med en yrkesperson", "I en nödsituation ring alltid 112.", `href="/chat" id="nav-chat">Chatt<`},
			"en": {"Chat with a professional", "In an emergency always call 112.", `href="/chat" id="nav-chat">Chat<`},
		} {
			page := anna.get("/chat?lang=" + lang)
			for _, w := range want {
				if !strings.Contains(page.body, w) {
					t.Errorf("/chat in %s lacks %q", lang, w)
				}
			}
			if k := regexp.MustCompile(`>chat\.[a-z_.]+<|"chat\.[a-z_.]+"`).FindString(page.body); k != "" {
				t.Errorf("/chat in %s shows a key: %s", lang, k)
			}
		}
		nurse := e.as("nurse")
		for _, lang := range []string{"fi", "sv", "en"} {
			page := nurse.get("/staff/chats?lang=" + lang)
			if page.status != 200 || !strings.Contains(page.body, `id="nav-chats"`) {
				t.Errorf("/staff/chats in %s: %d", lang, page.status)
			}
			if k := regexp.MustCompile(`>chat\.[a-z_.]+<`).FindString(page.body); k != "" {
				t.Errorf("/staff/chats in %s shows a key: %s", lang, k)
			}
		}
		// An anonymous visitor sees the lines and is asked to sign in.
		if page := e.client().get("/chat"); page.status != 200 || !strings.Contains(page.body, "/login?next=%2Fchat") {
			t.Errorf("/chat for a visitor: %d", page.status)
		}
	})
}
