package demo

import (
	"context"
	"fmt"
	"time"

	"sotepe"
)

// Password is the password of every demo account. The caller hashes it and
// passes the hash to LoadPeople; it must never be used outside a demo.
const Password = "demo"

// People holds the ids of the demo people in a store.
type People struct {
	// Users maps the username of each demo account to its user id.
	Users map[string]int64
	// Residents maps the username of each resident account to the id of
	// the resident it owns.
	Residents map[string]int64
	// Extra holds the ids of the residents without accounts, in the
	// order of ExtraResidents. It is nil when LoadPeople found the people
	// loaded already, since the store offers no way to find them by
	// personal identity code without an audited staff read.
	Extra []int64
}

// Account is one demo account as the program lists it at start-up.
type Account struct {
	Username string
	// Name is the person's full name.
	Name  string
	Roles []sotepe.Role
	// Description says who the account is, in fi, sv and en.
	Description sotepe.Names
}

// person is a demo account with, for resident accounts, the resident it owns.
type person struct {
	account  Account
	email    string // staff: the work address notifications go to
	units    []string
	lang     sotepe.Lang
	resident *sotepe.Resident
}

// The units and districts the demo people are tied to; the tests check that
// they exist in the base network.
const (
	kallioStation = "kallio-health-station"
	kallioDental  = "kallio-dental-clinic"
	tooloStation  = "toolo-health-station"
)

// people returns the demo accounts in the order LoadPeople creates them:
// the resident accounts, the staff and, last, the administrator, whose
// existence tells LoadPeople that everything is loaded.
func people() []person {
	anna := sotepe.Resident{
		PersonalID: annaID,
		FirstName:  "Anna", LastName: "Virtanen", Lang: sotepe.Finnish,
		District: "kallio", HomeUnit: kallioStation, Email: "anna.virtanen@example.org",
	}
	erik := sotepe.Resident{
		PersonalID: erikID,
		FirstName:  "Erik", LastName: "Lindqvist", Lang: sotepe.Swedish,
		District: "toolo", HomeUnit: tooloStation, Email: "erik.lindqvist@example.org",
	}
	return []person{
		{account: Account{Username: "anna", Name: anna.FullName(), Roles: []sotepe.Role{sotepe.RoleResident},
			Description: sotepe.Names{
				Fi: "asukas, suomenkielinen, Kallio",
				Sv: "invånare, finskspråkig, Berghäll",
				En: "resident, Finnish-speaking, Kallio",
			}}, lang: sotepe.Finnish, resident: &anna},
		{account: Account{Username: "erik", Name: erik.FullName(), Roles: []sotepe.Role{sotepe.RoleResident},
			Description: sotepe.Names{
				Fi: "asukas, ruotsinkielinen, Töölö",
				Sv: "invånare, svenskspråkig, Tölö",
				En: "resident, Swedish-speaking, Töölö",
			}}, lang: sotepe.Swedish, resident: &erik},
		{account: Account{Username: "nurse", Name: "Sanna Nurmi", Roles: []sotepe.Role{sotepe.RoleProfessional},
			Description: sotepe.Names{
				Fi: "ammattilainen (sairaanhoitaja), Kallion terveysasema ja hammashoitola",
				Sv: "yrkesperson (sjukskötare), Berghälls hälsostation och tandklinik",
				En: "professional (nurse), Kallio health station and dental clinic",
			}}, units: []string{kallioStation, kallioDental}, lang: sotepe.Finnish, email: "sanna.nurmi@example.org"},
		{account: Account{Username: "manager", Name: "Mikko Laine", Roles: []sotepe.Role{sotepe.RoleManager, sotepe.RoleProfessional},
			Description: sotepe.Names{
				Fi: "yksikön esihenkilö ja ammattilainen, Kallion terveysasema",
				Sv: "enhetschef och yrkesperson, Berghälls hälsostation",
				En: "unit manager and professional, Kallio health station",
			}}, units: []string{kallioStation}, lang: sotepe.Finnish, email: "mikko.laine@example.org"},
		{account: Account{Username: "analyst", Name: "Linnea Berg", Roles: []sotepe.Role{sotepe.RoleAnalyst},
			Description: sotepe.Names{
				Fi: "toimialan analyytikko",
				Sv: "sektorns analytiker",
				En: "sector analyst",
			}}, lang: sotepe.Swedish, email: "linnea.berg@example.org"},
		{account: Account{Username: "admin", Name: "Aleksi Salo", Roles: []sotepe.Role{sotepe.RoleAdmin},
			Description: sotepe.Names{
				Fi: "pääkäyttäjä",
				Sv: "administratör",
				En: "administrator",
			}}, lang: sotepe.English, email: "aleksi.salo@example.org"},
		{account: Account{Username: "contracts", Name: "Katariina Aho", Roles: []sotepe.Role{sotepe.RoleContractManager},
			Description: sotepe.Names{
				Fi: "sopimusvastaava, ostopalvelut ja palvelusetelit",
				Sv: "avtalsansvarig, köpta tjänster och servicesedlar",
				En: "contract manager, purchased services and service vouchers",
			}}, lang: sotepe.Finnish, email: "katariina.aho@example.org"},
		{account: Account{Username: "rescue", Name: "Johan Ek", Roles: []sotepe.Role{sotepe.RoleRescueOfficer},
			Description: sotepe.Names{
				Fi: "pelastustoimen viranhaltija, pelastuslaitos",
				Sv: "tjänsteinnehavare inom räddningsväsendet, räddningsverket",
				En: "rescue officer, the rescue department",
			}}, lang: sotepe.Swedish, email: "johan.ek@example.org"},
		{account: Account{Username: "personnel", Name: "Riikka Lehto", Roles: []sotepe.Role{sotepe.RoleHR},
			Description: sotepe.Names{
				Fi: "henkilöstöasiantuntija, toimialan henkilöstöpalvelut",
				Sv: "personalspecialist, sektorns personaltjänster",
				En: "HR officer, the sector's staff services",
			}}, lang: sotepe.Finnish, email: "riikka.lehto@example.org"},
		{account: Account{Username: "finance", Name: "Oskar Wahl", Roles: []sotepe.Role{sotepe.RoleFinance},
			Description: sotepe.Names{
				Fi: "talousasiantuntija, talous ja kestävä kehitys",
				Sv: "ekonomispecialist, ekonomi och hållbarhet",
				En: "finance officer, economy and sustainability",
			}}, lang: sotepe.English, email: "oskar.wahl@example.org"},
	}
}

// Accounts returns the demo accounts, all with the password Password, in
// the order the program lists them at start-up.
func Accounts() []Account {
	ps := people()
	out := make([]Account, len(ps))
	for i, p := range ps {
		out[i] = p.account
		out[i].Roles = append([]sotepe.Role(nil), p.account.Roles...)
	}
	return out
}

// ExtraResidents returns the twenty synthetic residents without accounts
// that LoadPeople creates, always the same, for features that need people
// beyond the demo accounts. Their personal identity codes use the
// individual numbers 911–930, which are never given to real people.
func ExtraResidents() []sotepe.Resident {
	type spec struct {
		first, last string
		lang        sotepe.Lang
		district    string
		home        string
		y, m, d     int
	}
	specs := []spec{
		{"Aino", "Korhonen", sotepe.Finnish, "kallio", kallioStation, 1952, 4, 11},
		{"Matti", "Mäkinen", sotepe.Finnish, "malmi", "malmi-health-station", 1947, 9, 23},
		{"Helena", "Nieminen", sotepe.Finnish, "vuosaari", "vuosaari-health-station", 1961, 1, 30},
		{"Juha", "Hämäläinen", sotepe.Finnish, "kontula", "kontula-health-station", 1983, 6, 5},
		{"Elina", "Heikkinen", sotepe.Finnish, "myllypuro", "myllypuro-health-station", 1990, 12, 17},
		{"Ville", "Koskinen", sotepe.Finnish, "herttoniemi", "herttoniemi-health-station", 2001, 3, 8},
		{"Sofia", "Järvinen", sotepe.Finnish, "pasila", "pasila-health-station", 2006, 8, 21},
		{"Eino", "Lehtonen", sotepe.Finnish, "itakeskus", "itakeskus-health-station", 1938, 2, 14},
		{"Maria", "Saarinen", sotepe.Finnish, "haaga", "haaga-health-station", 1975, 5, 29},
		{"Jussi", "Salminen", sotepe.Finnish, "kannelmaki", "kannelmaki-health-station", 1969, 10, 2},
		{"Ella", "Heinonen", sotepe.Finnish, "jakomaki", "jakomaki-health-station", 2012, 7, 15},
		{"Oskar", "Nyström", sotepe.Swedish, "munkkiniemi", "munkkiniemi-health-station", 1958, 11, 19},
		{"Ebba", "Lindholm", sotepe.Swedish, "toolo", tooloStation, 1944, 3, 3},
		{"Karin", "Sjöberg", sotepe.Swedish, "laajasalo", "laajasalo-health-station", 1979, 9, 9},
		{"Mikael", "Granström", sotepe.Swedish, "kallio", kallioStation, 1995, 2, 27},
		{"Ahmed", "Hassan", sotepe.English, "itakeskus", "itakeskus-health-station", 1987, 4, 12},
		{"Olena", "Kovalenko", sotepe.English, "vallila", "vallila-health-station", 1992, 10, 30},
		{"Liisa", "Tuominen", sotepe.Finnish, "puistola", "puistola-health-station", 1955, 12, 1},
		{"Pekka", "Rantanen", sotepe.Finnish, "maunula", "maunula-health-station", 1949, 6, 18},
		{"Noora", "Virtanen", sotepe.Finnish, "kalasatama", "kalasatama-health-and-wellbeing-centre", 1998, 1, 25},
	}
	out := make([]sotepe.Resident, len(specs))
	for i, s := range specs {
		birth := time.Date(s.y, time.Month(s.m), s.d, 0, 0, 0, 0, time.UTC)
		out[i] = sotepe.Resident{
			PersonalID: sotepe.SyntheticPersonalID(birth, 911+i),
			FirstName:  s.first,
			LastName:   s.last,
			Lang:       s.lang,
			District:   s.district,
			HomeUnit:   s.home,
		}
	}
	return out
}

// LoadPeople creates the demo accounts of Accounts, all with passwordHash
// (an encoded argon2id hash of Password), the residents the resident
// accounts own, and the residents of ExtraResidents, and returns their ids.
// The home units of the residents are units of the base network, which
// should be loaded first.
//
// It is idempotent: when the user "admin", created last, exists already, it
// creates nothing and returns the ids of the existing accounts. A load cut
// short is finished on the next call where it can be: existing accounts are
// kept, and extra residents whose personal identity code is taken already
// are skipped (their id in People.Extra is 0). A resident account whose
// resident was created but whose user was not cannot be finished, since
// the resident cannot be found again; that is an EConflict error. Other
// errors of accounts and residents are returned wrapped, their codes intact.
func LoadPeople(ctx context.Context, accounts sotepe.Accounts, residents sotepe.Residents, passwordHash string) (People, error) {
	_, _, err := accounts.UserByUsername(ctx, "admin")
	switch {
	case err == nil:
		return existingPeople(ctx, accounts)
	case sotepe.ErrorCode(err) != sotepe.ENotFound:
		return People{}, fmt.Errorf("demo: look up admin: %w", err)
	}

	out := People{Users: map[string]int64{}, Residents: map[string]int64{}}
	ps := people()
	// The administrator comes last, after the extra residents, so that its
	// existence means the whole load finished.
	staff, admin := ps[:len(ps)-1], ps[len(ps)-1]
	for _, p := range staff {
		if err := createPerson(ctx, accounts, residents, passwordHash, p, &out); err != nil {
			return People{}, err
		}
	}
	for _, r := range ExtraResidents() {
		created, err := residents.CreateResident(ctx, r)
		switch {
		case sotepe.ErrorCode(err) == sotepe.EConflict:
			out.Extra = append(out.Extra, 0)
		case err != nil:
			return People{}, fmt.Errorf("demo: create extra resident %d: %w", len(out.Extra)+1, err)
		default:
			out.Extra = append(out.Extra, created.ID)
		}
	}
	if err := createPerson(ctx, accounts, residents, passwordHash, admin, &out); err != nil {
		return People{}, err
	}
	return out, nil
}

// createPerson creates one demo account, and first the resident it owns,
// unless the account exists already; either way it records the ids in out.
func createPerson(ctx context.Context, accounts sotepe.Accounts, residents sotepe.Residents, hash string, p person, out *People) error {
	name := p.account.Username
	u, _, err := accounts.UserByUsername(ctx, name)
	switch {
	case err == nil:
		record(out, u)
		return nil
	case sotepe.ErrorCode(err) != sotepe.ENotFound:
		return fmt.Errorf("demo: look up user %s: %w", name, err)
	}
	var residentID int64
	if p.resident != nil {
		r, err := residents.CreateResident(ctx, *p.resident)
		if err != nil {
			return fmt.Errorf("demo: create the resident of user %s: %w", name, err)
		}
		residentID = r.ID
	}
	u, err = accounts.CreateUser(ctx, sotepe.NewUser{
		Username:     name,
		Name:         p.account.Name,
		Roles:        append([]sotepe.Role(nil), p.account.Roles...),
		Units:        append([]string(nil), p.units...),
		Lang:         p.lang,
		ResidentID:   residentID,
		PasswordHash: hash,
		Email:        p.email,
	})
	if err != nil {
		return fmt.Errorf("demo: create user %s: %w", name, err)
	}
	record(out, u)
	return linkStaff(ctx, accounts, p, u.ID)
}

// linkStaff links a staff account to its subject at the demo organisation's
// identity provider (StaffProvider), so staff can sign in there too; a link
// made before is kept.
func linkStaff(ctx context.Context, accounts sotepe.Accounts, p person, userID int64) error {
	if p.resident != nil {
		return nil
	}
	err := accounts.LinkIdentity(ctx, sotepe.Identity{Provider: StaffProvider, Subject: "staff-" + p.account.Username, UserID: userID})
	if err != nil && sotepe.ErrorCode(err) != sotepe.EConflict {
		return fmt.Errorf("demo: link the identity of user %s: %w", p.account.Username, err)
	}
	return nil
}

// existingPeople returns the ids of the demo accounts that exist.
func existingPeople(ctx context.Context, accounts sotepe.Accounts) (People, error) {
	out := People{Users: map[string]int64{}, Residents: map[string]int64{}}
	for _, p := range people() {
		u, _, err := accounts.UserByUsername(ctx, p.account.Username)
		switch {
		case sotepe.ErrorCode(err) == sotepe.ENotFound:
			continue
		case err != nil:
			return People{}, fmt.Errorf("demo: look up user %s: %w", p.account.Username, err)
		}
		record(&out, u)
		// A demo database loaded before staff could sign in through the
		// organisation's provider gets its links now.
		if err := linkStaff(ctx, accounts, p, u.ID); err != nil {
			return People{}, err
		}
	}
	return out, nil
}

// record notes the ids of user u in out.
func record(out *People, u sotepe.User) {
	out.Users[u.Username] = u.ID
	if u.ResidentID != 0 {
		out.Residents[u.Username] = u.ResidentID
	}
}
