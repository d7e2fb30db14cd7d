package popreg_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/popreg"
)

func person(birth string, n int, first string) sotepe.Person {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		panic(err)
	}
	return sotepe.Person{PersonalID: sotepe.SyntheticPersonalID(b, n), FirstName: first, LastName: "Testinen"}
}

func firstNames(ps []sotepe.Person) []string {
	var names []string
	for _, p := range ps {
		names = append(names, p.FirstName)
	}
	return names
}

func TestChildrenAreMinorsOnTheRegistersDay(t *testing.T) {
	mother := person("1980-03-03", 901, "Maija")
	father := person("1979-07-07", 902, "Matti")
	other := person("1985-01-01", 903, "Olli")
	aino := person("2008-06-15", 910, "Aino")   // turns 18 on 15 June 2026
	eero := person("2015-01-20", 911, "Eero")   // a minor all through
	ville := person("2008-02-29", 912, "Ville") // 18 on 28 February 2026
	f := popreg.NewFake([]popreg.Custody{
		{GuardianPersonalID: mother.PersonalID, Child: aino},
		{GuardianPersonalID: mother.PersonalID, Child: eero},
		{GuardianPersonalID: father.PersonalID, Child: eero},
		{GuardianPersonalID: mother.PersonalID, Child: ville},
	})
	var now time.Time
	f.Now = func() time.Time { return now }
	f.Location = nil // the calendar day of now in UTC until the last case
	ctx := context.Background()

	for _, tc := range []struct {
		now      time.Time
		guardian string
		want     []string
	}{
		{time.Date(2026, 2, 27, 12, 0, 0, 0, time.UTC), mother.PersonalID, []string{"Aino", "Eero", "Ville"}},
		{time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC), mother.PersonalID, []string{"Aino", "Eero"}},
		{time.Date(2026, 6, 14, 12, 0, 0, 0, time.UTC), mother.PersonalID, []string{"Aino", "Eero"}},
		{time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), mother.PersonalID, []string{"Eero"}},
		{time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), "  " + father.PersonalID + " ", []string{"Eero"}},
		{time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), other.PersonalID, nil},
		{time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), aino.PersonalID, nil},
	} {
		now = tc.now
		got, err := f.Children(ctx, tc.guardian)
		if err != nil {
			t.Fatalf("%s: %v", tc.now, err)
		}
		if g := firstNames(got); !slices.Equal(g, tc.want) {
			t.Errorf("at %s: %v, want %v", tc.now.Format(time.DateTime), g, tc.want)
		}
	}

	// The day is Helsinki's: at 22:30 UTC on 14 June it is already 15 June
	// in Helsinki, and Aino is 18 there.
	now = time.Date(2026, 6, 14, 22, 30, 0, 0, time.UTC)
	got, _ := f.Children(ctx, mother.PersonalID)
	if g := firstNames(got); !slices.Equal(g, []string{"Aino", "Eero"}) {
		t.Errorf("UTC day: %v", g)
	}
	f.Location = time.FixedZone("EEST", 3*3600)
	got, _ = f.Children(ctx, mother.PersonalID)
	if g := firstNames(got); !slices.Equal(g, []string{"Eero"}) {
		t.Errorf("Helsinki day: %v", g)
	}
}

func TestNewFakeUsesHelsinki(t *testing.T) {
	f := popreg.NewFake(nil)
	if f.Location == nil {
		t.Skip("no time zone database here")
	}
	if f.Location.String() != "Europe/Helsinki" {
		t.Errorf("location %s", f.Location)
	}
	if f.Now == nil {
		t.Error("no clock")
	}
}

func TestChildrenErrors(t *testing.T) {
	mother := person("1980-03-03", 901, "Maija")
	broken := sotepe.Person{PersonalID: "150608A910", FirstName: "Broken"}
	f := popreg.NewFake([]popreg.Custody{{GuardianPersonalID: mother.PersonalID, Child: broken}})
	_, err := f.Children(context.Background(), mother.PersonalID)
	if sotepe.ErrorCode(err) != sotepe.EInternal {
		t.Errorf("broken data: %v", err)
	}

	f.Down = true
	_, err = f.Children(context.Background(), mother.PersonalID)
	if sotepe.ErrorCode(err) != sotepe.EUnavailable || sotepe.ErrorKey(err) != "error.register_unavailable" {
		t.Errorf("down: %v", err)
	}

	f.Down = false
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Children(ctx, mother.PersonalID); sotepe.ErrorCode(err) != sotepe.EUnavailable {
		t.Errorf("cancelled: %v", err)
	}
}

func TestHomeIsTheGivenMunicipality(t *testing.T) {
	helsinki := person("1980-03-03", 901, "Maija")
	espoo := person("1979-07-07", 902, "Matti")
	hidden := person("1985-01-01", 903, "Olli")
	unknown := person("1990-01-01", 904, "Outi")
	f := popreg.NewFake(nil,
		popreg.Residence{PersonalID: helsinki.PersonalID, Home: sotepe.Home{Municipality: "091"}},
		popreg.Residence{PersonalID: espoo.PersonalID, Home: sotepe.Home{Municipality: "049"}},
		popreg.Residence{PersonalID: hidden.PersonalID, Home: sotepe.Home{Municipality: "092", Protected: true}})
	ctx := context.Background()
	for _, tc := range []struct {
		code string
		want sotepe.Home
	}{
		{helsinki.PersonalID, sotepe.Home{Municipality: "091"}},
		{" " + strings.ToLower(espoo.PersonalID) + " ", sotepe.Home{Municipality: "049"}},
		{hidden.PersonalID, sotepe.Home{Municipality: "092", Protected: true}},
		{unknown.PersonalID, sotepe.Home{}},
	} {
		got, err := f.Home(ctx, tc.code)
		if err != nil || got != tc.want {
			t.Errorf("Home(%s) = %+v, %v; want %+v", tc.code, got, err, tc.want)
		}
	}
	f.Down = true
	if _, err := f.Home(ctx, helsinki.PersonalID); sotepe.ErrorCode(err) != sotepe.EUnavailable || sotepe.ErrorKey(err) != "error.register_unavailable" {
		t.Errorf("a register that is down: %v", err)
	}
}
