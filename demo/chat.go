package demo

import (
	"context"
	"fmt"
	"slices"

	"sotepe"
)

// chatLinesFile is data/chat_lines.json: a note for the people who edit it,
// and the demo's chat services.
type chatLinesFile struct {
	Notes string            `json:"notes"`
	Lines []sotepe.ChatLine `json:"lines"`
}

// ChatLines returns the demo's chat services parsed from the embedded data,
// each checked (sotepe.ChatLine.Validate) and naming only services and
// units of the hand-written network. The health advice chat is open around
// the clock and answered by the nurse's health station among others, so
// the demo's chat can be tried at any hour.
func ChatLines() ([]sotepe.ChatLine, error) {
	var f chatLinesFile
	if err := decodeFile("data/chat_lines.json", &f); err != nil {
		return nil, err
	}
	n, err := BaseNetwork()
	if err != nil {
		return nil, err
	}
	for _, l := range f.Lines {
		if err := l.Validate(); err != nil {
			return nil, fmt.Errorf("demo: chat service %s: %w", l.ID, err)
		}
		if !slices.ContainsFunc(n.Services, func(s sotepe.Service) bool { return s.ID == l.ServiceID }) {
			return nil, fmt.Errorf("demo: chat service %s names the unknown service %s", l.ID, l.ServiceID)
		}
		for _, id := range l.Units {
			i := slices.IndexFunc(n.Units, func(u sotepe.Unit) bool { return u.ID == id })
			if i < 0 {
				return nil, fmt.Errorf("demo: chat service %s names the unknown unit %s", l.ID, id)
			}
			if !slices.Contains(n.Units[i].Services, l.ServiceID) {
				return nil, fmt.Errorf("demo: chat service %s: unit %s does not offer %s", l.ID, id, l.ServiceID)
			}
		}
	}
	return f.Lines, nil
}

// ChatLineSaver is where LoadChatLines writes (the store).
type ChatLineSaver interface {
	SaveChatLine(ctx context.Context, l sotepe.ChatLine) error
}

// LoadChatLines writes the demo's chat services through w; a save replaces
// a line by id, so loading at every demo start is harmless.
func LoadChatLines(ctx context.Context, w ChatLineSaver) error {
	lines, err := ChatLines()
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := w.SaveChatLine(ctx, l); err != nil {
			return fmt.Errorf("demo: save chat service %s: %w", l.ID, err)
		}
	}
	return nil
}
