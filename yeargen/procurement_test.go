package yeargen

import "testing"

// TestProcurementScales checks the generated purchased services at several
// scales: at 1.0 the reference's figures exactly; elsewhere the counts
// scaled (halves away from zero) and both shares exact, every business id
// valid, every contract in force in the year and valid, 28 voucher kinds.
func TestProcurementScales(t *testing.T) {
	ref, err := LoadProcurementReference()
	if err != nil {
		t.Fatal(err)
	}
	if ref.Contracts != 1300 || ref.Partners != 830 || ref.ValueEUR != 1.2e9 || ref.VoucherTypes != 28 ||
		ref.SocialPercent != 26 || ref.EnvironmentalPct != 46 {
		t.Fatalf("reference = %+v", ref)
	}
	if len(VoucherKindCatalogue) != ref.VoucherTypes {
		t.Fatalf("%d voucher kinds in the catalogue", len(VoucherKindCatalogue))
	}
	for _, scale := range []float64{1, 0.5, 0.25, 0.1, 0.05, 0.01} {
		y := testYear(t, scale, 7)
		b := y.Procurement(ref)
		n := len(b.Contracts)
		if want := Scaled(ref.Contracts, scale); want >= 89 && n != want {
			t.Errorf("scale %g: %d contracts, want %d", scale, n, want)
		} else if want < 89 && n < want {
			t.Errorf("scale %g: %d contracts, fewer than %d", scale, n, want)
		}
		partners := map[string]bool{}
		var value int64
		var social, env int64
		for _, c := range b.Contracts {
			if err := c.Validate(); err != nil {
				t.Fatalf("scale %g: contract %+v: %v", scale, c, err)
			}
			if !c.InForce("2024-01-01", "2024-12-31") {
				t.Errorf("scale %g: contract %s not in force in 2024 (%s–%s)", scale, c.Title, c.ValidFrom, c.ValidTo)
			}
			partners[c.ProducerID] = true
			value += c.ValueCents
			if c.SocialCriteria {
				social++
			}
			if c.EnvironmentalCriteria {
				env++
			}
		}
		if want := Scaled(ref.Partners, scale); len(partners) != want {
			t.Errorf("scale %g: %d partners, want %d", scale, len(partners), want)
		}
		if want := int64(Scaled(ref.ValueEUR, scale)) * 100; value != want {
			t.Errorf("scale %g: value %d cents, want %d", scale, value, want)
		}
		if p := roundedPercent(social, int64(n)); p != 26 {
			t.Errorf("scale %g: social share %d %%", scale, p)
		}
		if p := roundedPercent(env, int64(n)); p != 46 {
			t.Errorf("scale %g: environmental share %d %%", scale, p)
		}
		if len(b.VoucherKinds) != 28 {
			t.Errorf("scale %g: %d voucher kinds", scale, len(b.VoucherKinds))
		}
		if len(b.Registrations) != len(partners) {
			t.Errorf("scale %g: %d registrations", scale, len(b.Registrations))
		}
		for _, r := range b.Registrations {
			if err := r.Validate(); err != nil {
				t.Fatalf("scale %g: registration %+v: %v", scale, r, err)
			}
		}
		if scale == 1 && (n != 1300 || social != 338 || env != 598) {
			t.Errorf("scale 1: %d contracts, %d social, %d environmental", n, social, env)
		}
	}
	// The same seed gives the same year.
	a, b := testYear(t, 0.1, 3).Procurement(ref), testYear(t, 0.1, 3).Procurement(ref)
	if a.Contracts[17].ValueCents != b.Contracts[17].ValueCents || a.Contracts[17].ProducerID != b.Contracts[17].ProducerID {
		t.Error("not deterministic")
	}
	if _, ok := CriteriaCount(13, 26); ok {
		t.Error("13 contracts cannot have 26 % exactly")
	}
	if n := ContractCount(ref, 0.01); n != 35 {
		t.Errorf("contracts at 0.01 = %d, want 35", n)
	}
}
