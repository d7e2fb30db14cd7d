package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"sotepe"
	"sotepe/password"
)

// runMigrate runs the migrations and exits.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("migrate", getenv, stderr, &c, "", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.db == "" {
		return errors.New("--db is required")
	}
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "migrations done")
	return nil
}

// runAdmin runs an administrative subcommand: create-user or
// survey-invite.
func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "survey-invite" {
		return runSurveyInvite(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && (args[0] == "create-client" || args[0] == "revoke-client") {
		return runAdminClient(ctx, args, getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "link-identity" {
		return runLinkIdentity(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create-user" {
		return errors.New("usage: sotepe admin create-user --db … --username NAME --name \"Full Name\" --role ROLE [--unit ID] [--lang fi|sv|en]\n" +
			"       sotepe admin survey-invite --db … --survey ID --count N [--base-url URL]\n" +
			"       sotepe admin create-client --db … --name NAME --scope events:write\n" +
			"       sotepe admin revoke-client --db … --name NAME\n" +
			"       sotepe admin link-identity --db … --username NAME --provider staff --subject SUB")
	}
	var c config
	fs := newFlags("admin create-user", getenv, stderr, &c, "", "")
	var n sotepe.NewUser
	var roles, units stringList
	var lang string
	fs.StringVar(&n.Username, "username", "", "the new account's username")
	fs.StringVar(&n.Name, "name", "", "the person's full name")
	fs.Var(&roles, "role", "a role: professional, manager, analyst, admin, contract_manager, rescue_officer, hr or finance (repeatable)")
	fs.Var(&units, "unit", "a unit the person works at (repeatable)")
	fs.StringVar(&lang, "lang", "fi", "the person's language: fi, sv or en")
	fs.StringVar(&n.Email, "email", "", "the person's work e-mail address, for notifications (optional)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if c.db == "" {
		return errors.New("--db is required")
	}
	for _, r := range roles {
		if sotepe.Role(r) == sotepe.RoleResident {
			return errors.New("resident accounts come from the identity provider, not from create-user")
		}
		n.Roles = append(n.Roles, sotepe.Role(r))
	}
	n.Units, n.Lang = units, sotepe.Lang(lang)
	if err := n.Validate(); err != nil {
		return err
	}
	fmt.Fprint(stderr, "password (at least 12 characters), then Enter: ")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	pw := strings.TrimRight(line, "\r\n")
	if len([]rune(pw)) < 12 {
		return errors.New("the password must have at least 12 characters")
	}
	if n.PasswordHash, err = password.Hash(pw, password.Default()); err != nil {
		return err
	}
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %d)\n", u.Username, u.ID)
	return nil
}

// runLinkIdentity links a staff account to its subject at the
// organisation's identity provider, so the person can sign in there; roles
// and units stay sotepe's.
func runLinkIdentity(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("admin link-identity", getenv, stderr, &c, "", "")
	var username, provider, subject string
	fs.StringVar(&username, "username", "", "the account's username")
	fs.StringVar(&provider, "provider", "staff", "the identity provider's name in sotepe (staff, or the demo's helsinki-staff)")
	fs.StringVar(&subject, "subject", "", "the person's stable subject (sub) at the provider")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.db == "" || username == "" || subject == "" {
		return errors.New("--db, --username and --subject are required")
	}
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	u, _, err := st.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	if !u.IsStaff() {
		return errors.New("only staff accounts are linked by hand; residents are linked by their personal identity code when they first sign in")
	}
	if err := st.LinkIdentity(ctx, sotepe.Identity{Provider: provider, Subject: subject, UserID: u.ID}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "linked %s to %s at %s\n", username, subject, provider)
	return nil
}
