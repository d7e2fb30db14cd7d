// Package kit is what every HTTP handler of sotepe uses before and after its
// own logic, with no state of its own: the request's info that the server's
// middleware sets (Info), the adapters that give a handler the signed-in
// user and the object's id (User, Roles, ByID), the reading of JSON bodies
// and forms (DecodeJSON, ParseForm) and the writing of JSON answers and
// pages of lists (WriteJSON, ListPage, NextURL), and the per-address limit
// of the anonymous forms (WindowLimit, whose state is each value's own).
// Package web's server and its handlers use it; see ARCHITECTURE.md, "Web".
package kit

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"

	"sotepe"
)

// Handler is a route's handler: it writes the response, or returns an error
// that the server (package web) renders in the person's language as HTML or JSON.
type Handler func(w http.ResponseWriter, r *http.Request) error

// RequestInfo is what the middleware learns about a request; handlers read it
// with Info(r).
type RequestInfo struct {
	ID        string
	Lang      sotepe.Lang
	User      *sotepe.User    // nil when not signed in
	TokenHash []byte          // the session's, when signed in
	Session   *sotepe.Session // the session, when signed in
	Route     string          // the matched route pattern, for logs and metrics
	Client    string          // the client's IP address (package web's clientIP)
}

// infoKey is the context key of a request's RequestInfo.
type infoKey struct{}

// Info returns what the middleware learnt about r; a request that did not
// go through it (a test calling a handler directly) gets a RequestInfo in
// Finnish with nobody signed in.
func Info(r *http.Request) *RequestInfo {
	if i, ok := r.Context().Value(infoKey{}).(*RequestInfo); ok {
		return i
	}
	return &RequestInfo{Lang: sotepe.Finnish}
}

// WithInfo returns ctx carrying i, for the middleware that learns it.
func WithInfo(ctx context.Context, i *RequestInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, i)
}

// ClientAddr is the client's IP address as the server's middleware
// resolved it: the peer, or behind a trusted proxy the address the proxy
// saw. Every per-address limit uses it.
func ClientAddr(r *http.Request) string {
	if a := Info(r).Client; a != "" {
		return a
	}
	return PeerAddr(r.RemoteAddr)
}

// PeerAddr is the IP address of a RemoteAddr ("host:port").
func PeerAddr(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// SafeNext keeps a post-login redirect on this site: only a local path.
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

// AbsURL is path on this server as r reached it: https when r came over
// TLS or secure says the server is behind one (--secure-cookies).
func AbsURL(r *http.Request, secure bool, path string) string {
	scheme := "http"
	if r.TLS != nil || secure {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: path}).String()
}
