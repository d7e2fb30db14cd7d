package chat

import (
	"context"
	"os"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/workday"
)

// openOn opens and migrates a store on dsn, its clock clock's, closed when
// the test ends.
func openOn(t *testing.T, dsn string, clock *testenv.Clock) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.Now = clock.Now
	return st
}

// A message sent through one sotepe process reaches a resident listening
// on another that shares the PostgreSQL database: two stores on one
// schema, two services, the second running Run.
func TestAcrossProcesses(t *testing.T) {
	if os.Getenv(testenv.PostgresEnv) == "" {
		t.Skip(testenv.PostgresEnv + " is not set: one process owns a SQLite database")
	}
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	dsn := testenv.DSN(t, testenv.Postgres)
	clock := testenv.NewClock(testenv.Start(loc))
	one := openOn(t, dsn, clock)
	if err := demo.LoadNetwork(ctx, one); err != nil {
		t.Fatal(err)
	}
	people, err := demo.LoadPeople(ctx, one, one, testenv.PasswordHash)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]sotepe.User{}
	for name, id := range people.Users {
		if users[name], err = one.User(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	cal, err := workday.NewLive(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	two := openOn(t, dsn, clock)
	envOne := &testenv.Env{Engine: testenv.Postgres, Store: one, Clock: clock, Calendar: cal, Location: loc, People: people, Users: users}
	envTwo := *envOne
	envTwo.Store = two
	first := fixtureOn(t, envOne)
	second := fixtureOn(t, &envTwo)

	first.present(t, "nurse")
	c := first.start(t, "anna", "nurse", "Hei")
	nctx, nurse := first.as("nurse")
	if _, err := first.svc.Take(nctx, nurse, c.ID); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() {
		second.svc.Run(runCtx)
		close(ran)
	}()
	defer func() {
		stop()
		<-ran
	}()
	actx, anna := second.as("anna")
	signals, cancel, err := second.svc.Listen(actx, anna, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()

	// The second process starts listening in the background: send until
	// a message gets through (each is stored either way).
	deadline := time.Now().Add(15 * time.Second)
	for {
		sent, err := first.svc.Send(nctx, nurse, c.ID, "Hei Anna")
		if err != nil {
			t.Fatal(err)
		}
		got, ok := receive(t, signals, 300*time.Millisecond)
		if ok && got.ChatID == c.ID && got.Typing == "" {
			// The listener reads the log through its own process.
			evs, err := second.svc.Events(actx, anna, c.ID, sent.Seq-1)
			if err != nil || len(evs) == 0 || evs[0].Body != "Hei Anna" || evs[0].AuthorName != "Sanna Nurmi" {
				t.Errorf("the second process reads %+v %v", evs, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no signal reached the other process")
		}
	}
	// Typing is not stored, and crosses too.
	first.env.Clock.Add(time.Second)
	deadline = time.Now().Add(5 * time.Second)
	for {
		if err := first.svc.Typing(nctx, nurse, c.ID); err != nil {
			t.Fatal(err)
		}
		got, ok := receive(t, signals, 300*time.Millisecond)
		if ok && got.Typing == TypingStaff && got.Name == "Sanna Nurmi" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no typing signal reached the other process")
		}
		first.env.Clock.Add(time.Second)
	}
}
