package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The pages' languages, for the checks that run in each.
var pageLangs = []string{"fi", "sv", "en"}

var (
	tagPattern    = regexp.MustCompile(`<[^>]*>`)
	hiddenPattern = regexp.MustCompile(`(?s)<span class="visually-hidden">.*?</span>`)
)

// control is a button or link as a screen reader and as the eye read it.
type control struct {
	name    string // the accessible name: all its text
	visible string // the text that shows
}

// controls returns the elements tag (button or a) of body whose opening
// tag matches attr, with their names.
func controls(body, tag, attr string) []control {
	re := regexp.MustCompile(`(?s)<` + tag + `\b[^>]*` + regexp.QuoteMeta(attr) + `[^>]*>(.*?)</` + tag + `>`)
	var out []control
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		text := func(s string) string {
			// Inline spans join their text; other tags part words.
			s = strings.NewReplacer("</span>", "", `<span class="visually-hidden">`, "").Replace(s)
			return strings.Join(strings.Fields(html.UnescapeString(tagPattern.ReplaceAllString(s, " "))), " ")
		}
		out = append(out, control{name: text(m[1]), visible: text(hiddenPattern.ReplaceAllString(m[1], ""))})
	}
	return out
}

// distinctNames fails unless every control of cs with the label visible
// has visually hidden context and a name of its own, and at least min of
// them are on the page.
func distinctNames(t *testing.T, what string, cs []control, visible string, min int) {
	t.Helper()
	seen := map[string]bool{}
	n := 0
	for _, c := range cs {
		if c.visible != visible {
			continue
		}
		n++
		if c.name == c.visible || !strings.HasPrefix(c.name, visible+" ") {
			t.Errorf("%s: %q has no context after its label", what, c.name)
		}
		if seen[c.name] {
			t.Errorf("%s: two controls are named %q", what, c.name)
		}
		seen[c.name] = true
	}
	if n < min {
		t.Errorf("%s: %d controls labelled %q, want at least %d", what, n, visible, min)
	}
}

func TestQueueSubjectsAndLiveRegion(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik, nurse := e.as("erik"), e.as("nurse")
		r := erik.get("/requests/new?service=health-station-nurse")
		key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(r.body)
		if key == nil {
			t.Fatal("the form has no idempotency key")
		}
		msg := "Kurkku kipeä, hetu 010190-123A, soittakaa 040 123 4567 aamulla ennen kymmentä kiitos paljon"
		r = erik.do("POST", "/requests/new", "service=health-station-nurse&unit=kallio-health-station&key="+key[1]+"&message="+strings.ReplaceAll(msg, " ", "+"), "Content-Type", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", r.status)
		}
		id := strings.TrimPrefix(r.header.Get("Location"), "/requests/")
		live := map[string]string{"fi": "{n} uutta yhteydenottopyyntöä", "sv": "{n} nya kontaktbegäranden", "en": "{n} new requests"}
		refresh := map[string]string{"fi": "Päivitä jono", "sv": "Uppdatera kön", "en": "Refresh the queue"}
		for _, lang := range pageLangs {
			q := nurse.get("/queue?lang=" + lang)
			needStatus(t, q, http.StatusOK, "queue page "+lang)
			if !strings.Contains(q.body, `<p id="queue-live" role="status" aria-live="polite"`) || !strings.Contains(q.body, `data-new-many="`+live[lang]+`"`) {
				t.Errorf("%s: the queue has no polite live region in its language", lang)
			}
			if !strings.Contains(q.body, `id="queue-refresh">`+refresh[lang]+`</a>`) {
				t.Errorf("%s: the queue has no refresh link", lang)
			}
			links := controls(q.body, "a", `id="open-`+id+`"`)
			if len(links) != 1 {
				t.Fatalf("%s: the queue row of request %s: %v", lang, id, links)
			}
			// The subject: the first words, screened, cut with an ellipsis.
			want := "Kurkku kipeä, hetu [***], soittakaa [***] aamulla ennen kymmentä…"
			if links[0].name != want {
				t.Errorf("%s: the row's subject is %q, want %q", lang, links[0].name, want)
			}
			if strings.Contains(q.body, "010190-123A") || strings.Contains(q.body, "123 4567") {
				t.Errorf("%s: the queue shows an identity code or phone number", lang)
			}
			if !strings.Contains(q.body, `<tr id="req-`+id+`" data-id="`+id+`"`) {
				t.Errorf("%s: the row has no id for the script", lang)
			}
		}
	})
}

func TestAppointmentButtonsNamedWithContext(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna, nurse := e.as("anna"), e.as("nurse")
		book := map[string]string{"fi": "Varaa", "sv": "Boka", "en": "Book"}
		closeSlot := map[string]string{"fi": "Sulje aika", "sv": "Stäng tiden", "en": "Close"}
		slots := anna.search("service=health-station-nurse&unit=kallio-health-station&limit=1")
		if len(slots) == 0 {
			t.Fatal("no free times")
		}
		for _, lang := range pageLangs {
			page := anna.get("/appointments/new?service=health-station-nurse&lang=" + lang)
			needStatus(t, page, http.StatusOK, "search page "+lang)
			distinctNames(t, lang+" search", controls(page.body, "button", `class="book"`), book[lang], 10)
			cal := nurse.get("/staff/calendar?view=week&lang=" + lang + "&date=" + slots[0].Start.Format(time.DateOnly))
			needStatus(t, cal, http.StatusOK, "calendar "+lang)
			distinctNames(t, lang+" calendar", controls(cal.body, "button", `type="submit"`), closeSlot[lang], 10)
		}
	})
}

func TestChatLiveRegionsAndNoScriptRefresh(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		erik, nurse := e.as("erik"), e.as("nurse")
		needStatus(t, nurse.get("/staff/chats"), 200, "the staff queue page")
		r := erik.do("POST", "/chat", "service="+chatLineA+"&message=Jag+har+feber.", "Content-Type", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("start form: %d", r.status)
		}
		where := r.header.Get("Location")
		staff := "/staff/chats/" + strings.TrimPrefix(where, "/chat/")
		newWaiting := map[string]string{"fi": "{n} uutta chattia odottaa", "sv": "{n} nya chattar väntar", "en": "{n} new chats waiting"}
		check := map[string]string{"fi": "Tarkista uudet viestit", "sv": "Se efter nya meddelanden", "en": "Check for new messages"}
		for _, lang := range pageLangs {
			q := nurse.get("/staff/chats?lang=" + lang)
			if !strings.Contains(q.body, `<p id="chat-queue-live" role="status" aria-live="polite"`) || !strings.Contains(q.body, `data-new-many="`+newWaiting[lang]+`"`) {
				t.Errorf("%s: the staff chat queue has no live region in its language", lang)
			}
			if !strings.Contains(q.body, `data-id="`+strings.TrimPrefix(where, "/chat/")+`"`) {
				t.Errorf("%s: the waiting chat's row has no id for the script", lang)
			}
			// Its link, a clock time, is named with the line and the resident.
			if links := controls(q.body, "a", `id="chat-`+strings.TrimPrefix(where, "/chat/")+`"`); len(links) != 1 || !strings.HasPrefix(links[0].name, links[0].visible+", ") || !strings.Contains(links[0].name, "Erik") {
				t.Errorf("%s: the waiting chat's link is named %v", lang, links)
			}
		}
		// While the chat waits, its page refreshes itself without JavaScript.
		page := erik.get(where + "?lang=fi")
		if !strings.Contains(page.body, `<meta http-equiv="refresh"`) || !strings.Contains(page.body, `<p id="chat-announce" class="visually-hidden" role="status" aria-live="polite">`) {
			t.Errorf("the waiting chat's page lacks its refresh or its live region")
		}
		if strings.Contains(page.body, `id="chat-log" aria-live`) {
			t.Errorf("the transcript is itself a live region, so one's own lines are told again")
		}
		// Once taken, it does not: a refresh would wipe a half-typed message.
		needStatus(t, nurse.do("POST", staff+"/take", "x=1", "Content-Type", form), http.StatusSeeOther, "take form")
		for _, lang := range pageLangs {
			for who, c := range map[string]*client{where: erik, staff: nurse} {
				page := c.get(who + "?lang=" + lang)
				if strings.Contains(page.body, `http-equiv="refresh"`) {
					t.Errorf("%s %s: an active chat's page refreshes itself", lang, who)
				}
				if !strings.Contains(page.body, `id="chat-refresh">`+check[lang]+`</a>`) || !strings.Contains(page.body, `id="chat-announce"`) {
					t.Errorf("%s %s: no link to check for new messages or no live region", lang, who)
				}
			}
		}
	})
}
