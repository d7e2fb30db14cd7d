package chat

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
)

func TestTransfer(t *testing.T) { testenv.Engines(t, testTransfer) }

func testTransfer(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse", "manager")
	a := f.start(t, "anna", "nurse", "Hammasta särkee")
	nctx, nurse := f.as("nurse")
	mctx, manager := f.as("manager")
	ectx, erik := f.as("erik")

	for _, to := range []sotepe.ChatTransfer{{}, {Line: "dental", UserID: manager.ID}, {UserID: nurse.ID}} {
		_, err := f.svc.Transfer(nctx, nurse, a.ID, to)
		if sotepe.ErrorKey(err) != "chat.error.transfer" {
			t.Errorf("transfer %+v: %v", to, err)
		}
	}
	// Staff of its line may pass on a waiting chat.
	if _, err := f.svc.Transfer(mctx, manager, a.ID, sotepe.ChatTransfer{UserID: nurse.ID}); err != nil {
		t.Fatalf("the manager passes the waiting chat to the nurse: %v", err)
	}
	c, err := f.svc.Get(nctx, nurse, a.ID)
	if err != nil || c.Status != sotepe.ChatActive || c.ProfessionalID != nurse.ID || c.UnitID != "kallio-health-station" {
		t.Errorf("after the transfer to the nurse: %+v %v", c, err)
	}
	if e := lastOf(f.events(t, "anna", a.ID)); e.Key != KeyTransferred || e.Text != "Keskustelu siirrettiin ammattilaiselle Sanna Nurmi." {
		t.Errorf("transfer event: %+v", e)
	}
	_, err = f.svc.Transfer(mctx, manager, a.ID, sotepe.ChatTransfer{Line: "dental"})
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("the manager moved the nurse's chat: %v", err)
	}
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{Line: "toolo"})
	if sotepe.ErrorKey(err) != "chat.error.closed" {
		t.Errorf("to an unstaffed line: %v", err)
	}
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{Line: "nope"})
	if sotepe.ErrorKey(err) != "chat.error.line" {
		t.Errorf("to an unknown line: %v", err)
	}
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{UserID: erik.ID})
	if sotepe.ErrorKey(err) != "chat.error.colleague" {
		t.Errorf("to a resident: %v", err)
	}
	_, err = f.svc.Transfer(ectx, erik, a.ID, sotepe.ChatTransfer{Line: "dental"})
	testenv.Code(t, err, sotepe.EForbidden)

	// To another line: back in a queue there, told in anna's language;
	// the manager, who does not work at the dental clinic, no longer sees it.
	moved, err := f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{Line: "dental"})
	if err != nil || moved.Line != "dental" || moved.Status != sotepe.ChatWaiting {
		t.Fatalf("to the dental line: %+v %v", moved, err)
	}
	if e := lastOf(f.events(t, "anna", a.ID)); e.Key != KeyTransferredLine || !strings.Contains(e.Text, "Suun terveydenhuollon chat") {
		t.Errorf("line transfer event: %+v", e)
	}
	_, err = f.svc.Get(mctx, manager, a.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	actx, anna := f.as("anna")
	if c, err := f.svc.Get(actx, anna, a.ID); err != nil || c.Position != 1 || c.EstimatedWait == 0 {
		t.Errorf("anna's chat in the new queue: %+v %v", c, err)
	}
	// The manager answers no dental chats.
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{UserID: manager.ID})
	if sotepe.ErrorKey(err) != "chat.error.colleague" {
		t.Errorf("to a colleague outside the line: %v", err)
	}
	taken, err := f.svc.Take(nctx, nurse, a.ID)
	if err != nil || taken.UnitID != "kallio-dental-clinic" {
		t.Errorf("the nurse takes it at the dental clinic: %+v %v", taken, err)
	}
}

func TestHandOver(t *testing.T) { testenv.Engines(t, testHandOver) }

func testHandOver(t *testing.T) {
	f := newFixture(t)
	loc := f.env.Location
	started := time.Date(2026, 11, 27, 15, 0, 0, 0, loc) // a Friday afternoon
	f.env.Clock.Set(started)
	f.present(t, "nurse")
	c := f.start(t, "erik", "nurse", "Jag har ont i halsen, ring 040 765 4321")
	nctx, nurse := f.as("nurse")
	ectx, erik := f.as("erik")
	_, err := f.svc.HandOver(nctx, nurse, c.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_active" {
		t.Errorf("a waiting chat handed over: %v", err)
	}
	f.env.Clock.Add(2 * time.Minute)
	if _, err := f.svc.Take(nctx, nurse, c.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(time.Minute)
	if _, err := f.svc.Send(nctx, nurse, c.ID, "Hej Erik, vi ringer dig."); err != nil {
		t.Fatal(err)
	}
	mctx, manager := f.as("manager")
	_, err = f.svc.HandOver(mctx, manager, c.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("the manager handed over the nurse's chat: %v", err)
	}
	_, err = f.svc.HandOver(ectx, erik, c.ID)
	testenv.Code(t, err, sotepe.EForbidden)

	f.env.Clock.Add(30 * time.Minute)
	req, err := f.svc.HandOver(nctx, nurse, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 1, 16, 0, 0, 0, loc) // two working days from Friday
	if req.Channel != sotepe.ChannelChat || !req.ReceivedAt.Equal(started) || !req.DueAt.Equal(due) || req.ResidentID != erik.ResidentID ||
		req.UnitID != "kallio-health-station" || req.ServiceID != "health-station-nurse" || req.Lang != sotepe.Swedish {
		t.Errorf("request: channel %s received %v due %v unit %s lang %s", req.Channel, req.ReceivedAt.In(loc), req.DueAt.In(loc), req.UnitID, req.Lang)
	}
	want := strings.Join([]string{
		"Chatt 27.11.2026, Skötarens chatt",
		"[15.00] Invånare: Jag har ont i halsen, ring [***]",
		"[15.02] Sanna Nurmi anslöt sig till chatten.",
		"[15.03] Sanna Nurmi: Hej Erik, vi ringer dig.",
	}, "\n")
	if len(req.Messages) == 0 || req.Messages[0].Body != want {
		t.Errorf("first message:\n%v\nwant:\n%s", req.Messages, want)
	}
	got, err := f.svc.Get(ectx, erik, c.ID)
	if err != nil || got.Status != sotepe.ChatHandedOver || got.ContactRequestID != req.ID || got.EndedAt.IsZero() {
		t.Errorf("the chat after its hand-over: %+v %v", got, err)
	}
	if e := lastOf(f.events(t, "erik", c.ID)); e.Key != KeyHandedOver || e.Text != "Chatten blev en kontaktförfrågan. Du får svar senast 01.12.2026." {
		t.Errorf("hand-over event: %+v", e)
	}
	// erik sees the request with its promise.
	if r, err := f.contacts.Get(ectx, erik, req.ID); err != nil || !r.DueAt.Equal(due) {
		t.Errorf("erik reads the request: %+v %v", r, err)
	}
	again, err := f.svc.HandOver(nctx, nurse, c.ID)
	if err != nil || again.ID != req.ID {
		t.Errorf("a retry after the hand-over: %d %v, want %d", again.ID, err, req.ID)
	}
	_, err = f.svc.Send(ectx, erik, c.ID, "Tack")
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("a message after the hand-over: %v", err)
	}

	// A hand-over interrupted after the request was made completes on a
	// retry, with the same request.
	f.present(t, "nurse")
	d := f.start(t, "anna", "nurse", "Hei")
	if _, err := f.svc.Take(nctx, nurse, d.ID); err != nil {
		t.Fatal(err)
	}
	first, created, err := f.contacts.HandOverChat(nctx, nurse, sotepe.NewContactRequest{ServiceID: "health-station-nurse", UnitID: "kallio-health-station",
		ResidentID: f.env.User(t, "anna").ResidentID, Body: "kesken", Lang: sotepe.Finnish, ReceivedAt: d.StartedAt, IdempotencyKey: "chat-" + strconv.FormatInt(d.ID, 10)})
	if err != nil || !created {
		t.Fatal(err)
	}
	done, err := f.svc.HandOver(nctx, nurse, d.ID)
	if err != nil || done.ID != first.ID {
		t.Errorf("the interrupted hand-over: %d %v, want request %d", done.ID, err, first.ID)
	}
	actx, anna := f.as("anna")
	if got, err := f.svc.Get(actx, anna, d.ID); err != nil || got.Status != sotepe.ChatHandedOver || got.ContactRequestID != first.ID {
		t.Errorf("the interrupted chat: %+v %v", got, err)
	}
}

func TestClose(t *testing.T) { testenv.Engines(t, testClose) }

func testClose(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse", "manager")
	actx, anna := f.as("anna")
	nctx, nurse := f.as("nurse")
	mctx, manager := f.as("manager")

	// The resident leaves the queue.
	a := f.start(t, "anna", "nurse", "Hei")
	closed, err := f.svc.Close(actx, anna, a.ID)
	if err != nil || closed.Status != sotepe.ChatClosed || closed.EndedAt.IsZero() {
		t.Errorf("anna closes her chat: %+v %v", closed, err)
	}
	_, err = f.svc.Close(actx, anna, a.ID)
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("closed twice: %v", err)
	}
	if e := lastOf(f.events(t, "anna", a.ID)); e.Key != KeyClosed || e.Text != "Keskustelu päättyi." {
		t.Errorf("close event: %+v", e)
	}
	if mine, err := f.svc.Mine(actx, anna); err != nil || len(mine) != 0 {
		t.Errorf("anna's open chats after closing: %+v %v", mine, err)
	}

	// The professional who has it closes it; a colleague may not.
	b := f.start(t, "anna", "nurse", "Hei taas")
	_, err = f.svc.Close(nctx, nurse, b.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("closing a waiting chat nobody has: %v", err)
	}
	if _, err := f.svc.Take(nctx, nurse, b.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Close(mctx, manager, b.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("a colleague closed it: %v", err)
	}
	if c, err := f.svc.Close(nctx, nurse, b.ID); err != nil || c.Status != sotepe.ChatClosed {
		t.Errorf("the nurse closes: %+v %v", c, err)
	}
	_, err = f.svc.Transfer(nctx, nurse, b.ID, sotepe.ChatTransfer{Line: "dental"})
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("an ended chat transferred: %v", err)
	}
	err = f.svc.Typing(actx, anna, b.ID)
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("typing in an ended chat: %v", err)
	}
}
