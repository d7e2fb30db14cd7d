package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sotepe/internal/testenv"
)

// TestVideoCallAcrossProcesses runs two `sotepe demo` processes on one
// PostgreSQL schema, as two processes behind a load balancer: anna enters
// the waiting room on the first, the nurse joins on the second, sees her
// waiting and admits her, and the call connects (both decode frames),
// its signalling relayed between the processes through PostgreSQL.
func TestVideoCallAcrossProcesses(t *testing.T) {
	if os.Getenv(testenv.PostgresEnv) == "" {
		t.Skip(testenv.PostgresEnv + " is not set: processes share rooms only on PostgreSQL")
	}
	dsn := testenv.PostgresDSN(t)
	// The first loads the demo, the second finds it.
	first := startAppWith(t, "--db", dsn)
	second := startAppWith(t, "--db", dsn)
	nurseAPI := signedInClient(t, first.URL, "nurse")
	managerAPI := signedInClient(t, first.URL, "manager")
	annaAPI := signedInClient(t, first.URL, "anna")
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	id := bookVideoAt(t, first, managerAPI, annaAPI, soon(loc), 20)

	anna := mediaBrowser(t)
	nurse := mediaBrowser(t)
	signIn(t, anna, first, "anna")
	signIn(t, nurse, second, "nurse")
	do(t, anna, "anna enters the waiting room on the first process",
		chromedp.Navigate(fmt.Sprintf("%s/appointments/%d/video", first.URL, id)),
		chromedp.WaitVisible(chromedp.ID("enter-room")),
		chromedp.Click(chromedp.ID("enter-room")),
		chromedp.WaitVisible(chromedp.ID("call-status")),
	)
	do(t, nurse, "the nurse joins on the second and sees anna waiting",
		chromedp.Navigate(fmt.Sprintf("%s/appointments/%d/video", second.URL, id)),
		chromedp.WaitVisible(chromedp.ID("enter-room")),
		chromedp.Click(chromedp.ID("enter-room")),
		chromedp.WaitVisible(chromedp.CSS("#waiting-list button.admit")),
	)
	if waiting := read(t, nurse, chromedp.Text(chromedp.ID("waiting-list"))); !strings.Contains(waiting, "Anna Virtanen") {
		t.Fatalf("the nurse's waiting room shows %q", waiting)
	}
	do(t, nurse, "admit", chromedp.Click(chromedp.CSS("#waiting-list button.admit")))
	as := waitForCall(t, anna, "anna", false)
	ns := waitForCall(t, nurse, "the nurse", false)
	t.Logf("across processes: anna %+v, nurse %+v", as, ns)
	do(t, anna, "anna leaves", chromedp.Click(chromedp.ID("leave")), chromedp.WaitVisible(chromedp.ID("enter-room")))
	do(t, nurse, "the nurse leaves", chromedp.Click(chromedp.ID("leave")), chromedp.WaitVisible(chromedp.ID("enter-room")))
	// The held call was recorded: completing the visit counts a video
	// appointment.
	apiJSON(t, nurseAPI, "POST", fmt.Sprintf("%s/api/v1/appointments/%d/mark", first.URL, id), `{"status":"completed"}`, 200, nil)
}
