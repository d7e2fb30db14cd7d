package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"sotepe"
	"sotepe/workday"
)

func helsinki(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestHubDelivers(t *testing.T) {
	h := NewHub()
	a, cancelA := h.Subscribe(1)
	b, cancelB := h.Subscribe(1)
	other, cancelOther := h.Subscribe(2)
	defer cancelOther()
	h.Publish(sotepe.ChatSignal{ChatID: 1})
	for _, ch := range []<-chan sotepe.ChatSignal{a, b} {
		select {
		case s := <-ch:
			if s.ChatID != 1 || s.Typing != "" {
				t.Errorf("got %+v", s)
			}
		default:
			t.Fatal("a listener of chat 1 got nothing")
		}
	}
	select {
	case s := <-other:
		t.Fatalf("chat 2's listener got %+v", s)
	default:
	}
	if n := h.Listeners(1); n != 2 {
		t.Errorf("Listeners(1) = %d, want 2", n)
	}
	cancelA()
	cancelA() // twice is harmless
	if _, ok := <-a; ok {
		t.Error("a cancelled subscription's channel is still open")
	}
	h.Publish(sotepe.ChatSignal{ChatID: 1}) // must not panic on the closed one
	if len(b) != 1 {
		t.Errorf("b holds %d signals, want 1", len(b))
	}
	cancelB()
	if n := h.Listeners(1); n != 0 {
		t.Errorf("Listeners(1) = %d after both cancelled", n)
	}
}

// A listener that does not read loses no kind of signal: many log wakes and
// typing signals of both sides coalesce into one of each, the latest typing
// name kept.
func TestHubCoalesces(t *testing.T) {
	h := NewHub()
	ch, cancel := h.Subscribe(7)
	defer cancel()
	for i := range 20 {
		h.Publish(sotepe.ChatSignal{ChatID: 7, Typing: TypingStaff, Name: fmt.Sprint("Sanna ", i)})
	}
	h.Publish(sotepe.ChatSignal{ChatID: 7, Typing: TypingResident})
	for range 5 {
		h.Publish(sotepe.ChatSignal{ChatID: 7, Typing: TypingStaff, Name: "Sanna last"})
	}
	h.Publish(sotepe.ChatSignal{ChatID: 7})
	var got []sotepe.ChatSignal
	for len(ch) > 0 {
		got = append(got, <-ch)
	}
	var grew, resident int
	staff := ""
	for _, s := range got {
		switch s.Typing {
		case "":
			grew++
		case TypingResident:
			resident++
		case TypingStaff:
			staff = s.Name
		}
	}
	if grew != 1 || resident != 1 || staff != "Sanna last" || len(got) > hubBuffer {
		t.Errorf("pending after a burst: %+v", got)
	}
}

// Publishers and cancellations race without a panic or a deadlock (run
// with -race to check the locking).
func TestHubConcurrent(t *testing.T) {
	h := NewHub()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				ch, cancel := h.Subscribe(int64(j % 3))
				if i%2 == 0 {
					select {
					case <-ch:
					default:
					}
				}
				cancel()
			}
		})
		wg.Go(func() {
			for j := range 500 {
				h.Publish(sotepe.ChatSignal{ChatID: int64(j % 3), Typing: []string{"", TypingResident, TypingStaff}[j%3]})
			}
		})
	}
	wg.Wait()
	if n := h.Listeners(0) + h.Listeners(1) + h.Listeners(2); n != 0 {
		t.Errorf("%d listeners left", n)
	}
}

func TestThrottle(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	th := newThrottle[string](time.Second)
	if !th.allow("a", start) {
		t.Fatal("first call refused")
	}
	if th.allow("a", start.Add(999*time.Millisecond)) {
		t.Error("second call within the interval allowed")
	}
	if !th.allow("b", start) {
		t.Error("another key refused")
	}
	if !th.allow("a", start.Add(time.Second)) {
		t.Error("call after the interval refused")
	}
	if !th.allow("a", start) {
		t.Error("a clock gone back refused")
	}
	th.forget("a")
	if !th.allow("a", start) {
		t.Error("forgotten key refused")
	}
	// It forgets idle keys once large.
	for i := range pruneAt + 10 {
		th.allow(fmt.Sprint(i), start)
	}
	th.allow("x", start.Add(time.Hour))
	if n := len(th.last); n > 10 {
		t.Errorf("%d keys kept after pruning", n)
	}
}

func TestEstimate(t *testing.T) {
	for _, c := range []struct {
		position int
		handling time.Duration
		present  int
		want     time.Duration
	}{
		{0, 4 * time.Minute, 1, 0},
		{1, 0, 0, 5 * time.Minute},               // no history: five minutes a place
		{3, 0, 1, 15 * time.Minute},              // three places
		{3, 4 * time.Minute, 2, 6 * time.Minute}, // shared by two present
		{2, 4 * time.Minute, 0, 8 * time.Minute}, // at least one
	} {
		if got := estimate(c.position, c.handling, c.present); got != c.want {
			t.Errorf("estimate(%d, %v, %d) = %v, want %v", c.position, c.handling, c.present, got, c.want)
		}
	}
}

func TestLineStatus(t *testing.T) {
	loc := helsinki(t)
	cal, err := workday.New(workday.WithClosures(workday.ClosureDay{Date: "2026-11-24", Names: sotepe.Names{Fi: "Suljettu", Sv: "Stängt", En: "Closed"}}))
	if err != nil {
		t.Fatal(err)
	}
	weekdays := sotepe.OpeningHours{}
	for d := 1; d <= 5; d++ {
		weekdays.Regular = append(weekdays.Regular, sotepe.DayHours{Weekday: d, Open: "08:00", Close: "16:00"})
	}
	weekdays.Regular = append(weekdays.Regular, sotepe.DayHours{Weekday: 6, Open: "10:00", Close: "14:00"})
	withException := weekdays
	withException.Exceptions = []sotepe.HoursException{{Date: "2026-12-24", Open: "10:00", Close: "12:00"}}
	always := sotepe.OpeningHours{AlwaysOpen: true}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		name  string
		hours sotepe.OpeningHours
		at    string
		want  bool
	}{
		{"a Monday in hours", weekdays, "2026-11-23 10:00", true},
		{"a Monday at close", weekdays, "2026-11-23 16:00", false},
		{"a Monday evening", weekdays, "2026-11-23 22:00", false},
		{"an administrator's closure day", weekdays, "2026-11-24 10:00", false},
		{"Christmas Eve, a Thursday", weekdays, "2026-12-24 10:00", false},
		{"a Saturday in its hours", weekdays, "2026-11-28 11:00", true},
		{"a line's own exception wins over the holiday", withException, "2026-12-24 11:00", true},
		{"…and only in its hours", withException, "2026-12-24 13:00", false},
		{"around the clock on a holiday", always, "2026-12-24 03:00", true},
		{"around the clock on a closure day", always, "2026-11-24 23:30", true},
	} {
		if got := hoursOpen(c.hours, at(c.at), cal); got != c.want {
			t.Errorf("%s (%s): open %v, want %v", c.name, c.at, got, c.want)
		}
	}

	now := at("2026-11-23 10:00")
	lines := []sotepe.ChatLine{
		{ID: "nurse", Units: []string{"a", "b"}, Hours: weekdays},
		{ID: "social", Units: []string{"c"}, Hours: weekdays},
		{ID: "night", Units: []string{"a"}, Hours: sotepe.OpeningHours{Regular: []sotepe.DayHours{{Weekday: 1, Open: "20:00", Close: "23:00"}}}},
	}
	started := now.Add(-time.Hour)
	times := []sotepe.ChatTime{
		{Line: "nurse", Status: sotepe.ChatWaiting, StartedAt: started},
		{Line: "nurse", Status: sotepe.ChatWaiting, StartedAt: started},
		{Line: "nurse", Status: sotepe.ChatActive, StartedAt: started, TakenAt: started.Add(time.Minute)},
		{Line: "nurse", Status: sotepe.ChatClosed, StartedAt: started, TakenAt: started, EndedAt: started.Add(2 * time.Minute)},
		{Line: "nurse", Status: sotepe.ChatClosed, StartedAt: started, TakenAt: started, EndedAt: started.Add(4 * time.Minute)},
		{Line: "nurse", Status: sotepe.ChatHandedOver, StartedAt: started, TakenAt: started, EndedAt: started.Add(12 * time.Minute)},
		{Line: "nurse", Status: sotepe.ChatAbandoned, StartedAt: started, EndedAt: started.Add(10 * time.Minute)},
		{Line: "social", Status: sotepe.ChatWaiting, StartedAt: started},
	}
	states := lineStates(lines, now, cal, map[string]int{"a": 1, "b": 2}, times)
	want := []struct {
		open             bool
		closed           string
		waiting, present int
		handling         time.Duration
	}{
		{true, "", 2, 3, 4 * time.Minute},
		{false, sotepe.ChatClosedUnstaffed, 1, 0, 0},
		{false, sotepe.ChatClosedHours, 0, 1, 0},
	}
	for i, w := range want {
		st := states[i]
		if st.Open != w.open || st.Closed != w.closed || st.Waiting != w.waiting || st.present != w.present || st.handling != w.handling {
			t.Errorf("line %s: open %v %q, waiting %d, present %d, handling %v; want %+v", st.ID, st.Open, st.Closed, st.Waiting, st.present, st.handling, w)
		}
	}
}

func TestCache(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	loads := 0
	fail := false
	c := newCache(3*time.Second, clock, func(context.Context) (int, error) {
		loads++
		if fail {
			return 0, errors.New("down")
		}
		return loads, nil
	})
	ctx := context.Background()
	get := func() int {
		t.Helper()
		v, err := c.get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	first, second := get(), get()
	if first != 1 || second != 1 {
		t.Fatalf("not cached: %d then %d", first, second)
	}
	mu.Lock()
	now = now.Add(3 * time.Second)
	mu.Unlock()
	if v := get(); v != 2 {
		t.Errorf("after the ttl: %d, want a new load", v)
	}
	c.invalidate()
	if v := get(); v != 3 {
		t.Errorf("after invalidate: %d, want a new load", v)
	}
	c.invalidate()
	fail = true
	if _, err := c.get(ctx); err == nil {
		t.Error("a failed load was not returned")
	}
	fail = false
	if v := get(); v != 5 {
		t.Errorf("a failed load was cached: %d", v)
	}
}

func fakeTranslate(lang sotepe.Lang, key string, args map[string]any) string {
	switch key {
	case "chat.transcript.header":
		return fmt.Sprintf("Chatt %s, %s", args["Date"], args["Service"])
	case "chat.transcript.resident":
		return map[sotepe.Lang]string{sotepe.Finnish: "Asukas", sotepe.Swedish: "Invånare", sotepe.English: "Resident"}[lang]
	case "chat.transcript.truncated":
		return fmt.Sprintf("… (%d)", args["Count"])
	}
	if name, _ := args["Name"].(string); name != "" {
		return key + ":" + name
	}
	return key
}

func TestTranscript(t *testing.T) {
	loc := helsinki(t)
	start := time.Date(2026, 11, 23, 9, 58, 0, 0, loc)
	c := sotepe.Chat{ID: 4, Lang: sotepe.Swedish, StartedAt: start}
	evs := []sotepe.ChatEvent{
		{Kind: sotepe.ChatSystem, Key: KeyEmergency, At: start},
		{Kind: sotepe.ChatMessage, Body: "Mitt nummer är 040 123 4567", BodyScreened: "Mitt nummer är [***]", At: start},
		{Kind: sotepe.ChatSystem, Key: KeyTaken, Arg: "Sanna Nurmi", At: start.Add(2 * time.Minute)},
		{Kind: sotepe.ChatMessage, FromStaff: true, AuthorName: "Sanna Nurmi", Body: "Hej!", BodyScreened: "Hej!", At: start.Add(3 * time.Minute)},
		{Kind: sotepe.ChatMessage, Body: "deleted after retention", At: start.Add(4 * time.Minute)},
		{Kind: sotepe.ChatMessage, At: start.Add(5 * time.Minute)},
	}
	// The unscreened body of the fifth event is screened on the way.
	evs[4].Body = "ring 040 765 4321"
	got := buildTranscript(c, "Hälsostationens chatt", evs, loc, fakeTranslate, sotepe.MaxMessageLength)
	want := strings.Join([]string{
		"Chatt 23.11.2026, Hälsostationens chatt",
		"[09.58] Invånare: Mitt nummer är [***]",
		"[10.00] chat.system.taken:Sanna Nurmi",
		"[10.01] Sanna Nurmi: Hej!",
		"[10.02] Invånare: ring [***]",
	}, "\n")
	if got != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, want)
	}

	// A long chat keeps its start and says how much was left out.
	long := []sotepe.ChatEvent{}
	for i := range 10 {
		long = append(long, sotepe.ChatEvent{Kind: sotepe.ChatMessage, BodyScreened: fmt.Sprintf("%d %s", i, strings.Repeat("ä", 1990)), At: start})
	}
	got = buildTranscript(c, "X", long, loc, fakeTranslate, sotepe.MaxMessageLength)
	if n := utf8.RuneCountInString(got); n > sotepe.MaxMessageLength {
		t.Errorf("transcript of %d characters", n)
	}
	lines := strings.Split(got, "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "[09.58] Invånare: 0 ") || !strings.HasPrefix(lines[2], "[09.58] Invånare: 1 ") || lines[3] != "… (8)" {
		t.Errorf("truncated transcript has %d lines, ending %q", len(lines), lines[len(lines)-1])
	}
}

func TestTruncateLines(t *testing.T) {
	note := func(n int) string { return fmt.Sprintf("…%d", n) }
	if got := truncateLines([]string{"ab", "cd"}, 5, note); got != "ab\ncd" {
		t.Errorf("fits: %q", got)
	}
	if got := truncateLines([]string{"ab", "cd", "ef"}, 7, note); got != "ab\n…2" {
		t.Errorf("cut: %q", got)
	}
	// A first line longer than the limit is cut, never dropped.
	if got := truncateLines([]string{"äöäöäöäöäö", "x"}, 6, note); got != "äöä\n…1" || utf8.RuneCountInString(got) > 6 {
		t.Errorf("long first line: %q", got)
	}
}

// Every catalog key the package uses exists in fi, sv and en (the i18n
// package's scan does not look at chat keys).
func TestKeysInCatalogs(t *testing.T) {
	key := regexp.MustCompile(`"(chat\.(?:error|system|transcript)\.[a-z_]+)"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	// The domain's own keys that the service returns.
	used["chat.error.message"], used["chat.error.line"] = true, true
	if len(used) < 15 {
		t.Fatalf("found only %d keys; the scan is broken", len(used))
	}
	for _, lang := range []string{"fi", "sv", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatal(err)
		}
		for k := range used {
			if cat[k] == "" {
				t.Errorf("%s: %s is missing", lang, k)
			}
		}
		for _, k := range []string{KeyTaken, KeyTransferred, KeyTransferredLine, KeyHandedOver} {
			if !strings.Contains(cat[k], "{{.Name}}") {
				t.Errorf("%s: %s does not name {{.Name}}", lang, k)
			}
		}
	}
}
