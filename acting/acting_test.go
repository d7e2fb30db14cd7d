package acting_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"sotepe"
	"sotepe/acting"
	"sotepe/demo"
	"sotepe/internal/testenv"
	"sotepe/valtuudet"
)

// fixture is a store with the demo people, the demo's registers behind the
// acting service, and a session of the named person to act in.
type fixture struct {
	env *testenv.Env
	svc *acting.Service
}

func newFixture(t *testing.T, e *testenv.Env) *fixture {
	fake := httptest.NewServer(demo.MandateServer("acting-test", "secret", "checksum", e.Clock.Now))
	t.Cleanup(fake.Close)
	mandates := &valtuudet.Register{Client: &valtuudet.Client{BaseURL: fake.URL, ClientID: "acting-test", ClientSecret: "secret",
		ChecksumKey: "checksum", Now: e.Clock.Now}, RedirectURI: "http://sotepe.test/valtuudet/return"}
	return &fixture{env: e, svc: acting.New(e.Store, demo.PopulationRegister(e.Clock.Now), mandates, e.Location, e.Clock.Now)}
}

// session stores a session of the named demo person and returns it.
func (f *fixture) session(t *testing.T, name string) (context.Context, sotepe.User, sotepe.Session) {
	t.Helper()
	ctx, u := f.env.As(name)
	hash := []byte("session-of-" + name)
	now := f.env.Clock.Now()
	s := sotepe.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(24 * 365 * 10 * time.Hour)}
	if err := f.env.Store.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	return ctx, u, s
}

// effective reads the session back and returns its user as the service
// makes them for a request.
func (f *fixture) effective(t *testing.T, ctx context.Context, hash []byte) sotepe.User {
	t.Helper()
	s, u, err := f.env.Store.SessionUser(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	eff, err := f.svc.Effective(ctx, u, s)
	if err != nil {
		t.Fatal(err)
	}
	return eff
}

// principals returns whom u may act for, failing the test on an error.
func (f *fixture) principals(t *testing.T, ctx context.Context, u sotepe.User) []sotepe.Principal {
	t.Helper()
	ps, err := f.svc.Principals(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func byName(ps []sotepe.Principal) map[string]sotepe.Principal {
	m := map[string]sotepe.Principal{}
	for _, p := range ps {
		m[p.Name] = p
	}
	return m
}

func TestTheGuardiansRightEndsAtEighteen(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		f := newFixture(t, e)
		ctx, anna, s := f.session(t, "anna")
		ps := f.principals(t, ctx, anna)
		eero, ok := byName(ps)["Eero Virtanen"]
		if !ok || len(ps) != 2 {
			t.Fatalf("anna's principals = %+v", ps)
		}
		if _, err := f.svc.Choose(ctx, anna, s.TokenHash, eero.ResidentID); err != nil {
			t.Fatal(err)
		}
		eff := f.effective(t, ctx, s.TokenHash)
		if eff.Acting == nil || eff.ResidentID != eero.ResidentID || eff.ID != anna.ID || !eff.Has(sotepe.RoleResident) || len(eff.Roles) != 1 {
			t.Fatalf("acting for Eero, the user is %+v", eff)
		}

		// The day before Eero turns 18 anna still acts for him; on his
		// birthday the right has ended, and she is herself again.
		birthday := time.Date(2029, 8, 15, 0, 0, 0, 0, e.Location)
		e.Clock.Set(birthday.Add(-time.Minute))
		if eff := f.effective(t, ctx, s.TokenHash); eff.Acting == nil {
			t.Fatal("the right ended before the 18th birthday")
		}
		e.Clock.Set(birthday)
		if eff := f.effective(t, ctx, s.TokenHash); eff.Acting != nil || eff.ResidentID != anna.ResidentID {
			t.Fatalf("on the 18th birthday anna still acts: %+v", eff)
		}
		// The ended choice is gone from the session, and Eero from the list.
		if stored, _, err := e.Store.SessionUser(ctx, s.TokenHash); err != nil || stored.ActingFor != 0 {
			t.Errorf("the session still acts for %d (%v)", stored.ActingFor, err)
		}
		ps = f.principals(t, ctx, anna)
		if _, ok := byName(ps)["Eero Virtanen"]; ok || len(ps) != 1 {
			t.Errorf("after Eero's 18th birthday anna's principals = %+v", ps)
		}
		_, err := f.svc.Choose(ctx, anna, s.TokenHash, eero.ResidentID)
		testenv.Code(t, err, sotepe.ENotFound)
	})
}

func TestAMandateEndsOnItsDate(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		f := newFixture(t, e)
		ctx, erik, s := f.session(t, "erik")
		ps := f.principals(t, ctx, erik)
		gustav, ok := byName(ps)["Gustav Lindqvist"]
		if !ok || gustav.Basis != sotepe.ActingMandate || gustav.Until.IsZero() {
			t.Fatalf("erik's principals = %+v", ps)
		}
		if _, err := f.svc.Choose(ctx, erik, s.TokenHash, gustav.ResidentID); err != nil {
			t.Fatal(err)
		}
		if eff := f.effective(t, ctx, s.TokenHash); eff.Acting == nil || eff.Acting.Principal.Basis != sotepe.ActingMandate {
			t.Fatalf("erik does not act for Gustav: %+v", eff)
		}
		e.Clock.Set(gustav.Until)
		if eff := f.effective(t, ctx, s.TokenHash); eff.Acting != nil {
			t.Fatal("erik acts for Gustav after the mandate's end")
		}
		ps = f.principals(t, ctx, erik)
		if len(ps) != 0 {
			t.Errorf("after the mandate's end erik's principals = %+v", ps)
		}
	})
}

func TestOnlyResidentsActAndOnlyForTheirOwn(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		f := newFixture(t, e)
		ctx, anna, _ := f.session(t, "anna")
		ps := f.principals(t, ctx, anna)
		aino := byName(ps)["Aino Virtanen"]
		ectx, erik, es := f.session(t, "erik")
		_, err := f.svc.Choose(ectx, erik, es.TokenHash, aino.ResidentID)
		testenv.Code(t, err, sotepe.ENotFound)
		if eff := f.effective(t, ectx, es.TokenHash); eff.Acting != nil {
			t.Errorf("a refused choice left erik acting: %+v", eff.Acting)
		}
		nctx, nurse, ns := f.session(t, "nurse")
		_, err = f.svc.Principals(nctx, nurse)
		testenv.Code(t, err, sotepe.EForbidden)
		_, err = f.svc.Choose(nctx, nurse, ns.TokenHash, aino.ResidentID)
		testenv.Code(t, err, sotepe.EForbidden)
		// A guardian acting for a child cannot change the child's refusal.
		child := anna
		child.Acting = &sotepe.Acting{Principal: aino, DelegateResidentID: anna.ResidentID}
		child.ResidentID = aino.ResidentID
		testenv.Code(t, f.svc.SetGuardiansDenied(ctx, child, false), sotepe.EForbidden)
		// An adult cannot refuse guardians.
		testenv.Code(t, f.svc.SetGuardiansDenied(ctx, anna, true), sotepe.EInvalid)
	})
}

func TestAMinorsRefusalEndsTheGuardiansActing(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, e *testenv.Env) {
		f := newFixture(t, e)
		ctx, anna, s := f.session(t, "anna")
		ps := f.principals(t, ctx, anna)
		eero, aino := byName(ps)["Eero Virtanen"], byName(ps)["Aino Virtanen"]
		if _, err := f.svc.Choose(ctx, anna, s.TokenHash, eero.ResidentID); err != nil {
			t.Fatal(err)
		}
		// Eero, 15, signed in as himself, forbids his guardians.
		eeroUser := sotepe.User{ID: 0, Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: eero.ResidentID}
		if err := f.svc.SetGuardiansDenied(ctx, eeroUser, true); err != nil {
			t.Fatal(err)
		}
		if eff := f.effective(t, ctx, s.TokenHash); eff.Acting != nil {
			t.Fatal("anna still acts for Eero after his refusal")
		}
		ps = f.principals(t, ctx, anna)
		if !byName(ps)["Eero Virtanen"].Denied || byName(ps)["Aino Virtanen"].Denied {
			t.Errorf("principals after Eero's refusal = %+v", ps)
		}
		_, err := f.svc.Choose(ctx, anna, s.TokenHash, eero.ResidentID)
		testenv.Code(t, err, sotepe.EForbidden)
		// Aino, 7, may not refuse yet.
		ainoUser := sotepe.User{Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: aino.ResidentID}
		testenv.Code(t, f.svc.SetGuardiansDenied(ctx, ainoUser, true), sotepe.EInvalid)
		// Allowed again, anna may choose Eero.
		if err := f.svc.SetGuardiansDenied(ctx, eeroUser, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Choose(ctx, anna, s.TokenHash, eero.ResidentID); err != nil {
			t.Errorf("after Eero allows it again: %v", err)
		}
	})
}
