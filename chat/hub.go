package chat

import (
	"sync"

	"sotepe"
)

// hubBuffer is a subscription's channel capacity. A chat has at most three
// distinct pending signals (the log grew, the resident types, staff type),
// so a buffer this size always has room for them once coalesced.
const hubBuffer = 4

// Hub fans chat signals out to the listeners of a chat within one process.
// Signals are wake-ups, not data: a listener reads the chat's log after
// each one. A listener that falls behind loses no kind of signal; its
// pending signals are coalesced instead (see Publish). The zero Hub is not
// usable; use NewHub. A Hub is safe for concurrent use.
type Hub struct {
	mu   sync.RWMutex
	subs map[int64]map[*subscription]struct{}
}

type subscription struct {
	mu     sync.Mutex
	ch     chan sotepe.ChatSignal
	closed bool
}

// NewHub returns an empty Hub.
func NewHub() *Hub { return &Hub{subs: map[int64]map[*subscription]struct{}{}} }

// Subscribe returns the signals of chat id and cancel, which ends the
// subscription and closes the channel; calling cancel again does nothing.
func (h *Hub) Subscribe(id int64) (<-chan sotepe.ChatSignal, func()) {
	sub := &subscription{ch: make(chan sotepe.ChatSignal, hubBuffer)}
	h.mu.Lock()
	set := h.subs[id]
	if set == nil {
		set = map[*subscription]struct{}{}
		h.subs[id] = set
	}
	set[sub] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[id], sub)
			if len(h.subs[id]) == 0 {
				delete(h.subs, id)
			}
			h.mu.Unlock()
			sub.mu.Lock()
			sub.closed = true
			close(sub.ch)
			sub.mu.Unlock()
		})
	}
}

// Listeners returns how many subscriptions chat id has.
func (h *Hub) Listeners(id int64) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[id])
}

// Publish passes s to every listener of s.ChatID without blocking. When a
// listener's buffer is full, its pending signals are merged with s: one
// "log grew" signal if any was pending, and the latest typing signal of
// each side. So a slow listener still learns that the log grew and who
// typed, only fewer times.
func (h *Hub) Publish(s sotepe.ChatSignal) {
	h.mu.RLock()
	subs := make([]*subscription, 0, len(h.subs[s.ChatID]))
	for sub := range h.subs[s.ChatID] {
		subs = append(subs, sub)
	}
	h.mu.RUnlock()
	for _, sub := range subs {
		sub.send(s)
	}
}

func (sub *subscription) send(s sotepe.ChatSignal) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.closed {
		return
	}
	select {
	case sub.ch <- s:
		return
	default:
	}
	// Full: take out what is pending (the listener may take some
	// meanwhile, which only makes room) and put back one of each kind.
	// Publishers hold sub.mu, so nobody else adds while this runs.
	var grew, resident, staff *sotepe.ChatSignal
	keep := func(x sotepe.ChatSignal) {
		switch x.Typing {
		case "":
			grew = &x
		case TypingResident:
			resident = &x
		default:
			staff = &x
		}
	}
	for drained := false; !drained; {
		select {
		case x := <-sub.ch:
			keep(x)
		default:
			drained = true
		}
	}
	keep(s)
	for _, x := range []*sotepe.ChatSignal{grew, resident, staff} {
		if x != nil {
			// Room for three is certain: the channel was drained and
			// only this publisher adds.
			sub.ch <- *x
		}
	}
}
