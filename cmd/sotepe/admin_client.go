package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"sotepe"
)

// runAdminClient creates an integration client and prints its token once,
// or revokes one: `sotepe admin create-client --name rescue-dispatch --scope
// events:write`, `sotepe admin revoke-client --name rescue-dispatch`.
func runAdminClient(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("admin "+args[0], getenv, stderr, &c, "", "")
	name := fs.String("name", "", "the client's name, also the source of the events it sends (lower-case letters, digits, dots, dashes)")
	var scopes stringList
	if args[0] == "create-client" {
		fs.Var(&scopes, "scope", "a scope: events:write, a FHIR read such as system/Slot.read, or system/Appointment.write (book and cancel for residents) and system/Appointment.read (read back what the client booked) (repeatable)")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if c.db == "" || *name == "" {
		return errors.New("--db and --name are required")
	}
	st, err := c.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = sotepe.WithActor(ctx, sotepe.Actor{Role: sotepe.RoleAdmin, RequestID: "cli"})
	if args[0] == "revoke-client" {
		if err := st.RevokeIntegrationClient(ctx, *name, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked client %s: its token no longer works\n", *name)
		return nil
	}
	cl, err := st.CreateIntegrationClient(ctx, *name, scopes, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created client %s (scopes: %s)\n", cl.Name, strings.Join(cl.Scopes, " "))
	fmt.Fprintf(stdout, "token (shown only now; send it as \"Authorization: Bearer <token>\"):\n%s\n", cl.Token)
	return nil
}
