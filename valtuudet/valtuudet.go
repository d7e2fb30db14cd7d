// Package valtuudet asks Suomi.fi Valtuudet (e-Authorizations, run by the
// Digital and Population Data Services Agency) whether a person may act on
// behalf of another person (HPA, henkilö asioi henkilön puolesta), through
// its Web API.
//
// Client mirrors the Web API one call per method:
//
//	Register       GET  /service/hpa/user/register/{clientId}/{personalId}?requestId=R → sessionId, userId
//	AuthorizeURL   GET  /oauth/authorize?client_id&response_type=code&redirect_uri&user={userId}&lang
//	               (the browser; Valtuudet redirects to redirect_uri?code=…)
//	Token          POST /oauth/token (authorization_code; client id and OAuth password as basic auth)
//	Delegate       GET  /service/hpa/api/delegate/{sessionId}?requestId=R (Bearer) → the principals
//	Authorization  GET  /service/hpa/api/authorization/{sessionId}/{principalId}?requestId=R&issues=I (Bearer)
//	               → ALLOWED or DISALLOWED
//
// Every /service/ call is signed with the X-AsiointivaltuudetAuthorization
// header: "<clientId> <timestamp>:<checksum>", where the timestamp is
// ISO 8601 and the checksum is the Base64 of HMAC-SHA256, keyed with the API
// key (ChecksumKey), of the path with its query, a space and the timestamp.
// Valtuudet refuses a call whose timestamp is more than five minutes off.
//
// Register adapts the client to sotepe.MandateRegister: for each question it
// registers a Web API session for the delegate, performs the authorize step,
// exchanges the code for a token and asks delegate or authorization.
//
// The limit of the adapter, plainly: in the real Valtuudet the authorize step
// is a page in the delegate's browser, where the delegate signs in and picks
// the principal they act for, and only then does Valtuudet redirect with a
// code. A server cannot do that step for them. Register performs it
// server-side by GETting the authorize URL without following the redirect and
// reading the code from the Location header. The fake in valtuudettest allows
// this (it redirects at once, as if the delegate had picked every principal
// they hold a mandate from); the real service answers with its selection page
// instead, and Register then fails with EInternal. Against the real service
// the web layer must send the browser to AuthorizeURL, take the code at its
// redirect URI and go on with Token, Delegate and Authorization itself; the
// Authorization REST API (system-level ALLOWED/DISALLOWED queries without the
// browser) is a separately granted key and is not modelled here.
//
// The real delegate and authorization answers carry no dates. The fake adds
// an optional "validUntil" (RFC 3339) to each principal of a delegate answer
// and to an ALLOWED authorization answer; the client reads it when present
// and leaves ValidUntil zero otherwise.
package valtuudet

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sotepe"
)

// AuthorizationHeader is the header that carries the signature of every
// /service/ call.
const AuthorizationHeader = "X-AsiointivaltuudetAuthorization"

// TimestampFormat is the ISO 8601 form of the signature's timestamp the
// client sends: seconds and an explicit offset.
const TimestampFormat = "2006-01-02T15:04:05Z07:00"

// Results of an authorization query.
const (
	Allowed    = "ALLOWED"
	Disallowed = "DISALLOWED"
)

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 1 << 20

// Client calls the Valtuudet Web API. Its fields are set once; it is safe for
// concurrent use.
type Client struct {
	// BaseURL is the service's address without a path, such as
	// "https://asiointivaltuustarkistus.suomi.fi".
	BaseURL string
	// ClientID is the e-service's Web API Client ID.
	ClientID string
	// ClientSecret is the OAuth password: the token call's basic-auth password.
	ClientSecret string
	// ChecksumKey is the API key that signs every /service/ call.
	ChecksumKey string
	// HTTPClient makes the calls; nil: a client with a 10-second timeout.
	// Redirects are never followed whatever its CheckRedirect says.
	HTTPClient *http.Client
	// Now is the clock of the signatures' timestamps; nil: time.Now.
	Now func() time.Time
}

// Session is a Web API session registered for a delegate.
type Session struct {
	// SessionID names the session in the delegate and authorization calls.
	SessionID string `json:"sessionId"`
	// UserID names the delegate in the authorize step.
	UserID string `json:"userId"`
}

// Token is an OAuth access token for one session.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	// ExpiresIn is the token's lifetime in seconds.
	ExpiresIn int `json:"expires_in"`
}

// Principal is a person the delegate may act for, as the delegate call names
// them.
type Principal struct {
	Name     string `json:"name"`
	PersonID string `json:"personId"`
	// ValidUntil is when the mandate ends: zero when the answer does not say
	// (the real service never does; the fake does when the mandate has an end).
	ValidUntil time.Time `json:"validUntil,omitzero"`
}

// Authorization is the answer to whether the delegate may act for a
// principal in an issue.
type Authorization struct {
	// Result is Allowed or Disallowed.
	Result      string   `json:"result"`
	PrincipalID string   `json:"principalId"`
	Reasons     []string `json:"reasons,omitempty"`
	// ValidUntil is when the mandate for the issue ends, when the answer says
	// (only the fake does, and only for ALLOWED).
	ValidUntil time.Time `json:"validUntil,omitzero"`
}

// IsAllowed reports whether the result is ALLOWED.
func (a Authorization) IsAllowed() bool { return a.Result == Allowed }

// StatusError is the cause inside the *sotepe.Error of a call Valtuudet
// answered with an unexpected HTTP status.
type StatusError struct {
	// Call names the call: "register", "token", "delegate", "authorization"
	// or "authorize".
	Call   string
	Status int
}

// Error says which call got which status.
func (e *StatusError) Error() string {
	return fmt.Sprintf("valtuudet %s: HTTP %d", e.Call, e.Status)
}

// Register registers a Web API session for the delegate with personalID. A
// refusal (a bad signature, a timestamp off by more than five minutes, an
// unknown client) is EInternal with a *StatusError cause; no answer, a 5xx or
// an answer that does not parse is EUnavailable ("error.register_unavailable").
func (c *Client) Register(ctx context.Context, personalID string) (Session, error) {
	p := "/service/hpa/user/register/" + url.PathEscape(c.ClientID) + "/" + url.PathEscape(personalID) +
		"?requestId=" + url.QueryEscape(requestID())
	var s Session
	if err := c.service(ctx, "register", p, "", &s); err != nil {
		return Session{}, err
	}
	if s.SessionID == "" || s.UserID == "" {
		return Session{}, unavailable(errors.New("valtuudet register: no session in the answer"))
	}
	return s, nil
}

// AuthorizeURL returns the address of the authorize step the delegate's
// browser is sent to: Valtuudet's page where they pick a principal, after
// which it redirects to redirectURI with a code. lang is fi, sv or en.
func (c *Client) AuthorizeURL(userID, redirectURI, lang string) string {
	q := url.Values{
		"client_id":     {c.ClientID},
		"response_type": {"code"},
		"redirect_uri":  {redirectURI},
		"user":          {userID},
		"lang":          {lang},
	}
	return c.base() + "/oauth/authorize?" + q.Encode()
}

// Token exchanges the code of the authorize step for an access token of that
// step's session. A refused code is EInternal with a *StatusError cause; no
// answer is EUnavailable.
func (c *Client) Token(ctx context.Context, code, redirectURI string) (Token, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base()+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, internal("valtuudet token: building the request", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ClientID, c.ClientSecret)
	var t Token
	if err := c.do(req, "token", &t); err != nil {
		return Token{}, err
	}
	if t.AccessToken == "" || !strings.EqualFold(t.TokenType, "bearer") {
		return Token{}, unavailable(errors.New("valtuudet token: no bearer token in the answer"))
	}
	return t, nil
}

// Delegate returns the principals the delegate of the session may act for
// (in the real service: those picked in the authorize step). accessToken is
// the session's own. A refused token or session is EInternal with a
// *StatusError cause; no answer is EUnavailable.
func (c *Client) Delegate(ctx context.Context, sessionID, accessToken string) ([]Principal, error) {
	p := "/service/hpa/api/delegate/" + url.PathEscape(sessionID) + "?requestId=" + url.QueryEscape(requestID())
	var ps []Principal
	if err := c.service(ctx, "delegate", p, accessToken, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// Authorization asks whether the delegate of the session may act for the
// principal with principalID in issue. DISALLOWED is an answer, not an error;
// a refused token or session is EInternal with a *StatusError cause; no answer
// is EUnavailable.
func (c *Client) Authorization(ctx context.Context, sessionID, accessToken, principalID, issue string) (Authorization, error) {
	p := "/service/hpa/api/authorization/" + url.PathEscape(sessionID) + "/" + url.PathEscape(principalID) +
		"?" + url.Values{"requestId": {requestID()}, "issues": {issue}}.Encode()
	var a Authorization
	if err := c.service(ctx, "authorization", p, accessToken, &a); err != nil {
		return Authorization{}, err
	}
	if a.Result != Allowed && a.Result != Disallowed {
		return Authorization{}, unavailable(errors.New("valtuudet authorization: unknown result"))
	}
	return a, nil
}

// Sign returns the value of the X-AsiointivaltuudetAuthorization header for
// the call to pathWithQuery (from "/service/…", with its query) at now.
func (c *Client) Sign(pathWithQuery string, now time.Time) string {
	ts := now.Format(TimestampFormat)
	mac := hmac.New(sha256.New, []byte(c.ChecksumKey))
	mac.Write([]byte(pathWithQuery + " " + ts))
	return c.ClientID + " " + ts + ":" + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// service makes a signed GET of a /service/ path, with the bearer token when
// one is given, and decodes the JSON answer into out.
func (c *Client) service(ctx context.Context, call, pathWithQuery, bearer string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base()+pathWithQuery, nil)
	if err != nil {
		return internal("valtuudet "+call+": building the request", err)
	}
	req.Header.Set(AuthorizationHeader, c.Sign(pathWithQuery, c.now()))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("Accept", "application/json")
	return c.do(req, call, out)
}

func (c *Client) do(req *http.Request, call string, out any) error {
	res, err := c.client().Do(req)
	if err != nil {
		// The *url.Error names the address, and the address holds identity
		// codes: keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return unavailable(fmt.Errorf("valtuudet %s: %w", call, err))
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return unavailable(fmt.Errorf("valtuudet %s: reading the answer: %w", call, err))
	}
	switch {
	case res.StatusCode == http.StatusOK:
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		return unavailable(&StatusError{Call: call, Status: res.StatusCode})
	default:
		return internal("valtuudet refused the "+call+" call", &StatusError{Call: call, Status: res.StatusCode})
	}
	if err := json.Unmarshal(body, out); err != nil {
		return unavailable(fmt.Errorf("valtuudet %s: the answer does not parse: %w", call, err))
	}
	return nil
}

func (c *Client) base() string { return strings.TrimRight(c.BaseURL, "/") }

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// client returns the HTTP client with redirects turned off: a redirect from
// an API call is never followed, and the authorize step reads its Location.
func (c *Client) client() *http.Client {
	hc := http.Client{Timeout: 10 * time.Second}
	if c.HTTPClient != nil {
		hc = *c.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// requestID returns a fresh random request id, as the API asks for one per
// call.
func requestID() string { return rand.Text() }

func unavailable(err error) *sotepe.Error {
	return sotepe.RegisterUnavailable("Suomi.fi Valtuudet", err)
}

func internal(msg string, err error) *sotepe.Error {
	return &sotepe.Error{Code: sotepe.EInternal, Message: msg, Err: err}
}
