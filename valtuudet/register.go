package valtuudet

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"sotepe"
)

// Register is sotepe.MandateRegister on the Valtuudet Web API. Each question
// registers a session for the delegate, performs the authorize step
// server-side (which only the fake allows: see the package doc), takes a
// token and asks. Its fields are set once; it is safe for concurrent use.
type Register struct {
	// Client calls the API.
	Client *Client
	// RedirectURI is the e-service's registered return address of the
	// authorize step.
	RedirectURI string
	// Lang is the language of the authorize step: fi, sv or en; "" is fi.
	Lang string
}

var _ sotepe.MandateRegister = (*Register)(nil)

// Principals returns the people who have given the delegate a mandate in
// force for issue: the principals of the delegate call for whom the
// authorization call answers ALLOWED. Each Mandate's Issues is just issue (the
// API names no others) and ValidUntil is the end the answer gives, if any;
// a mandate whose end has passed by the client's clock is left out. A
// delegate code that is not a valid personal identity code is EInvalid; a
// register that does not answer is EUnavailable ("error.register_unavailable");
// a refusal by Valtuudet is EInternal.
func (r *Register) Principals(ctx context.Context, delegatePersonalID, issue string) ([]sotepe.Mandate, error) {
	if _, err := sotepe.ParsePersonalID(delegatePersonalID); err != nil {
		return nil, err
	}
	s, tok, err := r.session(ctx, delegatePersonalID)
	if err != nil {
		return nil, err
	}
	ps, err := r.Client.Delegate(ctx, s.SessionID, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	now := r.Client.now()
	var ms []sotepe.Mandate
	for _, p := range ps {
		a, err := r.Client.Authorization(ctx, s.SessionID, tok.AccessToken, p.PersonID, issue)
		if err != nil {
			return nil, err
		}
		if !a.IsAllowed() {
			continue
		}
		until := a.ValidUntil
		if until.IsZero() {
			until = p.ValidUntil
		}
		m := sotepe.Mandate{
			Principal:  person(p),
			Issues:     []string{issue},
			ValidUntil: until,
		}
		if m.InForce(now) {
			ms = append(ms, m)
		}
	}
	return ms, nil
}

// Allowed reports whether the delegate may act for the principal in issue
// now: the authorization call answers ALLOWED and the end it gives, if any,
// has not passed by the client's clock. Codes that are not valid personal
// identity codes are EInvalid; a register that does not answer is
// EUnavailable ("error.register_unavailable"); a refusal by Valtuudet is
// EInternal.
func (r *Register) Allowed(ctx context.Context, delegatePersonalID, principalPersonalID, issue string) (bool, error) {
	if _, err := sotepe.ParsePersonalID(delegatePersonalID); err != nil {
		return false, err
	}
	if _, err := sotepe.ParsePersonalID(principalPersonalID); err != nil {
		return false, err
	}
	s, tok, err := r.session(ctx, delegatePersonalID)
	if err != nil {
		return false, err
	}
	a, err := r.Client.Authorization(ctx, s.SessionID, tok.AccessToken, principalPersonalID, issue)
	if err != nil {
		return false, err
	}
	m := sotepe.Mandate{ValidUntil: a.ValidUntil}
	return a.IsAllowed() && m.InForce(r.Client.now()), nil
}

// session registers a session for the delegate, performs the authorize step
// without a browser and exchanges its code for a token.
func (r *Register) session(ctx context.Context, delegatePersonalID string) (Session, Token, error) {
	s, err := r.Client.Register(ctx, delegatePersonalID)
	if err != nil {
		return Session{}, Token{}, err
	}
	code, err := r.authorize(ctx, s.UserID)
	if err != nil {
		return Session{}, Token{}, err
	}
	tok, err := r.Client.Token(ctx, code, r.RedirectURI)
	if err != nil {
		return Session{}, Token{}, err
	}
	return s, tok, nil
}

// authorize GETs the authorize URL without following its redirect and reads
// the code from the Location header. Anything else than a redirect to the
// redirect URI with a code (the real service's selection page, an error
// redirect) is EInternal: this step needs the browser there.
func (r *Register) authorize(ctx context.Context, userID string) (string, error) {
	lang := r.Lang
	if lang == "" {
		lang = "fi"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.Client.AuthorizeURL(userID, r.RedirectURI, lang), nil)
	if err != nil {
		return "", internal("valtuudet authorize: building the request", err)
	}
	res, err := r.Client.client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", unavailable(err)
	}
	res.Body.Close()
	if res.StatusCode >= 500 {
		return "", unavailable(&StatusError{Call: "authorize", Status: res.StatusCode})
	}
	if res.StatusCode != http.StatusFound && res.StatusCode != http.StatusSeeOther {
		return "", internal("valtuudet authorize: no redirect; the step needs the delegate's browser", &StatusError{Call: "authorize", Status: res.StatusCode})
	}
	loc, err := res.Location()
	if err != nil {
		return "", internal("valtuudet authorize: a redirect without a Location", err)
	}
	want, err := url.Parse(r.RedirectURI)
	if err != nil {
		return "", internal("valtuudet authorize: the redirect URI does not parse", err)
	}
	code := loc.Query().Get("code")
	if loc.Scheme != want.Scheme || loc.Host != want.Host || loc.Path != want.Path || code == "" {
		return "", internal("valtuudet authorize: the redirect carries no code", nil)
	}
	return code, nil
}

// person turns a principal of the delegate call into the Person the domain
// speaks. The call gives one name; its last word becomes LastName and the
// words before it FirstName (the fake answers "First Last"; the real
// service's word order is not promised, so show the two joined).
func person(p Principal) sotepe.Person {
	name := strings.Join(strings.Fields(p.Name), " ")
	first, last := "", name
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		first, last = name[:i], name[i+1:]
	}
	return sotepe.Person{PersonalID: p.PersonID, FirstName: first, LastName: last}
}
