package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"sotepe"
	"sotepe/survey"
)

// runSurveyInvite creates invitations to a survey and prints their links,
// one a line, for a mailing: sotepe admin survey-invite --db … --survey ID
// --count N [--base-url URL]. Only the tokens' hashes are stored; the links
// are shown this once. The batch leaves an audit row.
func runSurveyInvite(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("admin survey-invite", getenv, stderr, &c, "", "")
	id := fs.String("survey", "", "the survey's id, e.g. resident-2025")
	count := fs.Int("count", 0, "how many invitations (1–10000)")
	base := fs.String("base-url", orDefault(getenv("SOTEPE_BASE_URL"), "http://127.0.0.1:8080"), "the public address the links start with (env SOTEPE_BASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.db == "" || *id == "" {
		return errors.New("usage: sotepe admin survey-invite --db … --survey ID --count N [--base-url URL]")
	}
	if _, err := url.Parse(*base); err != nil {
		return fmt.Errorf("--base-url: %w", err)
	}
	defs, err := survey.Load()
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := survey.New(survey.Config{Surveys: defs, Store: st})
	actx := sotepe.WithActor(ctx, sotepe.Actor{Role: sotepe.RoleAdmin, RequestID: "cli"})
	tokens, err := svc.Invite(actx, sotepe.User{Roles: []sotepe.Role{sotepe.RoleAdmin}}, *id, *count)
	if err != nil {
		return err
	}
	prefix := strings.TrimRight(*base, "/") + "/survey/"
	for _, t := range tokens {
		fmt.Fprintln(stdout, prefix+t)
	}
	return nil
}
