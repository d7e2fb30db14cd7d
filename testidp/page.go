package testidp

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// text holds the words of the provider's pages in one language.
type text struct {
	Title, Warning, Legend, Intro, Cancel, LoA, SignedOut, SignedOutText, BadRequest string
}

// texts are the pages' words in Finnish, Swedish and English.
var texts = map[string]text{
	"fi": {
		Title:         "Testitunnistus",
		Warning:       "Tämä on TESTIPALVELU. Se ei ole oikea tunnistuspalvelu: kuka tahansa voi kirjautua kenenä tahansa alla olevista testihenkilöistä.",
		Legend:        "Valitse testihenkilö",
		Intro:         "Palvelu pyytää tunnistautumista. Valitse henkilö, jona haluat kirjautua.",
		Cancel:        "Peruuta ja palaa palveluun",
		LoA:           "varmuustaso",
		SignedOut:     "Olet kirjautunut ulos testitunnistuksesta",
		SignedOutText: "Voit sulkea tämän sivun.",
		BadRequest:    "Pyyntö ei kelpaa: tuntematon asiakas tai paluuosoite.",
	},
	"sv": {
		Title:         "Testidentifiering",
		Warning:       "Detta är en TESTTJÄNST. Det är ingen riktig identifieringstjänst: vem som helst kan logga in som vilken som helst av testpersonerna nedan.",
		Legend:        "Välj en testperson",
		Intro:         "Tjänsten ber dig identifiera dig. Välj den person du vill logga in som.",
		Cancel:        "Avbryt och återvänd till tjänsten",
		LoA:           "tillitsnivå",
		SignedOut:     "Du har loggat ut från testidentifieringen",
		SignedOutText: "Du kan stänga den här sidan.",
		BadRequest:    "Begäran är ogiltig: okänd klient eller returadress.",
	},
	"en": {
		Title:         "Test identification",
		Warning:       "This is a TEST provider. It is not a real identification service: anyone can sign in as any of the test people below.",
		Legend:        "Choose a test person",
		Intro:         "The service asks you to identify yourself. Choose the person you want to sign in as.",
		Cancel:        "Cancel and return to the service",
		LoA:           "level of assurance",
		SignedOut:     "You have signed out of the test identification",
		SignedOutText: "You may close this page.",
		BadRequest:    "The request is not valid: unknown client or return address.",
	},
}

// matcher picks the page language from Accept-Language.
var matcher = language.NewMatcher([]language.Tag{language.Finnish, language.Swedish, language.English})

// lang returns fi, sv or en: the first of ui_locales the provider speaks,
// else the best match of Accept-Language, else fi.
func lang(r *http.Request, uiLocales string) string {
	for _, l := range strings.Fields(uiLocales) {
		base, _, _ := strings.Cut(strings.ToLower(l), "-")
		if _, ok := texts[base]; ok {
			return base
		}
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := matcher.Match(tags...)
			if conf != language.No {
				return []string{"fi", "sv", "en"}[i]
			}
		}
	}
	return "fi"
}

// authzParams are the authorization request's parameters the form carries
// from the page to its POST.
var authzParams = []string{
	"client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method", "acr_values", "ui_locales",
}

// authorize shows the page of test people (GET) and handles the choice (POST).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		methodNotAllowed(w, "GET, POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f := r.Form
	if r.Method == http.MethodPost {
		f = r.PostForm
	}
	l := lang(r, f.Get("ui_locales"))
	c := s.clients[f.Get("client_id")]
	redirect := f.Get("redirect_uri")
	if c == nil || !slices.Contains(c.RedirectURIs, redirect) {
		// Never redirect to an address that is not registered.
		s.renderError(w, l)
		return
	}
	back := func(params url.Values) {
		if st := f.Get("state"); st != "" {
			params.Set("state", st)
		}
		params.Set("iss", s.cfg.Issuer)
		u, _ := url.Parse(redirect)
		q := u.Query()
		for k, v := range params {
			q[k] = v
		}
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
	}
	switch {
	case f.Get("response_type") != "code":
		back(url.Values{"error": {"unsupported_response_type"}})
		return
	case !slices.Contains(strings.Fields(f.Get("scope")), "openid"):
		back(url.Values{"error": {"invalid_scope"}, "error_description": {"scope must include openid"}})
		return
	case f.Get("code_challenge_method") != "S256" || len(f.Get("code_challenge")) < 43:
		back(url.Values{"error": {"invalid_request"}, "error_description": {"PKCE with S256 is required"}})
		return
	case f.Get("nonce") == "":
		back(url.Values{"error": {"invalid_request"}, "error_description": {"nonce is required"}})
		return
	}
	if r.Method == http.MethodGet {
		s.renderPeople(w, l, f)
		return
	}
	if f.Has("cancel") {
		back(url.Values{"error": {"access_denied"}})
		return
	}
	p, ok := s.people[f.Get("person")]
	if !ok {
		s.renderPeople(w, l, f)
		return
	}
	now := s.now()
	g := &grant{
		client:      c.ID,
		redirectURI: redirect,
		nonce:       f.Get("nonce"),
		challenge:   f.Get("code_challenge"),
		person:      p,
		authTime:    now,
		codeExpires: now.Add(CodeLifetime),
	}
	code := randomString()
	s.mu.Lock()
	s.sweep(now)
	s.codes[code] = g
	s.mu.Unlock()
	back(url.Values{"code": {code}})
}

// pageData is what the page template shows.
type pageData struct {
	Lang   string
	T      text
	Action string
	Hidden []hidden
	People []personButton
	Error  bool
	Out    bool
}

type hidden struct{ Name, Value string }

type personButton struct{ Subject, Label, LoA string }

func (s *Server) renderPeople(w http.ResponseWriter, l string, f url.Values) {
	d := pageData{Lang: l, T: texts[l], Action: s.endpoint("/authorize")}
	for _, n := range authzParams {
		if v := f.Get(n); v != "" {
			d.Hidden = append(d.Hidden, hidden{n, v})
		}
	}
	for _, p := range s.cfg.People {
		label := p.Label
		if label == "" {
			label = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		}
		d.People = append(d.People, personButton{Subject: p.Subject, Label: label, LoA: p.LoA})
	}
	render(w, http.StatusOK, d)
}

func (s *Server) renderError(w http.ResponseWriter, l string) {
	render(w, http.StatusBadRequest, pageData{Lang: l, T: texts[l], Error: true})
}

func (s *Server) renderSignedOut(w http.ResponseWriter, r *http.Request) {
	l := lang(r, r.Form.Get("ui_locales"))
	render(w, http.StatusOK, pageData{Lang: l, T: texts[l], Out: true})
}

func render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = page.Execute(w, d)
}

// page is the provider's one HTML template: no script, labelled controls.
var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.T.Title}} – TEST</title>
<style>
body{font-family:Arial,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;line-height:1.5}
.warning{border:3px solid #b01038;padding:.75rem;background:#fff3f5;color:#5c0014;font-weight:bold}
fieldset{border:1px solid #666;padding:1rem}
button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;text-align:left;cursor:pointer}
button:focus{outline:3px solid #0062b9;outline-offset:2px}
</style>
</head>
<body>
<header><p class="warning" role="note">{{.T.Warning}}</p></header>
<main>
<h1>{{.T.Title}}</h1>
{{- if .Error}}
<p role="alert">{{.T.BadRequest}}</p>
{{- else if .Out}}
<h2>{{.T.SignedOut}}</h2>
<p>{{.T.SignedOutText}}</p>
{{- else}}
<p>{{.T.Intro}}</p>
<form method="post" action="{{.Action}}">
{{- range .Hidden}}
<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{- end}}
<fieldset>
<legend>{{.T.Legend}}</legend>
{{- range .People}}
<button type="submit" name="person" value="{{.Subject}}">{{.Label}}{{if .LoA}} <small>({{$.T.LoA}}: {{.LoA}})</small>{{end}}</button>
{{- end}}
</fieldset>
<p><button type="submit" name="cancel" value="1">{{.T.Cancel}}</button></p>
</form>
{{- end}}
</main>
</body>
</html>
`))
