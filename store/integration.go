package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"sotepe"
)

// Integration clients (sotepe.IntegrationClients): other systems that call
// the API with a bearer token. The token is made here, shown once, and only
// its SHA-256 is kept; creating and revoking a client leave audit rows.

// tokenPrefix starts every integration token, so that a leaked one is easy
// to recognise in a scan.
const tokenPrefix = "sotepe_"

var clientName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,99}$`)

// tokenHash is the stored form of an integration token.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateIntegrationClient creates a client of name with scopes and returns
// it with its token, shown only this once. A bad name ("error.integration_name")
// or an unknown scope ("error.integration_scope_unknown") is EInvalid; a
// name in use is EConflict.
func (s *Store) CreateIntegrationClient(ctx context.Context, name string, scopes []string, at time.Time) (sotepe.IntegrationClient, error) {
	var c sotepe.IntegrationClient
	if !clientName.MatchString(name) {
		return c, sotepe.Invalid("error.integration_name", "bad client name")
	}
	if len(scopes) == 0 {
		return c, sotepe.Invalid("error.integration_scope_unknown", "a client needs a scope")
	}
	for _, sc := range scopes {
		if !slices.Contains(sotepe.Scopes, sc) {
			return c, sotepe.Invalid("error.integration_scope_unknown", "unknown scope")
		}
	}
	scopes = dedupe(slices.Clone(scopes))
	slices.Sort(scopes)
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return c, &sotepe.Error{Code: sotepe.EInternal, Message: "store: make a token", Err: err}
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	at = at.UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, "create integration client", func(tx *sql.Tx) error {
		var err error
		if c.ID, err = insertID(ctx, tx, "error.conflict", "client name in use", `INSERT INTO integration_clients (name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			name, tokenHash(token), strings.Join(scopes, " "), micros(at)); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionIntegrationCreate, "integration_client:"+name, 0)
	})
	if err != nil {
		return sotepe.IntegrationClient{}, err
	}
	c.Name, c.Scopes, c.Token, c.CreatedAt = name, scopes, token, at
	return c, nil
}

// IntegrationClientByToken returns the live client that holds token; a token
// unknown or revoked is EUnauthorized ("error.integration_token").
func (s *Store) IntegrationClientByToken(ctx context.Context, token string) (sotepe.IntegrationClient, error) {
	var c sotepe.IntegrationClient
	unauthorized := &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.integration_token", Message: "unknown or revoked integration token"}
	if !strings.HasPrefix(token, tokenPrefix) {
		return c, unauthorized
	}
	var scopes string
	var created int64
	err := s.reads.QueryRowContext(ctx, `SELECT id, name, scopes, created_at FROM integration_clients WHERE token_hash = $1 AND revoked_at IS NULL`,
		tokenHash(token)).Scan(&c.ID, &c.Name, &scopes, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, unauthorized
	}
	if err != nil {
		return c, s.fail("integration client by token", err)
	}
	c.Scopes, c.CreatedAt = strings.Fields(scopes), fromMicros(created)
	return c, nil
}

// RevokeIntegrationClient revokes the live client of name: its token stops
// working at once. A name with no live client is ENotFound.
func (s *Store) RevokeIntegrationClient(ctx context.Context, name string, at time.Time) error {
	return s.inTx(ctx, "revoke integration client", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, sotepe.NotFound("integration client"),
			`UPDATE integration_clients SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL`, micros(at), name); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionIntegrationRevoke, "integration_client:"+name, 0)
	})
}
