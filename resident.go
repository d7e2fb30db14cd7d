package sotepe

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Resident is a person whose data sotepe holds. PersonalID is the Finnish
// personal identity code (henkilötunnus, personbeteckning); it and the names
// are personal data: staff reads of them are audited and they never appear in
// logs.
type Resident struct {
	ID         int64  `json:"id"`
	PersonalID string `json:"personal_id"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Lang       Lang   `json:"lang"`
	// District is where the resident lives, as a district id of the directory.
	District string `json:"district,omitempty"`
	// HomeUnit is the resident's own health station, if chosen.
	HomeUnit string `json:"home_unit,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	// GuardiansDenied is set when the resident, a minor of ConsentAge or
	// more, has forbidden their guardians to handle their matters.
	GuardiansDenied bool `json:"guardians_denied,omitempty"`
}

// FullName returns first and last name.
func (r Resident) FullName() string { return strings.TrimSpace(r.FirstName + " " + r.LastName) }

// Validate checks the personal identity code and that names are given.
func (r Resident) Validate() error {
	if _, err := ParsePersonalID(r.PersonalID); err != nil {
		return err
	}
	if strings.TrimSpace(r.FirstName) == "" || strings.TrimSpace(r.LastName) == "" {
		return Invalid("error.name_required", "a resident needs first and last name")
	}
	if _, ok := ParseLang(string(r.Lang)); !ok {
		return Invalid("error.lang", "language must be fi, sv or en")
	}
	return nil
}

const personalIDChecks = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// centuryMarks maps the separator of a personal identity code to its century,
// including the marks added in 2023 (Y, X, W, V, U for the 1900s; B–F for the
// 2000s).
var centuryMarks = map[byte]int{
	'+': 1800,
	'-': 1900, 'Y': 1900, 'X': 1900, 'W': 1900, 'V': 1900, 'U': 1900,
	'A': 2000, 'B': 2000, 'C': 2000, 'D': 2000, 'E': 2000, 'F': 2000,
}

// ParsePersonalID checks a Finnish personal identity code (DDMMYYCZZZQ: date of
// birth, century mark, individual number, check character) and returns the
// date of birth. A malformed code, an impossible date or a wrong check
// character is EInvalid.
func ParsePersonalID(code string) (time.Time, error) {
	bad := InvalidField("personal_id", "error.personal_id", "not a valid personal identity code")
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 11 {
		return time.Time{}, bad
	}
	century, ok := centuryMarks[code[6]]
	if !ok {
		return time.Time{}, bad
	}
	digits := code[:6] + code[7:10]
	n, err := strconv.Atoi(digits)
	if err != nil || strings.ContainsAny(digits, "+-") {
		return time.Time{}, bad
	}
	if personalIDChecks[n%31] != code[10] {
		return time.Time{}, bad
	}
	day, _ := strconv.Atoi(code[0:2])
	month, _ := strconv.Atoi(code[2:4])
	year, _ := strconv.Atoi(code[4:6])
	birth := time.Date(century+year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if birth.Day() != day || int(birth.Month()) != month {
		return time.Time{}, bad
	}
	if ind, _ := strconv.Atoi(code[7:10]); ind < 2 {
		return time.Time{}, bad
	}
	return birth, nil
}

// SyntheticPersonalID builds a valid personal identity code for a test or demo
// person: individual numbers 900–999 are never given to real people.
func SyntheticPersonalID(birth time.Time, individual int) string {
	if individual < 900 || individual > 999 {
		panic(fmt.Sprintf("synthetic individual number %d outside 900–999", individual))
	}
	mark := byte('-')
	switch {
	case birth.Year() >= 2000:
		mark = 'A'
	case birth.Year() < 1900:
		mark = '+'
	}
	head := birth.Format("020106")
	n, _ := strconv.Atoi(head + fmt.Sprintf("%03d", individual))
	return fmt.Sprintf("%s%c%03d%c", head, mark, individual, personalIDChecks[n%31])
}

// Residents stores residents. Reads by staff go through the audited methods
// of StaffReads, never through these.
type Residents interface {
	// CreateResident validates r and stores it; a taken personal identity
	// code is EConflict.
	CreateResident(ctx context.Context, r Resident) (Resident, error)
	// Resident returns a resident's own data to themselves, or ENotFound.
	Resident(ctx context.Context, id int64) (Resident, error)
}
