package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// mediaBrowser is a browser whose camera and microphone are chromium's
// fake devices, allowed without asking. Every RTCPeerConnection a page
// makes is kept in window.__pcs for the test to read; on a page whose
// address has ?relay=1 it is made with iceTransportPolicy "relay", so that
// the call can only pass through the TURN server.
func mediaBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx := browserWith(t,
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	const keep = `(() => {
		const Original = window.RTCPeerConnection;
		window.__pcs = [];
		window.RTCPeerConnection = function (config) {
			config = Object.assign({}, config || {});
			if (new URLSearchParams(location.search).has("relay")) {
				config.iceTransportPolicy = "relay";
			}
			const pc = new Original(config);
			window.__pcs.push(pc);
			return pc;
		};
		window.RTCPeerConnection.prototype = Original.prototype;
	})();`
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: keep}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// callStats reads the page's open peer connections: their state, the video
// frames they decoded, and whether their selected pair is relayed.
func callStats(ctx context.Context) ([]pcStats, error) {
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const out = [];
		for (const pc of window.__pcs || []) {
			if (pc.connectionState === "closed") continue;
			const stats = await pc.getStats();
			let frames = 0, relay = false;
			stats.forEach(r => {
				if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0;
				if (r.type === "transport" && r.selectedCandidatePairId) {
					const pair = stats.get(r.selectedCandidatePairId);
					const local = pair && stats.get(pair.localCandidateId);
					const remote = pair && stats.get(pair.remoteCandidateId);
					relay = !!local && local.candidateType === "relay" && !!remote && remote.candidateType === "relay";
				}
			});
			out.push({state: pc.connectionState, policy: pc.getConfiguration().iceTransportPolicy, frames, relay});
		}
		return JSON.stringify(out);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, err
	}
	var out []pcStats
	return out, json.Unmarshal([]byte(raw), &out)
}

type pcStats struct {
	State  string `json:"state"`
	Policy string `json:"policy"`
	Frames int    `json:"frames"`
	Relay  bool   `json:"relay"`
}

// waitForCall waits until the page has a connection that is connected and
// decoded more than 20 frames of video (relayed, when relay is set), and
// returns it.
func waitForCall(t *testing.T, ctx context.Context, who string, relay bool) pcStats {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	var last []pcStats
	for time.Now().Before(deadline) {
		var err error
		if last, err = callStats(ctx); err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		for _, s := range last {
			if s.State == "connected" && s.Frames > 20 && (!relay || s.Relay && s.Policy == "relay") {
				return s
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("%s: no call connected with more than 20 frames decoded (relay %v): %+v", who, relay, last)
	return pcStats{}
}

// apiJSON sends a JSON request with c and decodes the answer into out,
// failing unless the status is want.
func apiJSON(t *testing.T, c *http.Client, method, url, body string, want int, out any) {
	t.Helper()
	b := apiCall(t, c, method, url, body, "application/json", want)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
}

// apiCall sends body with c, of contentType unless that is empty, and
// returns the answer's body, failing unless the status is want.
func apiCall(t *testing.T, c *http.Client, method, url, body, contentType string, want int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	return b
}

// TestVideoCallConnects is the browser test of video appointments: the
// nurse opens two video times starting in a few minutes and anna books
// them through the API. For each, anna and the nurse join from two
// browsers with fake cameras, the nurse admits anna from the waiting room,
// and both connections reach "connected" and decode more than 20 frames:
// first by any path, then with iceTransportPolicy "relay", through the
// embedded TURN server only. The device check sees the fake devices. erik
// gets 404 for the room, its page and its socket alike. Completing the two
// visits counts two video appointments in the open figures.
func TestVideoCallConnects(t *testing.T) {
	a := startAppWith(t, "--turn-addr", "127.0.0.1:0", "--turn-public-ip", "127.0.0.1")
	nurseAPI := signedInClient(t, a.URL, "nurse")
	managerAPI := signedInClient(t, a.URL, "manager")
	annaAPI := signedInClient(t, a.URL, "anna")
	erikAPI := signedInClient(t, a.URL, "erik")

	// Two times one after the other, the first starting in a minute or
	// two and lasting ten: both rooms are open now, the first for the
	// next eight minutes or more.
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	base := soon(loc)
	ids := []int64{
		bookVideoAt(t, a, managerAPI, annaAPI, base, 10),
		bookVideoAt(t, a, managerAPI, annaAPI, base.Add(10*time.Minute), 20),
	}

	// erik: 404 for the room's page, its API and its socket.
	room := fmt.Sprintf("/appointments/%d/video", ids[0])
	for _, path := range []string{room, "/api/v1" + room} {
		res, err := erikAPI.Get(a.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Fatalf("erik GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	wsURL := "ws" + strings.TrimPrefix(a.URL, "http") + room + "/ws"
	dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	conn, res, err := websocket.Dial(dctx, wsURL, &websocket.DialOptions{HTTPClient: erikAPI})
	cancel()
	if err == nil {
		conn.CloseNow()
		t.Fatal("erik opened the room's socket")
	}
	if res == nil || res.StatusCode != 404 {
		t.Fatalf("erik's socket: %v, want 404", res)
	}

	anna := mediaBrowser(t)
	nurse := mediaBrowser(t)
	signIn(t, anna, a, "anna")
	signIn(t, nurse, a, "nurse")
	// The device check sees the fake camera and microphone.
	do(t, anna, "anna checks her devices",
		chromedp.Navigate(fmt.Sprintf("%s/video/check?appointment=%d", a.URL, ids[0])),
		chromedp.Click(chromedp.ID("check-start")),
		chromedp.WaitVisible(chromedp.ID("result-camera-ok")),
		chromedp.WaitVisible(chromedp.ID("result-mic-ok")),
		chromedp.Click(chromedp.ID("check-speaker")),
		chromedp.WaitVisible(chromedp.ID("result-speaker")),
	)
	for i := 0; read(t, anna, chromedp.Evaluate[int](`document.getElementById("check-video").videoWidth`)) == 0; i++ {
		if i == 50 {
			t.Fatal("the device check shows no picture")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for round, id := range ids {
		relay := round == 1
		page := fmt.Sprintf("%s/appointments/%d/video", a.URL, id)
		if relay {
			page += "?relay=1"
		}
		do(t, anna, "anna enters the waiting room",
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.ID("enter-room")),
			chromedp.Click(chromedp.ID("enter-room")),
			chromedp.WaitVisible(chromedp.ID("call-status")),
		)
		do(t, nurse, "the nurse joins and admits anna",
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.ID("enter-room")),
			chromedp.Click(chromedp.ID("enter-room")),
			chromedp.WaitVisible(chromedp.CSS("#waiting-list button.admit")),
		)
		waiting := read(t, nurse, chromedp.Text(chromedp.ID("waiting-list")))
		if !strings.Contains(waiting, "Anna Virtanen") {
			t.Fatalf("the nurse's waiting room shows %q", waiting)
		}
		status := text(t, anna, "call-status")
		if !strings.Contains(status, "odotushuoneessa") {
			t.Fatalf("anna, waiting, reads %q", status)
		}
		shot(t, nurse, fmt.Sprintf("video-%d-nurse-waiting", round))
		if round == 0 {
			checkPage(t, anna, "a video waiting room (resident)")
			checkPage(t, nurse, "a video room with a resident waiting (professional)")
		}
		do(t, nurse, "admit", chromedp.Click(chromedp.CSS("#waiting-list button.admit")))
		as := waitForCall(t, anna, "anna", relay)
		ns := waitForCall(t, nurse, "the nurse", relay)
		t.Logf("round %d (relay %v): anna %+v, nurse %+v", round, relay, as, ns)
		shot(t, anna, fmt.Sprintf("video-%d-anna-call", round))
		if round == 0 {
			checkPage(t, anna, "a video call under way (resident)")
			checkPage(t, nurse, "a video call under way (professional)")
		}
		if n := read(t, anna, chromedp.Evaluate[int](`document.querySelectorAll("#remote-videos video").length`)); n != 1 {
			t.Fatalf("anna sees %d remote videos", n)
		}
		do(t, anna, "anna leaves", chromedp.Click(chromedp.ID("leave")), chromedp.WaitVisible(chromedp.ID("enter-room")))
		do(t, nurse, "the nurse leaves", chromedp.Click(chromedp.ID("leave")), chromedp.WaitVisible(chromedp.ID("enter-room")))
		apiJSON(t, nurseAPI, "POST", fmt.Sprintf("%s/api/v1/appointments/%d/mark", a.URL, id), `{"status":"completed"}`, 200, nil)
	}

	// The two held calls are the video appointments in the open figures:
	// of this year, and of the next too when the test runs across New
	// Year (the second call starts ten minutes after the first).
	var total int64
	for year := base.Year(); year <= time.Now().In(loc).Year(); year++ {
		var volumes struct {
			Items []struct {
				Statistic string `json:"statistic"`
				Value     int64  `json:"value"`
			} `json:"items"`
		}
		apiJSON(t, erikAPI, "GET", fmt.Sprintf("%s/api/v1/stats/volumes?year=%d", a.URL, year), "", 200, &volumes)
		for _, it := range volumes.Items {
			if it.Statistic == "portal_video_appointments" {
				total += it.Value
			}
		}
	}
	if total != 2 {
		t.Fatalf("video appointments in the figures: %d, want 2", total)
	}
}

// soon is a start one to two minutes from now, in loc, on the minute: the
// room of a video time starting then is open at once and stays open until
// its end.
func soon(loc *time.Location) time.Time {
	return time.Now().In(loc).Truncate(time.Minute).Add(2 * time.Minute)
}

// bookVideoAt has the manager of the Kallio health station open a video
// time of the nurses' service there of minutes at start, on his own
// schedule, and anna book it through the API, and returns the
// appointment's id. The demo opens no times on the manager's schedule
// (demo.apptSchedules), so a time a test opens there overlaps none of the
// demo's, whatever the hour and the weekday the test runs at; a time that
// overlaps another of its schedule is not opened (409). The times of one
// test must not overlap each other. The nurse, a professional of the same
// unit, takes the calls.
func bookVideoAt(t *testing.T, a app, managerAPI, annaAPI *http.Client, start time.Time, minutes int) int64 {
	t.Helper()
	var opened struct {
		Created int `json:"created"`
	}
	apiJSON(t, managerAPI, "POST", a.URL+"/api/v1/slots", fmt.Sprintf(
		`{"unit":"kallio-health-station","service":"health-station-nurse","mode":"video","minutes":%d,"start":%q}`, minutes, start.Format(time.RFC3339)), 201, &opened)
	if opened.Created != 1 {
		t.Fatalf("the manager opened %d times at %s, want 1", opened.Created, start)
	}
	var slots struct {
		Items []struct {
			ID    int64     `json:"id"`
			Start time.Time `json:"start"`
		} `json:"items"`
	}
	apiJSON(t, annaAPI, "GET", a.URL+"/api/v1/slots?service=health-station-nurse&unit=kallio-health-station&mode=video&limit=50&from="+
		strings.ReplaceAll(start.Add(-time.Minute).Format(time.RFC3339), "+", "%2B"), "", 200, &slots)
	var slot int64
	for _, s := range slots.Items {
		if s.Start.Equal(start) {
			slot = s.ID
		}
	}
	if slot == 0 {
		t.Fatalf("the new time %s is not among the free times %+v", start, slots.Items)
	}
	var appt struct {
		ID       int64  `json:"id"`
		VideoURL string `json:"video_url"`
	}
	apiJSON(t, annaAPI, "POST", a.URL+"/api/v1/appointments", fmt.Sprintf(`{"slot":%d}`, slot), 201, &appt)
	if appt.VideoURL == "" {
		t.Fatalf("the booking has no video room: %+v", appt)
	}
	return appt.ID
}

// TestVideoGuestPagesAreAccessible: the nurse invites an interpreter to
// two of anna's video appointments, one whose room is open (it starts in
// a few minutes) and one whose room opens tomorrow. The invitation page
// and, after the link is used, the guest's page of each pass the
// accessibility check in three languages.
func TestVideoGuestPagesAreAccessible(t *testing.T) {
	a := startApp(t)
	nurseAPI := signedInClient(t, a.URL, "nurse")
	managerAPI := signedInClient(t, a.URL, "manager")
	annaAPI := signedInClient(t, a.URL, "anna")
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	start := soon(loc)
	ctx := browser(t)
	for _, c := range []struct {
		name  string
		start time.Time
	}{{"open", start}, {"opening tomorrow", start.Add(24 * time.Hour)}} {
		id := bookVideoAt(t, a, managerAPI, annaAPI, c.start, 20)
		var inv struct {
			URL string `json:"url"`
		}
		apiJSON(t, nurseAPI, "POST", fmt.Sprintf("%s/api/v1/appointments/%d/video/invites", a.URL, id), `{"role":"interpreter"}`, 201, &inv)
		_, token, ok := strings.Cut(inv.URL, "/video/invite/")
		if !ok {
			t.Fatalf("the invitation's link: %q", inv.URL)
		}
		do(t, ctx, "the interpreter opens the link",
			chromedp.Navigate(a.URL+"/video/invite/"+token), chromedp.WaitVisible(chromedp.ID("use-invite")))
		checkPageLangs(t, ctx, "an invitation to a video appointment, "+c.name)
		do(t, ctx, "the interpreter uses it",
			chromedp.Click(chromedp.ID("use-invite")), chromedp.WaitVisible(chromedp.ID("guest-role")))
		checkPageLangs(t, ctx, "a guest's video room, "+c.name)
		if open := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#enter-room").length`)) == 1; open != (c.start == start) {
			t.Errorf("the %s room offers to enter: %v", c.name, open)
		}
	}
}

// bookFirstFree books, as the resident signed in with c, the first free
// time of the Kallio health station's nurses that the slot search finds
// with the extra query (such as "&mode=video"), and returns the
// appointment's id.
func bookFirstFree(t *testing.T, a app, c *http.Client, query string) int64 {
	t.Helper()
	var slots struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	apiJSON(t, c, "GET", a.URL+"/api/v1/slots?service=health-station-nurse&unit=kallio-health-station&limit=1"+query, "", http.StatusOK, &slots)
	if len(slots.Items) == 0 {
		t.Fatalf("no free time at the Kallio health station (%s)", query)
	}
	var appt struct {
		ID int64 `json:"id"`
	}
	apiJSON(t, c, "POST", a.URL+"/api/v1/appointments", fmt.Sprintf(`{"slot":%d}`, slots.Items[0].ID), http.StatusCreated, &appt)
	return appt.ID
}
