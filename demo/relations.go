package demo

import (
	"time"

	"sotepe"
	"sotepe/popreg"
	"sotepe/valtuudet/valtuudettest"
)

// The demo's relations between people, as the fake population register and
// the fake mandate register tell them: anna has two children in her
// custody, Aino (born 2019, so 7 in 2026) and Eero (born 2011, 15 in 2026);
// erik has none, but his father Gustav has given him a mandate for health
// and social care matters until the end of 2027. The children and Gustav
// have no accounts: sotepe creates them as residents the first time a
// register names them.

// Guardianship is one child in a guardian's custody.
type Guardianship struct {
	GuardianPersonalID string
	Child              sotepe.Person
}

// MandateGrant is one mandate a principal has given a delegate.
type MandateGrant struct {
	DelegatePersonalID string
	Principal          sotepe.Person
	ValidUntil         time.Time
}

// The demo people's personal identity codes, shared by the registers and the
// test identity provider.
var (
	annaID  = sotepe.SyntheticPersonalID(time.Date(1988, 3, 14, 0, 0, 0, 0, time.UTC), 901)
	erikID  = sotepe.SyntheticPersonalID(time.Date(1975, 11, 2, 0, 0, 0, 0, time.UTC), 902)
	ainoID  = sotepe.SyntheticPersonalID(time.Date(2019, 5, 20, 0, 0, 0, 0, time.UTC), 903)
	eeroID  = sotepe.SyntheticPersonalID(time.Date(2011, 8, 15, 0, 0, 0, 0, time.UTC), 904)
	gustaID = sotepe.SyntheticPersonalID(time.Date(1941, 2, 10, 0, 0, 0, 0, time.UTC), 905)
)

// Guardianships returns the custody relations of the demo's population register.
func Guardianships() []Guardianship {
	return []Guardianship{
		{GuardianPersonalID: annaID, Child: sotepe.Person{PersonalID: ainoID, FirstName: "Aino", LastName: "Virtanen"}},
		{GuardianPersonalID: annaID, Child: sotepe.Person{PersonalID: eeroID, FirstName: "Eero", LastName: "Virtanen"}},
	}
}

// PopulationRegister returns the fake population register holding the
// demo's guardianships, with its day taken from now.
func PopulationRegister(now func() time.Time) *popreg.Fake {
	var cs []popreg.Custody
	for _, g := range Guardianships() {
		cs = append(cs, popreg.Custody{GuardianPersonalID: g.GuardianPersonalID, Child: g.Child})
	}
	f := popreg.NewFake(cs, Homes()...)
	f.Now = now
	return f
}

// The municipalities of the demo's homes, as codes of Kuntakoodisto.
const (
	helsinki = "091"
	espoo    = "049"
	vantaa   = "092"
)

// Homes returns where the demo's people live, as the population register
// tells it: anna, erik and anna's children in Helsinki, erik's father
// Gustav in Espoo; of the extra residents, Eino Lehtonen lives in Vantaa
// (he has chosen Itäkeskus's health station across the border, as the
// Health Care Act lets him) and Noora Virtanen in Helsinki under address
// protection (turvakielto), so that no one is shown her municipality; the
// others in Helsinki.
func Homes() []popreg.Residence {
	out := []popreg.Residence{
		{PersonalID: annaID, Home: sotepe.Home{Municipality: helsinki}},
		{PersonalID: erikID, Home: sotepe.Home{Municipality: helsinki}},
		{PersonalID: ainoID, Home: sotepe.Home{Municipality: helsinki}},
		{PersonalID: eeroID, Home: sotepe.Home{Municipality: helsinki}},
		{PersonalID: gustaID, Home: sotepe.Home{Municipality: espoo}},
	}
	for _, r := range ExtraResidents() {
		h := sotepe.Home{Municipality: helsinki}
		switch r.FullName() {
		case "Eino Lehtonen":
			h.Municipality = vantaa
		case "Noora Virtanen":
			h.Protected = true
		}
		out = append(out, popreg.Residence{PersonalID: r.PersonalID, Home: h})
	}
	return out
}

// MandateServer returns a fake Suomi.fi Valtuudet holding the demo's
// mandates (for health and social care matters), answering clients that
// sign with the given credentials.
func MandateServer(clientID, secret, checksumKey string, now func() time.Time) *valtuudettest.Server {
	var gs []valtuudettest.Grant
	for _, m := range MandateGrants() {
		gs = append(gs, valtuudettest.Grant{DelegatePersonalID: m.DelegatePersonalID, Principal: m.Principal,
			Issues: []string{sotepe.IssueHealthCare}, ValidUntil: m.ValidUntil})
	}
	return valtuudettest.New(valtuudettest.Config{ClientID: clientID, ClientSecret: secret, ChecksumKey: checksumKey, Mandates: gs, Now: now})
}

// MandateGrants returns the mandates of the demo's mandate register.
func MandateGrants() []MandateGrant {
	return []MandateGrant{{
		DelegatePersonalID: erikID,
		Principal:          sotepe.Person{PersonalID: gustaID, FirstName: "Gustav", LastName: "Lindqvist"},
		ValidUntil:         time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC),
	}}
}

// Identity is a demo person as the demo's test identity provider offers
// them: a stable subject, the personal identity code and names, and the
// level of assurance a bank code would give.
type Identity struct {
	Subject    string
	PersonalID string
	GivenName  string
	FamilyName string
	LoA        string
	// Username is the demo account the identity belongs to, if any.
	Username string
	// Label says who the person is, in fi, sv and en.
	Label sotepe.Names
}

// Identities returns the people residents' test provider offers.
func Identities() []Identity {
	return []Identity{
		{Subject: "demo-anna", PersonalID: annaID, GivenName: "Anna", FamilyName: "Virtanen", LoA: "substantial", Username: "anna",
			Label: sotepe.Names{Fi: "Anna Virtanen, kahden lapsen huoltaja", Sv: "Anna Virtanen, vårdnadshavare för två barn", En: "Anna Virtanen, guardian of two children"}},
		{Subject: "demo-erik", PersonalID: erikID, GivenName: "Erik", FamilyName: "Lindqvist", LoA: "high", Username: "erik",
			Label: sotepe.Names{Fi: "Erik Lindqvist, isänsä valtuuttama", Sv: "Erik Lindqvist, med fullmakt av sin far", En: "Erik Lindqvist, with a mandate from his father"}},
		{Subject: "demo-eero", PersonalID: eeroID, GivenName: "Eero", FamilyName: "Virtanen", LoA: "substantial",
			Label: sotepe.Names{Fi: "Eero Virtanen, 15 vuotta", Sv: "Eero Virtanen, 15 år", En: "Eero Virtanen, 15 years old"}},
	}
}

// StaffIdentities returns the staff as the organisation's test provider
// offers them; LoadPeople links each subject to the account.
func StaffIdentities() []Identity {
	var out []Identity
	for _, p := range people() {
		if p.resident != nil {
			continue
		}
		out = append(out, Identity{Subject: "staff-" + p.account.Username, GivenName: p.account.Name, Username: p.account.Username,
			LoA: "substantial", Label: p.account.Description})
	}
	return out
}

// StaffProvider names the demo organisation's identity provider in the
// identities LoadPeople links.
const StaffProvider = "helsinki-staff"
