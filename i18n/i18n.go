// Package i18n holds sotepe's message catalogs in Finnish, Swedish and
// English and picks a person's language. Messages are looked up by key; a
// message may have plural forms chosen by CLDR rules (go-i18n) and
// placeholders written as {{.Name}}.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"sotepe"
)

//go:embed locales/*.json
var locales embed.FS

// Catalog translates message keys. It is safe for concurrent use.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[sotepe.Lang]*i18n.Localizer
	matcher    language.Matcher
	keys       []string
}

// New loads the embedded catalogs. It fails when a catalog is missing or
// malformed.
func New() (*Catalog, error) {
	b := i18n.NewBundle(language.Finnish)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[sotepe.Lang]*i18n.Localizer{}}
	for _, l := range sotepe.Langs {
		f, err := b.LoadMessageFileFS(locales, "locales/"+string(l)+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: load %s catalog: %w", l, err)
		}
		if l == sotepe.Finnish {
			for _, m := range f.Messages {
				c.keys = append(c.keys, m.ID)
			}
		}
		c.localizers[l] = i18n.NewLocalizer(b, string(l), string(sotepe.Finnish))
	}
	sort.Strings(c.keys)
	c.matcher = language.NewMatcher([]language.Tag{language.Finnish, language.Swedish, language.English})
	return c, nil
}

// Keys returns every message key of the Finnish catalog, sorted.
func (c *Catalog) Keys() []string { return append([]string(nil), c.keys...) }

// T returns the message key in lang with args filling its placeholders. A
// missing key returns the key itself, so a gap shows on the page instead of
// breaking it; the catalog tests keep gaps from landing.
func (c *Catalog) T(lang sotepe.Lang, key string, args map[string]any) string {
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: key, TemplateData: args})
}

// N returns the plural form of key for count in lang; args may also use
// {{.Count}}.
func (c *Catalog) N(lang sotepe.Lang, key string, count int, args map[string]any) string {
	data := map[string]any{"Count": count}
	for k, v := range args {
		data[k] = v
	}
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: key, PluralCount: count, TemplateData: data})
}

func (c *Catalog) localize(lang sotepe.Lang, cfg *i18n.LocalizeConfig) string {
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers[sotepe.Finnish]
	}
	s, err := l.Localize(cfg)
	if err != nil {
		return cfg.MessageID
	}
	return s
}

// Match picks the language for an Accept-Language header: the best of fi, sv
// and en that the header asks for, or Finnish when it names none of them.
func (c *Catalog) Match(acceptLanguage string) sotepe.Lang {
	if strings.TrimSpace(acceptLanguage) == "" {
		return sotepe.Finnish
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return sotepe.Finnish
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return sotepe.Finnish
	}
	return sotepe.Langs[idx]
}
