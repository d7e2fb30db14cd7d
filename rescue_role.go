package sotepe

// RoleRescueOfficer is the rescue department's role. It stands here only
// until the shared foundation ("Sector roles: …") defines it in account.go
// with the other sector roles; delete this file when merging that.
const RoleRescueOfficer Role = "rescue_officer"
