package web

import (
	"net/http"
	"strconv"

	"sotepe"
)

// Adapters: how a route's handler gets what it needs before its own logic.
//
// A handler is its own logic and nothing else. What every handler of a kind
// needs first comes from an adapter in routes.go, and always in this order:
//
//  1. who is asking: user(fn) passes the signed-in user and answers
//     EUnauthorized (401, or a redirect to /login for a page) to anyone
//     else; roles(r1, r2…)(fn) also answers EForbidden (403) to a user who
//     holds none of the roles. This is only the gate at the door: whether
//     the user may do this to this object is the service's decision.
//  2. which object: pathID(r, "id", "appointment") reads a numeric path
//     value; anything that is not a positive id is ENotFound, the same as
//     an id nobody has.
//  3. what they send: decodeJSON(r, &v) for the API (unknown fields,
//     trailing data and wrong types are EInvalid in the catalog's words),
//     parseForm(r) for the HTML forms.
//
// The services in Config are all required (New checks them), so no handler
// asks whether one is configured.

// userHandler is a handler that needs the signed-in user.
type userHandler func(w http.ResponseWriter, r *http.Request, u sotepe.User) error

// user adapts fn to a handler that only signed-in users reach.
func user(fn userHandler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := requireUser(r)
		if err != nil {
			return err
		}
		return fn(w, r, u)
	}
}

// roles returns the adapter that lets in only users holding one of rs.
func roles(rs ...sotepe.Role) func(userHandler) handler {
	return func(fn userHandler) handler {
		return func(w http.ResponseWriter, r *http.Request) error {
			u, err := requireRole(r, rs...)
			if err != nil {
				return err
			}
			return fn(w, r, u)
		}
	}
}

// pathID reads the path value name as a positive id of a what; anything
// else is ENotFound, as missing as an id nobody has.
func pathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, sotepe.NotFound(what)
	}
	return id, nil
}

// parseForm parses a posted form; a malformed one is EInvalid ("error.form").
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return sotepe.Invalid("error.form", "malformed form")
	}
	return nil
}

// idHandler is a handler of the one object the path's {id} names.
type idHandler func(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error

// byID adapts fn to a userHandler that reads the path's {id} as the id of a
// what (see pathID) before fn runs.
func byID(what string, fn idHandler) userHandler {
	return func(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
		id, err := pathID(r, "id", what)
		if err != nil {
			return err
		}
		return fn(w, r, u, id)
	}
}

// Caller returns the signed-in user of a request that went through the
// server's middleware (nil when nobody is signed in) and the language to
// answer in; handlers web mounts from other packages (Config.FHIR) read
// their caller through it.
func Caller(r *http.Request) (*sotepe.User, sotepe.Lang) {
	in := info(r)
	return in.User, in.Lang
}

// fhir serves /fhir/R4/ through Config.FHIR, or answers 404 without one.
func (s *Server) fhir(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.FHIR == nil {
		return sotepe.NotFound("page")
	}
	s.cfg.FHIR.ServeHTTP(w, r)
	return nil
}
