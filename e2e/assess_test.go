package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// answerSteps clicks through one question per page: each step is the id of
// the control to click (a radio or checkbox), or "id=text" to type into a
// field, and then the next button; it waits for the next question's page
// (its form's data-step) or the result.
func answerSteps(t *testing.T, ctx context.Context, steps ...string) {
	t.Helper()
	for i, step := range steps {
		var act chromedp.Action[chromedp.Void]
		if id, text, ok := strings.Cut(step, "="); ok {
			act = chromedp.SendKeys(chromedp.ID(id), text)
		} else {
			act = chromedp.Click(chromedp.ID(step))
		}
		do(t, ctx, "answer "+step,
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`form[data-step="%d"]`, i+1))),
			act,
			chromedp.Click(chromedp.ID("assess-next")),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`form[data-step="%d"], #outcome-heading`, i+2))),
		)
	}
}

// TestSwedishAssessmentHandedOverAfterLogin runs the dental-pain assessment
// in Swedish without signing in, signs in as erik from the result page,
// hands it over to the Kallio dental clinic and sees the request with the
// answers; the nurse, who works there and at the Kallio health station,
// finds it in her queue with the answers and the urgency. Then erik hands a
// respiratory assessment over to the health station, and the nurse grades
// it as she answers.
func TestSwedishAssessmentHandedOverAfterLogin(t *testing.T) {
	a := startApp(t)
	ctx := browser(t)
	do(t, ctx, "erik opens the dental-pain assessment in Swedish",
		chromedp.Navigate(a.URL+"/assessments?lang=sv"),
		chromedp.WaitVisible(chromedp.ID("assess-dental-pain")),
		chromedp.Click(chromedp.ID("assess-dental-pain")),
		chromedp.WaitVisible(chromedp.ID("demo-notice")),
		chromedp.Click(chromedp.ID("assess-start")),
	)
	answerSteps(t, ctx, "answer-no", "option-none", "option-severe", "answer-yes", "answer-no", "option-under-2-days", "answer-value=Det värker på natten")
	do(t, ctx, "the result", chromedp.WaitVisible(chromedp.ID("outcome-heading")))
	heading := text(t, ctx, "outcome-heading")
	shot(t, ctx, "assess-result")
	checkPageLangs(t, ctx, "an assessment's result")
	if !strings.HasPrefix(heading, "Brådskande") {
		t.Fatalf("the outcome is %q", heading)
	}
	resultURL := read(t, ctx, chromedp.Location())
	do(t, ctx, "open the login from the result", chromedp.Click(chromedp.ID("assess-login")))
	do(t, ctx, "sign in from the result", append(loginFormSteps("erik"), chromedp.WaitVisible(chromedp.ID("assess-handover")))...)
	if back := read(t, ctx, chromedp.Location()); !strings.HasPrefix(back, strings.Split(resultURL, "?")[0]) {
		t.Fatalf("after signing in erik is at %s, not the result %s", back, resultURL)
	}
	do(t, ctx, "hand over to the Kallio dental clinic",
		chromedp.SetValue(chromedp.ID("unit"), "kallio-dental-clinic"),
		chromedp.Click(chromedp.ID("assess-handover")),
		chromedp.WaitVisible(chromedp.ID("thread")),
	)
	dentalURL := read(t, ctx, chromedp.Location())
	thread := text(t, ctx, "thread")
	shot(t, ctx, "assess-dental-request")
	if !strings.Contains(thread, "Brådskande (samma vardag)") || !strings.Contains(thread, "Det värker på natten") {
		t.Errorf("erik's request does not carry the answers and the urgency: %q", thread)
	}

	do(t, ctx, "a respiratory assessment",
		chromedp.Navigate(a.URL+"/assessments/respiratory-infection"),
		chromedp.WaitVisible(chromedp.ID("assess-start")),
		chromedp.Click(chromedp.ID("assess-start")),
	)
	answerSteps(t, ctx, "answer-no", "answer-no", "answer-value=39,5", "option-over-7-days", "option-cough", "answer-yes", "answer-no", "answer-value=Hostar mycket")
	do(t, ctx, "to the Kallio health station",
		chromedp.WaitVisible(chromedp.ID("assess-handover")),
		chromedp.SetValue(chromedp.ID("unit"), "kallio-health-station"),
		chromedp.Click(chromedp.ID("assess-handover")),
		chromedp.WaitVisible(chromedp.ID("thread")),
	)
	requestURL := read(t, ctx, chromedp.Location())

	// The nurse finds both hand-overs in her queue: the dental one with
	// its answers and urgency, the respiratory one to grade.
	nurseCtx := browser(t)
	signIn(t, nurseCtx, a, "nurse")
	do(t, nurseCtx, "nurse opens her queue", chromedp.Click(chromedp.ID("nav-queue")), chromedp.WaitVisible(chromedp.ID("queue")))
	shot(t, nurseCtx, "nurse-queue-handovers")
	inQueue := func(requestURL string) string {
		id := requestURL[strings.LastIndex(requestURL, "/")+1:]
		sel := `#queue tbody a[href="/queue/` + id + `"]`
		if n := read(t, nurseCtx, chromedp.Evaluate[int](`document.querySelectorAll('`+sel+`').length`)); n != 1 {
			t.Fatalf("the nurse's queue does not list %s", requestURL)
		}
		return sel
	}
	do(t, nurseCtx, "nurse opens the dental hand-over",
		chromedp.Click(chromedp.CSS(inQueue(dentalURL))),
		chromedp.WaitVisible(chromedp.ID("assessment-link")),
		chromedp.Click(chromedp.ID("assessment-link")),
		chromedp.WaitVisible(chromedp.ID("answers")),
	)
	answers := text(t, nurseCtx, "answers")
	urgency := text(t, nurseCtx, "tool-urgency")
	shot(t, nurseCtx, "nurse-dental-handover")
	checkPageLangs(t, nurseCtx, "a handed-over assessment (professional)")
	if !strings.Contains(answers, "Det värker på natten") || !strings.HasPrefix(urgency, "Kiireellinen") {
		t.Fatalf("the nurse sees the dental answers %q and urgency %q", answers, urgency)
	}
	do(t, nurseCtx, "back to the queue", chromedp.Click(chromedp.ID("nav-queue")), chromedp.WaitVisible(chromedp.ID("queue")))
	do(t, nurseCtx, "nurse opens the respiratory hand-over",
		chromedp.Click(chromedp.CSS(inQueue(requestURL))),
		chromedp.WaitVisible(chromedp.ID("assessment-link")),
		chromedp.Click(chromedp.ID("assessment-link")),
		chromedp.WaitVisible(chromedp.ID("answers")),
	)
	answers = text(t, nurseCtx, "answers")
	urgency = text(t, nurseCtx, "tool-urgency")
	shot(t, nurseCtx, "nurse-handover")
	if !strings.Contains(answers, "39,5 °C") || !strings.Contains(answers, "Hostar mycket") || !strings.HasPrefix(urgency, "Kiireellinen") {
		t.Fatalf("the nurse sees answers %q and urgency %q", answers, urgency)
	}
	do(t, nurseCtx, "nurse grades and answers",
		chromedp.SetValue(chromedp.ID("urgency"), "non_urgent"),
		chromedp.SendKeys(chromedp.ID("message"), "Hej Erik! Vi ringer dig i morgon."),
		chromedp.Click(chromedp.ID("grade")),
		chromedp.WaitVisible(chromedp.CSS("#thread li.staff")),
	)
}
