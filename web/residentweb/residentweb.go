// Package residentweb serves staff's reads of residents' personal data,
// each on a stated basis and audited (a resident by id or by personal
// identity code, in the API and on the lookup page), and the aggregate of
// the audit trail (GET /staff/audit), which holds no personal data.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. The
// resident and audit services decide who may read what and write the
// audit rows.
package residentweb

import (
	"sotepe"
	"sotepe/web/kit"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Residents reads residents for staff, each read audited.
	Residents sotepe.ResidentService
	// Audit sums the audit trail per day and action.
	Audit sotepe.AuditService
}

// Handlers are the handlers of staff's reads of residents and the audit
// summary.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}

// StaffRoles may read residents' data, always with a basis and an audit
// row.
var StaffRoles = []sotepe.Role{sotepe.RoleProfessional, sotepe.RoleManager, sotepe.RoleAdmin}
