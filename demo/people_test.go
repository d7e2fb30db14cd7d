package demo

import (
	"slices"
	"testing"

	"sotepe"
)

func TestAccounts(t *testing.T) {
	accounts := Accounts()
	var names []string
	for _, a := range accounts {
		names = append(names, a.Username)
		if !a.Description.Complete() {
			t.Errorf("account %s: description not in fi, sv and en: %+v", a.Username, a.Description)
		}
		if a.Name == "" || len(a.Roles) == 0 {
			t.Errorf("account %s has no name or no role", a.Username)
		}
	}
	if want := []string{"anna", "erik", "nurse", "manager", "analyst", "admin", "contracts", "rescue", "personnel", "finance"}; !slices.Equal(names, want) {
		t.Errorf("accounts %v, want %v", names, want)
	}
	accounts[0].Roles[0] = sotepe.RoleAdmin
	if Accounts()[0].Roles[0] != sotepe.RoleResident {
		t.Error("changing the result of Accounts changed the next one")
	}
}

func TestPeopleAreValidUsers(t *testing.T) {
	n := baseNetwork(t)
	units := map[string]sotepe.Unit{}
	for _, u := range n.Units {
		units[u.ID] = u
	}
	roles := map[string][]sotepe.Role{
		"anna": {sotepe.RoleResident}, "erik": {sotepe.RoleResident},
		"nurse": {sotepe.RoleProfessional}, "manager": {sotepe.RoleManager, sotepe.RoleProfessional},
		"analyst": {sotepe.RoleAnalyst}, "admin": {sotepe.RoleAdmin},
		"contracts": {sotepe.RoleContractManager}, "rescue": {sotepe.RoleRescueOfficer},
		"personnel": {sotepe.RoleHR}, "finance": {sotepe.RoleFinance},
	}
	for _, p := range people() {
		nu := sotepe.NewUser{
			Username: p.account.Username, Name: p.account.Name, Roles: p.account.Roles,
			Units: p.units, Lang: p.lang, PasswordHash: "x",
		}
		if p.resident != nil {
			nu.ResidentID = 1
		}
		if err := nu.Validate(); err != nil {
			t.Errorf("user %s: %v", p.account.Username, err)
		}
		if !slices.Equal(p.account.Roles, roles[p.account.Username]) {
			t.Errorf("user %s has roles %v, want %v", p.account.Username, p.account.Roles, roles[p.account.Username])
		}
		if (p.resident != nil) != slices.Contains(p.account.Roles, sotepe.RoleResident) {
			t.Errorf("user %s: a resident account must own a resident and only it", p.account.Username)
		}
		for _, id := range p.units {
			if _, ok := units[id]; !ok {
				t.Errorf("user %s is a member of unknown unit %s", p.account.Username, id)
			}
		}
	}
	byName := map[string]person{}
	for _, p := range people() {
		byName[p.account.Username] = p
	}
	if got := byName["nurse"].units; !slices.Equal(got, []string{"kallio-health-station", "kallio-dental-clinic"}) {
		t.Errorf("nurse works at %v", got)
	}
	if got := byName["manager"].units; !slices.Equal(got, []string{"kallio-health-station"}) {
		t.Errorf("manager works at %v", got)
	}
	anna, erik := byName["anna"].resident, byName["erik"].resident
	if anna.Lang != sotepe.Finnish || anna.District != "kallio" || anna.HomeUnit != "kallio-health-station" {
		t.Errorf("anna = %+v", anna)
	}
	if erik.Lang != sotepe.Swedish || byName["erik"].lang != sotepe.Swedish {
		t.Errorf("erik is not Swedish-speaking: %+v", erik)
	}
	if home, ok := units[erik.HomeUnit]; !ok || !home.ServesLanguage(sotepe.Swedish) || home.Kind != "health_station" {
		t.Errorf("erik's home unit %s is not a health station that serves in Swedish", erik.HomeUnit)
	}
}

func TestResidentsHaveSyntheticPersonalIDs(t *testing.T) {
	n := baseNetwork(t)
	units := idSet(n.Units, func(u sotepe.Unit) string { return u.ID })
	districts := idSet(n.Districts, func(d sotepe.District) string { return d.ID })
	var all []sotepe.Resident
	for _, p := range people() {
		if p.resident != nil {
			all = append(all, *p.resident)
		}
	}
	extra := ExtraResidents()
	if len(extra) < 20 {
		t.Errorf("%d extra residents, want about 20", len(extra))
	}
	all = append(all, extra...)
	codes := map[string]bool{}
	langs := map[sotepe.Lang]int{}
	for _, r := range all {
		if err := r.Validate(); err != nil {
			t.Errorf("resident %s: %v", r.FullName(), err)
		}
		birth, err := sotepe.ParsePersonalID(r.PersonalID)
		if err != nil {
			t.Errorf("resident %s: personal identity code %s does not parse: %v", r.FullName(), r.PersonalID, err)
			continue
		}
		if r.PersonalID[7] != '9' {
			t.Errorf("resident %s: individual number of %s is not synthetic (900–999)", r.FullName(), r.PersonalID)
		}
		if birth.Year() < 1920 || birth.Year() > 2024 {
			t.Errorf("resident %s born %v", r.FullName(), birth)
		}
		if codes[r.PersonalID] {
			t.Errorf("personal identity code %s is used twice", r.PersonalID)
		}
		codes[r.PersonalID] = true
		if !districts[r.District] {
			t.Errorf("resident %s lives in unknown district %s", r.FullName(), r.District)
		}
		if !units[r.HomeUnit] {
			t.Errorf("resident %s has unknown home unit %s", r.FullName(), r.HomeUnit)
		}
		langs[r.Lang]++
	}
	if langs[sotepe.Swedish] < 2 || langs[sotepe.English] < 1 {
		t.Errorf("residents by language %v: want Swedish and English speakers too", langs)
	}
	if !slices.Equal(ExtraResidents(), extra) {
		t.Error("ExtraResidents is not deterministic")
	}
}
