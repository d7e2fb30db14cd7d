package sotepe

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Area is one of the sector's service areas (palvelukokonaisuus,
// servicehelhet), the top level under the sector in the organisation chart.
type Area struct {
	ID    string `json:"id"`
	Names Names  `json:"names"`
	Order int    `json:"order"`
}

// Concept is a service concept (palvelukonsepti, koncept) that groups units
// across areas: the family centre, the health and wellbeing centre and senior
// services.
type Concept struct {
	ID    string `json:"id"`
	Names Names  `json:"names"`
}

// Service is a service (palvelu, tjänst) offered at units, such as the health
// station nurse's reception or dental care. TakesContactRequests marks
// services a resident may write to.
type Service struct {
	ID                   string `json:"id"`
	AreaID               string `json:"area"`
	Names                Names  `json:"names"`
	Descriptions         Names  `json:"descriptions"`
	TakesContactRequests bool   `json:"takes_contact_requests"`
	// CentralUnit is the unit whose queue takes the service's contact
	// requests that no local unit takes ("" if none).
	CentralUnit string `json:"central_unit,omitempty"`
}

// ProducerKind tells who produces a service: the city itself, a contract
// partner, or a producer the resident chooses with a service voucher.
type ProducerKind string

// The kinds of producer.
const (
	ProducerOwn      ProducerKind = "own"
	ProducerContract ProducerKind = "contract"
	ProducerVoucher  ProducerKind = "voucher"
)

// ProducerKinds lists every kind, the city's own first.
var ProducerKinds = []ProducerKind{ProducerOwn, ProducerContract, ProducerVoucher}

// Valid reports whether k is a known kind.
func (k ProducerKind) Valid() bool { return slices.Contains(ProducerKinds, k) }

// Producer (palveluntuottaja, serviceproducent) runs units.
type Producer struct {
	ID    string       `json:"id"`
	Names Names        `json:"names"`
	Kind  ProducerKind `json:"kind"`
}

// Unit is a place where services are given (toimipiste,
// verksamhetsställe): a health station, a family centre, a rescue station.
type Unit struct {
	ID         string       `json:"id"`
	Names      Names        `json:"names"`
	Kind       string       `json:"kind"` // e.g. "health_station"; see UnitKinds
	AreaID     string       `json:"area"`
	ProducerID string       `json:"producer"`
	Concepts   []string     `json:"concepts"`
	Services   []string     `json:"services"`
	Languages  []Lang       `json:"languages"`
	Address    Address      `json:"address"`
	District   string       `json:"district"` // a District id
	Location   Location     `json:"location"`
	Phone      string       `json:"phone,omitempty"`
	Hours      OpeningHours `json:"opening_hours"`
	Opened     string       `json:"opened,omitempty"` // YYYY-MM-DD when the unit opened, if recent
}

// District is a part of the city (kaupunginosa, stadsdel) that units lie in
// and residents live in.
type District struct {
	ID    string `json:"id"`
	Names Names  `json:"names"`
}

// Address is a street address; the street name may differ by language.
type Address struct {
	Street     Names  `json:"street"`
	PostalCode string `json:"postal_code"`
	City       Names  `json:"city"`
}

// Location is a WGS84 coordinate.
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// UnitKindNames returns the names of a kind of unit and whether kind is one
// sotepe knows.
func UnitKindNames(kind string) (Names, bool) {
	n, ok := unitKinds[kind]
	return n, ok
}

// UnitKinds returns the known kinds of unit in a stable order.
func UnitKinds() []string {
	kinds := make([]string, 0, len(unitKinds))
	for k := range unitKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// unitKinds is a read-only table: never written after initialisation.
var unitKinds = map[string]Names{
	"health_station":      {Fi: "Terveysasema", Sv: "Hälsostation", En: "Health station"},
	"family_centre":       {Fi: "Perhekeskus", Sv: "Familjecenter", En: "Family centre"},
	"child_clinic":        {Fi: "Neuvola", Sv: "Rådgivning", En: "Maternity and child clinic"},
	"dental_clinic":       {Fi: "Hammashoitola", Sv: "Tandklinik", En: "Dental clinic"},
	"senior_centre":       {Fi: "Seniorikeskus", Sv: "Seniorcenter", En: "Senior centre"},
	"service_centre":      {Fi: "Palvelukeskus", Sv: "Servicecentral", En: "Service centre"},
	"psychiatry":          {Fi: "Psykiatria", Sv: "Psykiatri", En: "Psychiatric services"},
	"substance_abuse":     {Fi: "Päihdepalvelut", Sv: "Missbrukartjänster", En: "Substance-abuse services"},
	"home_care":           {Fi: "Kotihoito", Sv: "Hemvård", En: "Home care"},
	"hospital":            {Fi: "Sairaala", Sv: "Sjukhus", En: "Hospital"},
	"rescue_station":      {Fi: "Pelastusasema", Sv: "Räddningsstation", En: "Rescue station"},
	"social_services":     {Fi: "Sosiaalipalvelut", Sv: "Socialtjänster", En: "Social services"},
	"youth_mental_health": {Fi: "Nuorten mielenterveyspalvelut", Sv: "Mentalvårdstjänster för unga", En: "Youth mental health services"},
	"wellbeing_centre":    {Fi: "Terveys- ja hyvinvointikeskus", Sv: "Central för hälsa och välbefinnande", En: "Health and wellbeing centre"},
	"disability_services": {Fi: "Vammaispalvelut", Sv: "Funktionshinderservice", En: "Disability services"},
	"specialist_centre":   {Fi: "Erikoisyksikkö", Sv: "Specialenhet", En: "Specialist centre"},
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)

// ValidID reports whether s can be the id of an area, concept, service,
// producer or unit: lower-case letters, digits and hyphens, at most 80.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// Validate checks a unit before it is stored: a valid id, names in all three
// languages, a known kind, area and producer set, languages known, coordinates
// inside the plausible range, and valid opening hours.
func (u Unit) Validate() error {
	switch {
	case !ValidID(u.ID):
		return Invalid("error.unit_id", "unit id must be lower-case letters, digits and hyphens")
	case !u.Names.Complete():
		return Invalid("error.names_incomplete", "unit "+u.ID+" needs names in fi, sv and en")
	case unitKinds[u.Kind] == (Names{}):
		return Invalid("error.unit_kind", "unit "+u.ID+" has an unknown kind "+u.Kind)
	case u.AreaID == "" || u.ProducerID == "" || u.District == "":
		return Invalid("error.unit_owner", "unit "+u.ID+" needs an area, a producer and a district")
	case u.Location.Lat < -90 || u.Location.Lat > 90 || u.Location.Lon < -180 || u.Location.Lon > 180:
		return Invalid("error.unit_location", "unit "+u.ID+" has coordinates out of range")
	}
	for _, l := range u.Languages {
		if _, ok := ParseLang(string(l)); !ok {
			return Invalid("error.unit_language", "unit "+u.ID+" has an unknown language "+string(l))
		}
	}
	return u.Hours.Validate()
}

// ServesLanguage reports whether the unit serves in lang.
func (u Unit) ServesLanguage(lang Lang) bool {
	for _, l := range u.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// UnitFilter narrows a directory search. Empty fields do not narrow. Query
// matches any part of the unit's names, district or street in any language,
// ignoring case and accents ("gardsbacka" finds "Gårdsbacka").
type UnitFilter struct {
	Query    string
	Service  string
	Area     string
	Concept  string
	District string // a District id
	Language Lang
	Kind     string
	Producer string
	// SortLang chooses the language whose names order the list.
	SortLang Lang
	Page     PageRequest
}

// Normalize checks f and returns it ready to run: the page limit defaulted
// and capped, SortLang defaulted to Finnish, Query folded with FoldText, and
// the languages in their canonical form. A negative limit is EInvalid
// ("error.page_limit"); an unknown SortLang or Language is EInvalid
// ("error.lang"). Every Directory implementation calls it first, so that
// they all read a filter alike.
func (f UnitFilter) Normalize() (UnitFilter, error) {
	var err error
	if f.Page, err = f.Page.Normalize(); err != nil {
		return f, err
	}
	f.SortLang, err = normalizeLang(f.SortLang, Finnish)
	if err != nil {
		return f, err
	}
	if f.Language, err = normalizeLang(f.Language, ""); err != nil {
		return f, err
	}
	f.Query = FoldText(f.Query)
	return f, nil
}

func normalizeLang(l, empty Lang) (Lang, error) {
	if l == "" {
		return empty, nil
	}
	if p, ok := ParseLang(string(l)); ok {
		return p, nil
	}
	return "", Invalid("error.lang", "language must be fi, sv or en")
}

// FoldText returns s in the form the directory searches: lower case, accents
// removed from Latin letters (å, ä and ö too), runs of space made one.
// Searching folds both sides, so "Gårdsbacka", "gardsbacka" and "GÅRDSBACKA"
// all match.
func FoldText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if f, ok := foldRunes[r]; ok {
			r = f
		}
		if r == ' ' || r == '\t' || r == '\n' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

// foldRunes is a read-only table: never written after initialisation.
var foldRunes = map[rune]rune{
	'å': 'a', 'ä': 'a', 'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a',
	'ö': 'o', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o', 'ø': 'o',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'ü': 'u', 'ú': 'u', 'ù': 'u', 'û': 'u',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'š': 's', 'ž': 'z', 'ç': 'c', 'ñ': 'n',
}

// SearchText returns the folded text a unit is found by: its names, the names
// of its district, its street in all languages, and its kind's names.
func (u Unit) SearchText(district Names) string {
	k := unitKinds[u.Kind]
	parts := []string{
		u.Names.Fi, u.Names.Sv, u.Names.En,
		district.Fi, district.Sv, district.En,
		u.Address.Street.Fi, u.Address.Street.Sv, u.Address.Street.En,
		k.Fi, k.Sv, k.En,
	}
	return FoldText(strings.Join(parts, " | "))
}

// Directory is the public, read-only view of the service network.
type Directory interface {
	// Areas returns every service area in order.
	Areas(ctx context.Context) ([]Area, error)
	// Concepts returns every service concept.
	Concepts(ctx context.Context) ([]Concept, error)
	// Districts returns every district, ordered by id.
	Districts(ctx context.Context) ([]District, error)
	// Producers returns every producer.
	Producers(ctx context.Context) ([]Producer, error)
	// Services returns one page of services, ordered by id; area narrows
	// to one service area when not empty.
	Services(ctx context.Context, area string, page PageRequest) (Page[Service], error)
	// Service returns one service, or ENotFound.
	Service(ctx context.Context, id string) (Service, error)
	// Units returns one page of units matching f, ordered by name in
	// f.SortLang and then id. A malformed cursor is EInvalid.
	Units(ctx context.Context, f UnitFilter) (Page[Unit], error)
	// Unit returns one unit, or ENotFound.
	Unit(ctx context.Context, id string) (Unit, error)
}

// Network is the write side of the service network, used by the demo loader,
// imports and administrators. Each Save inserts or replaces by id.
type Network interface {
	SaveArea(ctx context.Context, a Area) error
	SaveConcept(ctx context.Context, c Concept) error
	SaveDistrict(ctx context.Context, d District) error
	SaveProducer(ctx context.Context, p Producer) error
	SaveService(ctx context.Context, s Service) error
	// SaveUnit validates u and stores it with its services, concepts and
	// languages; unknown area, producer, service or concept ids are EInvalid.
	SaveUnit(ctx context.Context, u Unit) error
}
