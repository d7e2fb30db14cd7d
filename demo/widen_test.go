package demo

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"sotepe"
)

// sectorUnits is the number of units that gave feedback in 2024.
const sectorUnits = 349

func TestWidenNetworkReachesTotal(t *testing.T) {
	base := baseNetwork(t)
	n := WidenNetwork(base, sectorUnits, 2024)
	if len(n.Units) != sectorUnits {
		t.Fatalf("%d units, want %d", len(n.Units), sectorUnits)
	}
	if err := n.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	ids := map[string]bool{}
	for _, u := range n.Units {
		if err := u.Validate(); err != nil {
			t.Errorf("unit %s: %v", u.ID, err)
		}
		if ids[u.ID] {
			t.Errorf("unit id %s is used twice", u.ID)
		}
		ids[u.ID] = true
	}
}

func TestWidenNetworkIsDeterministic(t *testing.T) {
	base := baseNetwork(t)
	a := WidenNetwork(base, sectorUnits, 7)
	b := WidenNetwork(base, sectorUnits, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different networks")
	}
	c := WidenNetwork(base, sectorUnits, 8)
	if reflect.DeepEqual(a.Units, c.Units) {
		t.Error("different seeds gave the same units")
	}
}

func TestWidenNetworkKeepsBase(t *testing.T) {
	base := baseNetwork(t)
	pristine := baseNetwork(t)
	n := WidenNetwork(base, sectorUnits, 1)
	if !reflect.DeepEqual(base, pristine) {
		t.Fatal("WidenNetwork changed its argument")
	}
	if !reflect.DeepEqual(n.Units[:len(base.Units)], base.Units) {
		t.Fatal("the hand-written units changed")
	}
	for _, field := range []string{"Areas", "Concepts", "Districts", "Producers", "Services", "Places"} {
		if !reflect.DeepEqual(reflect.ValueOf(n).FieldByName(field).Interface(), reflect.ValueOf(base).FieldByName(field).Interface()) {
			t.Errorf("%s changed", field)
		}
	}
	// The result shares no memory with base: changing it leaves base alone.
	n.Units[0].Services[0] = "changed"
	n.Units[0].Hours.Regular[0].Open = "00:01"
	if !reflect.DeepEqual(base, pristine) {
		t.Fatal("changing the widened network changed base")
	}
}

func TestWidenNetworkSmallTotal(t *testing.T) {
	base := baseNetwork(t)
	n := WidenNetwork(base, 10, 1)
	if !reflect.DeepEqual(n, base) {
		t.Error("a total below the base count changed the network")
	}
}

func TestWidenedUnitsArePlausible(t *testing.T) {
	base := baseNetwork(t)
	n := WidenNetwork(base, sectorUnits, 2024)
	generated := n.Units[len(base.Units):]

	producerKind := map[string]sotepe.ProducerKind{}
	for _, p := range n.Producers {
		producerKind[p.ID] = p.Kind
	}
	byProducer := map[sotepe.ProducerKind]int{}
	districts := map[string]bool{}
	swedish := 0
	for _, u := range generated {
		byProducer[producerKind[u.ProducerID]]++
		districts[u.District] = true
		if u.ServesLanguage(sotepe.Swedish) {
			swedish++
		}
		switch u.Kind {
		case "hospital", "rescue_station", "health_station", "wellbeing_centre", "family_centre":
			t.Errorf("generated unit %s is a %s; the hand-written data holds all of those", u.ID, u.Kind)
		}
		if !u.ServesLanguage(sotepe.Finnish) {
			t.Errorf("generated unit %s does not serve in Finnish", u.ID)
		}
		// Generated units lie near their district's centre.
		c := n.Places[u.District].Centre
		if math.Abs(u.Location.Lat-c.Lat) > 0.01 || math.Abs(u.Location.Lon-c.Lon) > 0.02 {
			t.Errorf("unit %s at %+v is far from the centre %+v of %s", u.ID, u.Location, c, u.District)
		}
		if u.Opened != "" {
			t.Errorf("generated unit %s has an opening date", u.ID)
		}
		if !strings.HasPrefix(u.ID, u.District+"-") {
			t.Errorf("unit id %s does not start with its district %s", u.ID, u.District)
		}
	}
	if byProducer[sotepe.ProducerOwn] < len(generated)/2 {
		t.Errorf("producers %v: the city should run most generated units", byProducer)
	}
	if byProducer[sotepe.ProducerContract] == 0 || byProducer[sotepe.ProducerVoucher] == 0 {
		t.Errorf("producers %v: want some contract and voucher units", byProducer)
	}
	if len(districts) < len(n.Districts)*3/4 {
		t.Errorf("generated units lie in %d of %d districts", len(districts), len(n.Districts))
	}
	if swedish == 0 {
		t.Error("no generated unit serves in Swedish")
	}

	names := map[string]string{}
	for _, u := range n.Units {
		if other, ok := names[u.Names.Fi]; ok {
			t.Errorf("units %s and %s are both called %q", other, u.ID, u.Names.Fi)
		}
		names[u.Names.Fi] = u.ID
	}
}

func TestWidenedHomeCareNames(t *testing.T) {
	base := baseNetwork(t)
	n := WidenNetwork(base, sectorUnits, 2024)
	teams := 0
	for _, u := range n.Units[len(base.Units):] {
		rest, ok := strings.CutPrefix(u.ID, u.District+"-home-care-")
		if !ok {
			continue
		}
		teams++
		g := n.Places[u.District].Genitive
		want := sotepe.Names{
			Fi: g.Fi + " kotihoito, tiimi " + rest,
			Sv: g.Sv + " hemvård, team " + rest,
			En: g.En + " home care, team " + rest,
		}
		if u.Names != want {
			t.Errorf("unit %s: names %+v, want %+v", u.ID, u.Names, want)
		}
		// The hand-written data has Kallio's team 1 already.
		if u.ID == "kallio-home-care-1" {
			t.Errorf("generated unit %s clashes with a hand-written one", u.ID)
		}
	}
	if teams < 20 {
		t.Errorf("%d generated home-care teams; home care should be the most common kind", teams)
	}
	// Spot-check one district's forms in full.
	g := n.Places["kallio"].Genitive
	if g.Fi != "Kallion" || g.Sv != "Berghälls" || g.En != "Kallio" {
		t.Errorf("Kallio's genitive forms are %+v", g)
	}
}

func TestWidenNetworkWithoutPlaces(t *testing.T) {
	base := baseNetwork(t)
	base.Places = nil
	n := WidenNetwork(base, 150, 3)
	if len(n.Units) != 150 {
		t.Fatalf("%d units, want 150", len(n.Units))
	}
	if err := n.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestWidenNetworkWithNothingToBuildOn(t *testing.T) {
	base := baseNetwork(t)
	base.Services = nil
	n := WidenNetwork(base, sectorUnits, 3)
	if len(n.Units) != len(base.Units) {
		t.Errorf("%d units from a network without services, want the %d it had", len(n.Units), len(base.Units))
	}
}
