package morning

import (
	"net"
	"net/http"
	"strings"
)

// Bare serves the routes of the mix with the least a server can answer:
// 201 and an id to the writes and the sign-in, one free time to the slot
// search, 200 and a short body to the rest, from memory. Played through
// the same proxy by the same driver, it is the baseline the morning's
// rates are divided by: what the proxy, the driver and the machine allow.
// It serves on ln until ln is closed.
func Bare(ln net.Listener) error {
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id":1}`))
		case strings.HasPrefix(r.URL.Path, "/api/v1/slots"):
			w.Write([]byte(`{"items":[{"id":1}]}`))
		default:
			w.Write([]byte(`{}`))
		}
	}))
}
