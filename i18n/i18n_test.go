package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sotepe"
)

func catalogs(t *testing.T) map[sotepe.Lang]map[string]string {
	t.Helper()
	out := map[sotepe.Lang]map[string]string{}
	for _, l := range sotepe.Langs {
		b, err := locales.ReadFile("locales/" + string(l) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s catalog: %v", l, err)
		}
		out[l] = m
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCatalogsComplete fails when a message is missing or empty in any
// language, or when its placeholders differ between languages.
func TestCatalogsComplete(t *testing.T) {
	cats := catalogs(t)
	all := map[string]bool{}
	for _, m := range cats {
		for k := range m {
			all[k] = true
		}
	}
	for k := range all {
		want := placeholders(cats[sotepe.Finnish][k])
		for _, l := range sotepe.Langs {
			v, ok := cats[l][k]
			if !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s: missing in %s", k, l)
				continue
			}
			if got := placeholders(v); !slices.Equal(got, want) {
				t.Errorf("%s: placeholders in %s are %v, in fi %v", k, l, got, want)
			}
		}
	}
}

// TestKeysInUse fails when code or a template uses a message key that the
// catalogs lack, and checks the keys built from the domain's enumerations.
func TestKeysInUse(t *testing.T) {
	fi := catalogs(t)[sotepe.Finnish]
	used := map[string][]string{}
	goKey := regexp.MustCompile(`"((?:error|unit|units|login|me|nav|home|site|lookup|audit|access_log|services|list|requests|queue|status|channel|resolution|date|notify|phone|website|appt|assess|feedback|chat)\.[a-z0-9_.]*[a-z0-9_])"`) // a prefix ending in "." is built on, not a key
	tmplKey := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		isGo := strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")
		isTmpl := strings.HasSuffix(path, ".html") && strings.Contains(path, "templates")
		if !isGo && !isTmpl {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		re := goKey
		if isTmpl {
			re = tmplKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = append(used[m[1]], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(used))
	}
	actions := map[string]bool{} // audit actions are named, not shown; "action."+a is (below)
	for _, a := range []string{sotepe.ActionChatStart, sotepe.ActionChatRead, sotepe.ActionChatMessage, sotepe.ActionChatTake, sotepe.ActionChatTransfer, sotepe.ActionChatEnd, sotepe.ActionChatTranscripts} {
		actions[a] = true
	}
	for k, where := range used {
		if _, ok := fi[k]; !ok && !actions[k] {
			t.Errorf("key %q used in %v is not in the catalogs", k, slices.Compact(where))
		}
	}
	var built []string
	built = append(built, prefixed("lang.", sotepe.Langs)...)
	built = append(built, prefixed("role.", sotepe.Roles)...)
	built = append(built, prefixed("basis.", sotepe.Bases)...)
	built = append(built, prefixed("producer.", sotepe.ProducerKinds)...)
	for d := 1; d <= 7; d++ {
		built = append(built, fmt.Sprintf("weekday.%d", d), fmt.Sprintf("date.weekday.%d", d), fmt.Sprintf("date.weekday_short.%d", d))
	}
	for m := 1; m <= 12; m++ {
		built = append(built, fmt.Sprintf("date.month.%d", m), fmt.Sprintf("date.month_name.%d", m), fmt.Sprintf("date.month_short.%d", m))
	}
	built = append(built, prefixed("status.", sotepe.ContactStatuses)...)
	built = append(built, prefixed("channel.", sotepe.Channels)...)
	built = append(built, prefixed("resolution.", sotepe.Resolutions)...)
	built = append(built, prefixed("chat.status.", sotepe.ChatStatuses)...)
	built = append(built, prefixed("appt.mode.", sotepe.AppointmentModes)...)
	built = append(built, prefixed("appt.status.", sotepe.AppointmentStatuses)...)
	built = append(built, prefixed("appt.slot.", []sotepe.SlotState{sotepe.SlotOpen, sotepe.SlotBooked, sotepe.SlotOffered, sotepe.SlotClosed})...)
	for _, k := range []sotepe.NotificationKind{sotepe.NotifyApptReminder, sotepe.NotifyApptOffer, sotepe.NotifyApptFeedback} {
		built = append(built, "notify."+string(k)+".subject", "notify."+string(k)+".body")
	}
	built = append(built, prefixed("action.", []string{sotepe.ActionAppointmentBook, sotepe.ActionAppointmentCancel, sotepe.ActionAppointmentRead, sotepe.ActionAppointmentMark, sotepe.ActionAppointmentSlots, sotepe.ActionAppointmentTicket, sotepe.ActionAppointmentWaitlist})...)
	for _, k := range sotepe.NotificationKinds {
		built = append(built, "notify."+string(k)+".subject", "notify."+string(k)+".body")
	}
	built = append(built, prefixed("assess.urgency.", sotepe.Urgencies)...)
	built = append(built, "action."+sotepe.ActionAssessmentHandOver, "action."+sotepe.ActionAssessmentGrade)
	built = append(built, "action."+sotepe.ActionFeedbackKiosk, "action."+sotepe.ActionFeedbackKioskRevoke)
	built = append(built, "action."+sotepe.ActionFeedbackQuestionAdd, "action."+sotepe.ActionFeedbackQuestionRetire, "action."+sotepe.ActionSurveyInvite)
	// The groups of the feedback figures (web/feedbackweb/figures.go).
	built = append(built, prefixed("feedback.channel.", sotepe.FeedbackChannels)...)
	built = append(built, prefixed("feedback.producer_kind.", sotepe.ProducerKinds)...)
	built = append(built, prefixed("error.", []string{sotepe.EInvalid, sotepe.ENotFound, sotepe.EUnauthorized, sotepe.EForbidden, sotepe.EConflict, sotepe.ETooLarge, sotepe.ETooMany, sotepe.EUnavailable, sotepe.EInternal})...)
	for _, a := range []string{sotepe.ActionLogin, sotepe.ActionLoginFailed, sotepe.ActionLogout, sotepe.ActionUserCreate, sotepe.ActionPasswordSet, sotepe.ActionIdentityLink, sotepe.ActionResidentCreate, sotepe.ActionResidentRead, sotepe.ActionResidentSearch, sotepe.ActionNetworkChange,
		sotepe.ActionContactCreate, sotepe.ActionContactRead, sotepe.ActionContactMessage, sotepe.ActionContactAssign, sotepe.ActionContactClose, sotepe.ActionClosureChange,
		sotepe.ActionChatStart, sotepe.ActionChatRead, sotepe.ActionChatListRead, sotepe.ActionChatMessage, sotepe.ActionChatTake, sotepe.ActionChatTransfer, sotepe.ActionChatEnd, sotepe.ActionChatTranscripts} {
		built = append(built, "action."+a)
	}
	for _, k := range built {
		if _, ok := fi[k]; !ok {
			t.Errorf("key %q built from a domain enumeration is not in the catalogs", k)
		}
	}
}

func TestMatch(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]sotepe.Lang{
		"":                        sotepe.Finnish,
		"sv-FI,sv;q=0.9,en;q=0.8": sotepe.Swedish,
		"en-GB,en;q=0.9":          sotepe.English,
		"de-DE,de;q=0.9":          sotepe.Finnish,
		"de-DE,sv;q=0.5":          sotepe.Swedish,
		"fi":                      sotepe.Finnish,
		"nonsense;;q=":            sotepe.Finnish,
	} {
		if got := c.Match(header); got != want {
			t.Errorf("Match(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(sotepe.Swedish, "unit.open_now", nil); got != "Öppet nu" {
		t.Errorf("sv unit.open_now = %q", got)
	}
	if got := c.T(sotepe.English, "error.json_unknown_field", map[string]any{"Field": "x"}); got != "Unknown field: x." {
		t.Errorf("en placeholder = %q", got)
	}
	if got := c.T(sotepe.English, "no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key", got)
	}
	if len(c.Keys()) < 100 {
		t.Errorf("only %d keys loaded", len(c.Keys()))
	}
}

// prefixed returns the catalog keys prefix+v of the values vs.
func prefixed[T ~string](prefix string, vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = prefix + string(v)
	}
	return out
}
