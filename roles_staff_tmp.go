package sotepe

// Temporary until the coordinator's "Sector roles" commit lands on main:
// the HR and finance roles. Deleted at the merge.
const (
	RoleHR      Role = "hr"
	RoleFinance Role = "finance"
)
