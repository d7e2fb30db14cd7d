package chat

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sotepe"
	"sotepe/screen"
)

// transcript returns chat c's transcript for its hand-over, read from the
// whole log within c's line.
func (s *Service) transcript(ctx context.Context, c sotepe.Chat, line sotepe.ChatLine) (string, error) {
	var evs []sotepe.ChatEvent
	for after := int64(0); ; {
		page, err := s.store.ChatEvents(ctx, c.ID, sotepe.ChatScope{Lines: []string{c.Line}}, after, eventPage)
		if err != nil {
			return "", err
		}
		evs = append(evs, page...)
		if len(page) < eventPage {
			break
		}
		after = page[len(page)-1].Seq
	}
	for i, e := range evs {
		if e.FromStaff && e.AuthorName == "" {
			evs[i].AuthorName = s.name(ctx, e.AuthorID)
		}
	}
	return buildTranscript(c, line.Names.In(c.Lang), evs, s.loc, s.translate, sotepe.MaxMessageLength), nil
}

// buildTranscript writes a chat's transcript in the chat's language: a
// header with the date and the line, then one line per message, "[HH.MM]
// Name: text" in the city's time, with the screened text and the
// professional's name (the resident is named by the catalog's word for
// one), and the system events after the first notice. A transcript over
// limit characters keeps its start, in whole lines, and ends with a note
// of how many lines were left out.
func buildTranscript(c sotepe.Chat, lineName string, evs []sotepe.ChatEvent, loc *time.Location, tr Translate, limit int) string {
	// Dates and times as the chat's language writes them: "23.11.2026"
	// and "[10.02]" in Finnish and Swedish, "23 Nov 2026" and "[10:02]" in
	// English.
	dateLayout, timeLayout := "2.1.2006", "15.04"
	if c.Lang == sotepe.English {
		dateLayout, timeLayout = "2 Jan 2006", "15:04"
	}
	lines := []string{tr(c.Lang, "chat.transcript.header", map[string]any{
		"Date": c.StartedAt.In(loc).Format(dateLayout), "Service": lineName,
	})}
	resident := tr(c.Lang, "chat.transcript.resident", nil)
	for _, e := range evs {
		at := e.At.In(loc).Format(timeLayout)
		switch e.Kind {
		case sotepe.ChatMessage:
			body := e.BodyScreened
			if body == "" && e.Body != "" {
				body, _ = screen.Text(e.Body)
			}
			if body == "" {
				// A transcript deleted after its retention.
				continue
			}
			who := resident
			if e.FromStaff {
				who = e.AuthorName
			}
			lines = append(lines, fmt.Sprintf("[%s] %s: %s", at, who, body))
		case sotepe.ChatSystem:
			if e.Key == KeyEmergency {
				continue
			}
			lines = append(lines, fmt.Sprintf("[%s] %s", at, tr(c.Lang, e.Key, map[string]any{"Name": e.Arg})))
		}
	}
	return truncateLines(lines, limit, func(left int) string {
		return tr(c.Lang, "chat.transcript.truncated", map[string]any{"Count": left})
	})
}

// truncateLines joins lines with newlines, keeping at most limit
// characters: when they do not fit, the first whole lines that do are kept
// and note(how many were left out) ends the text. A first line too long on
// its own is cut.
func truncateLines(lines []string, limit int, note func(left int) string) string {
	all := strings.Join(lines, "\n")
	if utf8.RuneCountInString(all) <= limit {
		return all
	}
	var b strings.Builder
	used := 0
	for i, l := range lines {
		tail := "\n" + note(len(lines)-i)
		n := utf8.RuneCountInString(l)
		if i > 0 {
			n++ // the newline before it
		}
		if used+n+utf8.RuneCountInString(tail) > limit {
			if i == 0 {
				b.WriteString(cutRunes(l, max(limit-utf8.RuneCountInString(tail), 0)))
			}
			// The lines left out are this one and those after it (a cut
			// first line counts as kept).
			left := len(lines) - i
			if i == 0 {
				left--
			}
			b.WriteString("\n" + note(left))
			return cutRunes(b.String(), limit)
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		used += n
	}
	return b.String()
}

// cutRunes returns s's first n characters.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}
