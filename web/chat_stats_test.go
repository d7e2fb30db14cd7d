package web_test

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/chat"
	"sotepe/store"
	"sotepe/web"
)

// chatLineToolo is a chat service of the Töölö health station that only
// the chat figures' test has, so that a manager of Kallio and one of Töölö
// see different chat services.
const chatLineToolo = "toolo-chat"

// chatFigureJSON is one group of GET /api/v1/stats/chats.
type chatFigureJSON struct {
	Key         string       `json:"key"`
	Names       sotepe.Names `json:"names"`
	Started     int          `json:"started"`
	Answered    int          `json:"answered"`
	Abandoned   int          `json:"abandoned"`
	HandedOver  int          `json:"handed_over"`
	WaitP50     *float64     `json:"wait_p50_seconds"`
	WaitP90     *float64     `json:"wait_p90_seconds"`
	DurationP50 *float64     `json:"duration_p50_seconds"`
	DurationP90 *float64     `json:"duration_p90_seconds"`
}

// chatFigures reads the chat figures of the tests' Monday grouped by by.
func (c *client) chatFigures(by string) []chatFigureJSON {
	c.e.t.Helper()
	r := c.get("/api/v1/stats/chats?from=2026-11-23&to=2026-11-23&by=" + by)
	needStatus(c.e.t, r, 200, "chat figures by "+by)
	var body struct {
		From, To, By string
		Rows         []chatFigureJSON
	}
	r.json(c.e.t, &body)
	if body.From != "2026-11-23" || body.To != "2026-11-23" || body.By != by || body.Rows == nil {
		c.e.t.Errorf("chat figures by %s: %s", by, r.body)
	}
	return body.Rows
}

// figureLine writes a group's counts and times for comparing: key
// started/answered/abandoned/handed over, then the median and 90th
// percentile of the wait and the duration in seconds ("-" for none).
func figureLine(f chatFigureJSON) string {
	sec := func(v *float64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprintf("%g", math.Round(*v*10)/10)
	}
	return fmt.Sprintf("%s %d/%d/%d/%d wait %s,%s duration %s,%s", f.Key, f.Started, f.Answered, f.Abandoned, f.HandedOver,
		sec(f.WaitP50), sec(f.WaitP90), sec(f.DurationP50), sec(f.DurationP90))
}

func figureLines(rows []chatFigureJSON) []string {
	out := make([]string, len(rows))
	for i, f := range rows {
		out[i] = figureLine(f)
	}
	return out
}

// tileValue returns the value of the dashboard tile id, "" when there is
// no such tile.
func tileValue(body, id string) string {
	m := regexp.MustCompile(`id="` + id + `"><span class="tile-label">[^<]*</span> <strong class="tile-value">([^<]*)</strong>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestChatStats makes five chats on the tests' Monday morning through the
// API, as residents and professionals do, and reads their figures: one
// answered after 2 minutes and closed 5 minutes later, one abandoned by the
// chat service's sweep, one answered after a minute and handed over 3
// minutes later, one still waiting, and one on a Töölö line answered after
// 30 seconds and still going on. It runs on both engines.
func TestChatStats(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			// The chat service is kept, to run its sweep of abandoned
			// chats as its Run loop would.
			var chats *chat.Service
			e := newEnvOn(t, engine, func(c *web.Config) {
				chats = chat.New(chat.Config{Store: c.Store.(*store.Store), Contact: c.Contacts, Calendar: c.Calendar, Translate: c.Catalog.T, Now: c.Now})
				c.Chats = chats
			})
			testChatStats(t, e, chats)
		})
	}
}

func testChatStats(t *testing.T, e *env, chats *chat.Service) {
	ctx := context.Background()
	err := e.store.SaveChatLine(ctx, sotepe.ChatLine{ID: chatLineToolo, ServiceID: "health-station-nurse",
		Names: sotepe.Names{Fi: "Töölön chat", Sv: "Tölö chatt", En: "Töölö chat"}, Units: []string{"toolo-health-station"},
		Hours: sotepe.OpeningHours{AlwaysOpen: true}, RetentionDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := demoHash()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []sotepe.NewUser{
		{Username: "toolo-nurse", Name: "Tea Töölö", Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"toolo-health-station"}, Lang: sotepe.Finnish, PasswordHash: hash},
		{Username: "toolo-manager", Name: "Tom Töölö", Roles: []sotepe.Role{sotepe.RoleManager, sotepe.RoleProfessional}, Units: []string{"toolo-health-station"}, Lang: sotepe.Finnish, PasswordHash: hash},
	} {
		if _, err := e.store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	anna, erik, nurse, tooloNurse := e.as("anna"), e.as("erik"), e.as("nurse"), e.as("toolo-nurse")
	analyst, manager, tooloManager := e.as("analyst"), e.as("manager"), e.as("toolo-manager")
	act := func(c *client, id int64, what, body string, want int) {
		t.Helper()
		needStatus(t, c.do("POST", fmt.Sprintf("/api/v1/chats/%d/%s", id, what), body), want, what)
	}

	// Before any chat: no rows, and the page says so.
	if rows := analyst.chatFigures("line"); len(rows) != 0 {
		t.Errorf("figures before any chat: %v", figureLines(rows))
	}
	if r := analyst.get("/stats/chats?from=2026-11-23&to=2026-11-23&lang=en"); r.status != 200 || !strings.Contains(r.body, `id="chat-stats-none"`) {
		t.Errorf("the empty page: %d, no empty state", r.status)
	}

	// 10.00: erik waits on line B and leaves; anna's chat on line A is
	// taken at 10.02 and closed at 10.07.
	e.present(nurse)
	gone := erik.startChat(chatLineB, "Onko teillä aikaa?", 201)
	closed := anna.startChat(chatLineA, "Minulla on kysymys.", 201)
	e.clock.Add(2 * time.Minute)
	act(nurse, closed.ID, "take", "", 200)
	e.clock.Add(5 * time.Minute)
	act(nurse, closed.ID, "close", "", 200)
	// 10.07: anna's chat on line C, taken at 10.08 and handed over at
	// 10.11.
	e.present(nurse)
	handed := anna.startChat(chatLineC, "Tarvitsen ajan.", 201)
	e.clock.Add(time.Minute)
	act(nurse, handed.ID, "take", "", 200)
	e.clock.Add(3 * time.Minute)
	act(nurse, handed.ID, "handover", `{"kind":"contact_request"}`, 201)
	// 10.12: erik has been away for 12 minutes; the sweep ends his chat.
	e.clock.Add(time.Minute)
	if n, err := chats.SweepAbandoned(ctx); err != nil || n != 1 {
		t.Fatalf("the sweep abandoned %d chats (%v), want erik's", n, err)
	}
	if got := erik.chat(gone.ID); got.Status != "abandoned" {
		t.Fatalf("erik's chat after the sweep: %s", got.Status)
	}
	// anna waits on line A again; erik's chat on the Töölö line is taken
	// after 30 seconds.
	e.present(nurse)
	anna.startChat(chatLineA, "Vielä yksi asia.", 201)
	e.present(tooloNurse)
	toolo := erik.startChat(chatLineToolo, "Hej!", 201)
	e.clock.Add(30 * time.Second)
	act(tooloNurse, toolo.ID, "take", "", 200)

	// The analyst sees every chat service.
	byLine := []string{
		chatLineB + " 1/0/1/0 wait -,- duration -,-",
		chatLineC + " 1/1/0/1 wait 60,60 duration 180,180",
		chatLineA + " 2/1/0/0 wait 120,120 duration 300,300",
		chatLineToolo + " 1/1/0/0 wait 30,30 duration -,-",
	}
	rows := analyst.chatFigures("line")
	if got := figureLines(rows); !slices.Equal(got, byLine) {
		t.Errorf("the analyst's figures by line:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(byLine, "\n"))
	}
	if len(rows) == 4 && (rows[2].Names.Sv != "Sjukskötarens chatt" || rows[3].Names.Fi != "Töölön chat") {
		t.Errorf("the lines' names: %+v, %+v", rows[2].Names, rows[3].Names)
	}
	byUnit := []string{
		" 2/0/1/0 wait -,- duration -,-",
		"kallio-health-station 2/2/0/1 wait 90,114 duration 240,288",
		"toolo-health-station 1/1/0/0 wait 30,30 duration -,-",
	}
	rows = analyst.chatFigures("unit")
	if got := figureLines(rows); !slices.Equal(got, byUnit) {
		t.Errorf("the analyst's figures by unit:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(byUnit, "\n"))
	}
	if len(rows) == 3 && (rows[0].Names.Fi != e.cat.T(sotepe.Finnish, "chat.figures.not_taken", nil) || rows[1].Names.En == "kallio-health-station") {
		t.Errorf("the units' names: %+v, %+v", rows[0].Names, rows[1].Names)
	}
	rows = analyst.chatFigures("hour")
	if len(rows) != 1 || rows[0].Key != "10" || rows[0].Started != 5 || rows[0].Names.Fi != "10–11" {
		t.Errorf("the analyst's figures by hour: %+v", rows)
	}

	// Each manager sees their own units' chat services only.
	if got := figureLines(manager.chatFigures("line")); !slices.Equal(got, byLine[:3]) {
		t.Errorf("the Kallio manager's figures: %q", got)
	}
	if got := figureLines(tooloManager.chatFigures("line")); !slices.Equal(got, byLine[3:]) {
		t.Errorf("the Töölö manager's figures: %q", got)
	}
	if got := figureLines(tooloManager.chatFigures("unit")); !slices.Equal(got, byUnit[2:]) {
		t.Errorf("the Töölö manager's figures by unit: %q", got)
	}

	// Residents and professionals may not; a bad grouping or period is
	// refused.
	for _, c := range []*client{anna, nurse} {
		wantStatus(t, c.get("/api/v1/stats/chats"), 403, "the figures as a resident or professional")
		wantStatus(t, c.get("/stats/chats"), 403, "the page as a resident or professional")
	}
	wantStatus(t, e.client().get("/api/v1/stats/chats"), 401, "the figures without signing in")
	for _, q := range []string{"by=service", "from=2026-11-24&to=2026-11-23", "from=23.11.2026", "from=2020-01-01&to=2026-11-23"} {
		r := analyst.get("/api/v1/stats/chats?" + q)
		if code, _ := r.errorCode(t); r.status != 400 || code != "invalid" {
			t.Errorf("?%s: %d %s", q, r.status, r.body)
		}
	}
	r := analyst.get("/stats/chats?by=service&lang=sv")
	if want := e.cat.T(sotepe.Swedish, "chat.error.group", nil); r.status != 400 || !strings.Contains(r.body, `id="chat-stats-error"`) || !strings.Contains(r.body, want) {
		t.Errorf("the page with by=service: %d, lacks %q", r.status, want)
	}

	// The page in Finnish and Swedish, its times in minutes with a
	// decimal comma.
	const day = "/stats/chats?from=2026-11-23&to=2026-11-23"
	for _, c := range []struct {
		lang  sotepe.Lang
		query string
		want  []string
	}{
		{sotepe.Finnish, "", []string{"<h1>Chatit: aloitetut, vastatut ja jonotusajat</h1>",
			`<th scope="row">Hoitajan chat</th><td class="num">2</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">2,0` + "\u00a0" + `min</td><td class="num">2,0` + "\u00a0" + `min</td><td class="num">5,0` + "\u00a0" + `min</td>`,
			`<th scope="row">Töölön chat</th><td class="num">1</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">0,5` + "\u00a0" + `min</td><td class="num">0,5` + "\u00a0" + `min</td><td class="num">–</td>`,
			`<tr id="chat-stats-total"><th scope="row">Yhteensä</th><td class="num">5</td><td class="num">3</td><td class="num">1</td><td class="num">1</td><td class="num">–</td>`}},
		{sotepe.Swedish, "&by=unit", []string{"<h1>Chattar: inledda, besvarade och väntetider</h1>", `<th scope="col">Verksamhetsställe</th>`,
			`<th scope="row">Inget verksamhetsställe (inte besvarad)</th><td class="num">2</td><td class="num">0</td><td class="num">1</td>`,
			`<td class="num">1,5` + "\u00a0" + `min</td><td class="num">1,9` + "\u00a0" + `min</td><td class="num">4,0` + "\u00a0" + `min</td><td class="num">4,8` + "\u00a0" + `min</td>`}},
		{sotepe.English, "&by=hour", []string{"<h1>Chats: started, answered and waiting times</h1>", `<th scope="row">10–11</th><td class="num">5</td>`}},
	} {
		r := analyst.get(day + c.query + "&lang=" + string(c.lang))
		if r.status != 200 {
			t.Errorf("the page in %s: %d", c.lang, r.status)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("the page in %s%s lacks %q", c.lang, c.query, w)
			}
		}
		if strings.Contains(r.body, `id="chat-stats-own"`) {
			t.Errorf("the analyst's page says the figures are of their own units")
		}
		if !strings.Contains(r.body, `id="nav-chat-stats"`) {
			t.Errorf("the page in %s has no link to itself in the menu", c.lang)
		}
	}
	r = manager.get(day + "&lang=fi")
	if !strings.Contains(r.body, `id="chat-stats-own"`) || strings.Contains(r.body, "Töölön chat") || !strings.Contains(r.body, "Hoitajan chat") {
		t.Errorf("the Kallio manager's page does not keep to their chat services")
	}
	if r := analyst.get("/stats/chats?from=2025-01-01&to=2025-01-31&lang=sv"); !strings.Contains(r.body, `id="chat-stats-none"`) ||
		!strings.Contains(r.body, "Inga chattar inleddes under perioden.") {
		t.Errorf("a period without chats: %d, no empty state", r.status)
	}

	// The dashboard's chat section: the sums of the period, the median
	// wait of the busiest line named, and the link keeping the period.
	const month = "/dashboard?from=2026-11-01&to=2026-11-30"
	r = analyst.get(month + "&lang=en")
	needStatus(t, r, 200, "the analyst's dashboard")
	for id, want := range map[string]string{"tile-chat-started": "5", "tile-chat-answered": "3", "tile-chat-abandoned": "20.0%", "tile-chat-wait": "2.0\u00a0min"} {
		if got := tileValue(r.body, id); got != want {
			t.Errorf("the analyst's dashboard: %s is %q, want %q", id, got, want)
		}
	}
	if !strings.Contains(r.body, "Median wait in the busiest chat service") || !strings.Contains(r.body, "Nurse chat: the most answered chats.") ||
		!strings.Contains(r.body, `href="/stats/chats?from=2026-11-01&amp;to=2026-11-30" id="dashboard-chat-link"`) {
		t.Errorf("the analyst's dashboard lacks the chat section's wait note or link")
	}
	r = tooloManager.get(month + "&lang=fi")
	needStatus(t, r, 200, "the Töölö manager's dashboard")
	if got := tileValue(r.body, "tile-chat-started"); got != "1" {
		t.Errorf("the Töölö manager's chats started: %q", got)
	}
	if got := tileValue(r.body, "tile-chat-wait"); got != "0,5\u00a0min" || !strings.Contains(r.body, "kaikista vastatuista chateista") {
		t.Errorf("the Töölö manager's median wait: %q, or no note that it is over every chat", got)
	}
	// Before any chat of the period the tiles are zero and without value.
	r = manager.get("/dashboard?from=2026-10-01&to=2026-10-31&lang=sv")
	if tileValue(r.body, "tile-chat-started") != "0" || tileValue(r.body, "tile-chat-abandoned") != "–" || tileValue(r.body, "tile-chat-wait") != "–" {
		t.Errorf("the manager's dashboard of October: started %q, abandoned %q, wait %q", tileValue(r.body, "tile-chat-started"),
			tileValue(r.body, "tile-chat-abandoned"), tileValue(r.body, "tile-chat-wait"))
	}
}
