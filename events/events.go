// Package events takes service events from integration clients: it finds
// the client by its bearer token, checks its scope, and stores batches under
// the client's own name, so that no client writes another's events. It
// implements sotepe.EventService.
package events

import (
	"context"
	"strings"

	"sotepe"
)

// Store is what the service uses.
type Store interface {
	sotepe.Events
	sotepe.IntegrationClients
}

// Service implements sotepe.EventService.
type Service struct {
	store Store
}

var _ sotepe.EventService = (*Service)(nil)

// New returns a Service over st.
func New(st Store) *Service { return &Service{store: st} }

// Client returns the live client holding token if it has scope.
func (s *Service) Client(ctx context.Context, token, scope string) (sotepe.IntegrationClient, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return sotepe.IntegrationClient{}, &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.integration_token", Message: "a bearer token is required"}
	}
	c, err := s.store.IntegrationClientByToken(ctx, token)
	if err != nil {
		return c, err
	}
	if !c.HasScope(scope) {
		return c, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.integration_scope", Message: "the token lacks the scope " + scope}
	}
	return c, nil
}

// Add stores events as client c.
func (s *Service) Add(ctx context.Context, c sotepe.IntegrationClient, events []sotepe.ServiceEvent) (sotepe.EventResult, error) {
	if !c.HasScope(sotepe.ScopeEventsWrite) {
		return sotepe.EventResult{}, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.integration_scope", Message: "the token lacks the scope " + sotepe.ScopeEventsWrite}
	}
	for i := range events {
		events[i].Source = c.Name
	}
	return s.store.AddEvents(ctx, events)
}
