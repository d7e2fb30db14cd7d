package kit

import (
	"net/http"
	"strconv"

	"sotepe"
)

// Adapters: how a route's handler gets what it needs before its own logic.
//
// A handler is its own logic and nothing else. What every handler of a kind
// needs first comes from an adapter in package web's routes.go, and always in this order:
//
//  1. who is asking: User(fn) passes the signed-in user and answers
//     EUnauthorized (401, or a redirect to /login for a page) to anyone
//     else; Roles(r1, r2…)(fn) also answers EForbidden (403) to a user who
//     holds none of the roles. This is only the gate at the door: whether
//     the user may do this to this object is the service's decision.
//  2. which object: PathID(r, "id", "appointment") reads a numeric path
//     value; anything that is not a positive id is ENotFound, the same as
//     an id nobody has.
//  3. what they send: DecodeJSON(r, &v) for the API (unknown fields,
//     trailing data and wrong types are EInvalid in the catalog's words),
//     ParseForm(r) for the HTML forms.
//
// The services in web.Config are all required (web.New checks them), so no
// handler asks whether one is configured.

// UserHandler is a handler that needs the signed-in user.
type UserHandler func(w http.ResponseWriter, r *http.Request, u sotepe.User) error

// User adapts fn to a handler that only signed-in users reach.
func User(fn UserHandler) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := RequireUser(r)
		if err != nil {
			return err
		}
		return fn(w, r, u)
	}
}

// Roles returns the adapter that lets in only users holding one of rs.
func Roles(rs ...sotepe.Role) func(UserHandler) Handler {
	return func(fn UserHandler) Handler {
		return func(w http.ResponseWriter, r *http.Request) error {
			u, err := RequireRole(r, rs...)
			if err != nil {
				return err
			}
			return fn(w, r, u)
		}
	}
}

// RequireUser returns the signed-in user or EUnauthorized.
func RequireUser(r *http.Request) (sotepe.User, error) {
	if u := Info(r).User; u != nil {
		return *u, nil
	}
	return sotepe.User{}, &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.unauthorized", Message: "sign in first"}
}

// RequireRole returns the signed-in user if they hold one of roles:
// EUnauthorized when nobody is signed in, EForbidden otherwise.
func RequireRole(r *http.Request, roles ...sotepe.Role) (sotepe.User, error) {
	u, err := RequireUser(r)
	if err != nil {
		return u, err
	}
	for _, role := range roles {
		if u.Has(role) {
			return u, nil
		}
	}
	return u, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "role not allowed"}
}

// PathID reads the path value name as a positive id of a what; anything
// else is ENotFound, as missing as an id nobody has.
func PathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, sotepe.NotFound(what)
	}
	return id, nil
}

// ParseForm parses a posted form; a malformed one is EInvalid ("error.form").
func ParseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return sotepe.Invalid("error.form", "malformed form")
	}
	return nil
}

// IDHandler is a handler of the one object the path's {id} names.
type IDHandler func(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error

// ByID adapts fn to a UserHandler that reads the path's {id} as the id of a
// what (see PathID) before fn runs.
func ByID(what string, fn IDHandler) UserHandler {
	return func(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
		id, err := PathID(r, "id", what)
		if err != nil {
			return err
		}
		return fn(w, r, u, id)
	}
}

// FormValues is the posted values of keys, by key (after ParseForm).
func FormValues(r *http.Request, keys ...string) map[string]string {
	values := make(map[string]string, len(keys))
	for _, k := range keys {
		values[k] = r.PostForm.Get(k)
	}
	return values
}
