package sotepe

import (
	"context"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Purchased services (ostopalvelut, köpta tjänster): the producers' business
// ids and provider-register ids, the contracts with contract partners and
// their price lists, the service vouchers (kinds whose value is a base value
// times a coefficient, with validity, as eVaka models them) and the
// residents' voucher decisions, and supervision: self-monitoring plans and
// supervision visits. The contract manager reads and writes all of it; the
// analyst reads only the aggregated figures.

// Audit actions of purchased services.
const (
	ActionProcurementChange = "procurement.change"
	// ActionVoucherDecisionRead is a staff read of a resident's voucher
	// decisions.
	ActionVoucherDecisionRead = "voucher_decision.read"
	ActionVoucherDecision     = "voucher_decision.create"
)

// ProducerRegistration is what the registers know of a producer: its
// business id (Y-tunnus, FO-nummer) and its id in the national register of
// private service providers (Valvira's Soteri register). The producer itself
// is the network's sotepe.Producer.
type ProducerRegistration struct {
	ProducerID string `json:"producer"`
	BusinessID string `json:"business_id"`
	RegisterID string `json:"register_id"`
}

var businessIDForm = regexp.MustCompile(`^[0-9]{7}-[0-9]$`)
var registerIDForm = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.\-/]{0,39}$`)

// BusinessIDCheckDigit returns the check digit of the seven digits of a
// business id (weights 7, 9, 10, 5, 8, 4, 2; modulo 11), and false when the
// digits have none (remainder 1: such numbers are never given).
func BusinessIDCheckDigit(digits string) (int, bool) {
	if len(digits) != 7 {
		return 0, false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		d := int(digits[i] - '0')
		if d < 0 || d > 9 {
			return 0, false
		}
		sum += d * w
	}
	switch r := sum % 11; r {
	case 0:
		return 0, true
	case 1:
		return 0, false
	default:
		return 11 - r, true
	}
}

// ValidBusinessID reports whether s is a business id (1234567-8) whose check
// digit is right.
func ValidBusinessID(s string) bool {
	if !businessIDForm.MatchString(s) {
		return false
	}
	d, ok := BusinessIDCheckDigit(s[:7])
	return ok && strconv.Itoa(d) == s[8:]
}

// Validate checks a registration: a valid business id, and a register id of
// letters, digits and . - / when given. The errors are EInvalid naming the
// field.
func (r ProducerRegistration) Validate() error {
	if !ValidBusinessID(r.BusinessID) {
		return InvalidField("business_id", "procurement.error.business_id", "business id is not valid")
	}
	if r.RegisterID != "" && !registerIDForm.MatchString(r.RegisterID) {
		return InvalidField("register_id", "procurement.error.register_id", "register id is not valid")
	}
	return nil
}

// PriceRow is one row of a contract's price list: the price of one unit of
// a service (a visit, a care day, an hour) over its validity.
type PriceRow struct {
	ServiceID  string `json:"service"`
	Measure    string `json:"measure"`
	PriceCents int64  `json:"price_cents"`
	ValidFrom  string `json:"valid_from"`
	ValidTo    string `json:"valid_to"`
}

// Contract is a purchase contract with a contract partner (or the approval
// of a voucher producer): its services and units, value, validity, price
// list and whether it carries social-responsibility and environmental
// criteria.
type Contract struct {
	ID                    int64      `json:"id"`
	ProducerID            string     `json:"producer"`
	Title                 string     `json:"title"`
	Services              []string   `json:"services"`
	Units                 []string   `json:"units"`
	ValueCents            int64      `json:"value_cents"`
	ValidFrom             string     `json:"valid_from"`
	ValidTo               string     `json:"valid_to"`
	SocialCriteria        bool       `json:"social_criteria"`
	EnvironmentalCriteria bool       `json:"environmental_criteria"`
	Prices                []PriceRow `json:"prices"`
}

// checkPeriod checks that from and to are dates and from is not after to;
// the error names field.
func checkPeriod(field, from, to string) error {
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return InvalidField(field, "error.date", "not a date")
	}
	if f.After(t) {
		return InvalidField(field, "error.stats_period", "period ends before it starts")
	}
	return nil
}

// Validate checks a contract before it is stored: a producer, a title of at
// most 200 characters, at least one service, a value that is not negative,
// a validity, and price rows within reason. Errors are EInvalid naming the
// field.
func (c Contract) Validate() error {
	switch {
	case c.ProducerID == "":
		return InvalidField("producer", "procurement.error.required", "producer missing")
	case c.Title == "" || len([]rune(c.Title)) > 200:
		return InvalidField("title", "procurement.error.required", "title missing or too long")
	case len(c.Services) == 0:
		return InvalidField("services", "procurement.error.required", "no services")
	case c.ValueCents < 0:
		return InvalidField("value_cents", "procurement.error.amount", "negative value")
	}
	if err := checkPeriod("valid_from", c.ValidFrom, c.ValidTo); err != nil {
		return err
	}
	for _, p := range c.Prices {
		if p.ServiceID == "" || p.Measure == "" {
			return InvalidField("prices", "procurement.error.required", "price row without service or measure")
		}
		if p.PriceCents < 0 {
			return InvalidField("prices", "procurement.error.amount", "negative price")
		}
		if err := checkPeriod("prices", p.ValidFrom, p.ValidTo); err != nil {
			return err
		}
	}
	return nil
}

// InForce reports whether the contract is valid on some day of from–to
// (dates YYYY-MM-DD).
func (c Contract) InForce(from, to string) bool { return c.ValidFrom <= to && c.ValidTo >= from }

// CoefficientScale is the fixed point of voucher coefficients: 10000 is 1.0.
const CoefficientScale = 10000

// VoucherValue is one value period of a voucher kind: value = base value ×
// coefficient over the validity.
type VoucherValue struct {
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	BaseCents int64  `json:"base_cents"`
	// Coefficient is in ten-thousandths (CoefficientScale): 12500 is 1.25.
	Coefficient int64 `json:"coefficient"`
	ValueCents  int64 `json:"value_cents"`
}

// Value returns base × coefficient in cents, rounded half away from zero.
func (v VoucherValue) Value() int64 {
	return int64(math.Round(float64(v.BaseCents) * float64(v.Coefficient) / CoefficientScale))
}

// VoucherKind is a kind of service voucher (palveluseteli, servicesedel)
// with its value periods in order.
type VoucherKind struct {
	ID        string         `json:"id"`
	ServiceID string         `json:"service,omitempty"`
	Names     Names          `json:"names"`
	Values    []VoucherValue `json:"values"`
}

// ValueOn returns the value period in force on day (YYYY-MM-DD).
func (k VoucherKind) ValueOn(day string) (VoucherValue, bool) {
	for _, v := range k.Values {
		if v.ValidFrom <= day && day <= v.ValidTo {
			return v, true
		}
	}
	return VoucherValue{}, false
}

// CheckValuePeriods checks value periods: dates, a base value not negative,
// a positive coefficient, and no two periods overlapping (EInvalid
// "procurement.error.voucher_overlap" naming both starts).
func CheckValuePeriods(values []VoucherValue) error {
	for _, v := range values {
		if err := checkPeriod("valid_from", v.ValidFrom, v.ValidTo); err != nil {
			return err
		}
		if v.BaseCents < 0 {
			return InvalidField("base_cents", "procurement.error.amount", "negative base value")
		}
		if v.Coefficient <= 0 {
			return InvalidField("coefficient", "procurement.error.coefficient", "coefficient must be positive")
		}
	}
	sorted := slices.Clone(values)
	slices.SortFunc(sorted, func(a, b VoucherValue) int {
		if a.ValidFrom < b.ValidFrom {
			return -1
		}
		if a.ValidFrom > b.ValidFrom {
			return 1
		}
		return 0
	})
	for i := 1; i < len(sorted); i++ {
		if sorted[i].ValidFrom <= sorted[i-1].ValidTo {
			return &Error{Code: EInvalid, Key: "procurement.error.voucher_overlap", Field: "valid_from",
				Args:    map[string]any{"From": sorted[i].ValidFrom, "Other": sorted[i-1].ValidFrom},
				Message: "value periods overlap"}
		}
	}
	return nil
}

// VoucherDecision is a professional's decision to give a resident a
// service voucher of a kind, for the producer the resident chose, over a
// validity. ValueCents is the kind's value in force on the day it is read
// (nil when no period is in force).
type VoucherDecision struct {
	ID         int64     `json:"id"`
	ResidentID int64     `json:"resident_id"`
	KindID     string    `json:"kind"`
	ProducerID string    `json:"producer"`
	ValidFrom  string    `json:"valid_from"`
	ValidTo    string    `json:"valid_to"`
	DecidedBy  int64     `json:"decided_by"`
	DecidedAt  time.Time `json:"decided_at"`
	ValueCents *int64    `json:"value_cents"`
}

// SelfMonitoringPlan is a unit's self-monitoring plan (omavalvontasuunnitelma):
// a version of a date, as a link or as text.
type SelfMonitoringPlan struct {
	ID      int64  `json:"id"`
	UnitID  string `json:"unit"`
	Version string `json:"version"`
	Date    string `json:"date"`
	Link    string `json:"link,omitempty"`
	Text    string `json:"text,omitempty"`
}

// SupervisionVisit is a supervision visit to a unit: its findings and, when
// something must be put right, the follow-up deadline and the day it was
// followed up.
type SupervisionVisit struct {
	ID           int64  `json:"id"`
	UnitID       string `json:"unit"`
	Date         string `json:"date"`
	Findings     string `json:"findings"`
	FollowUpDue  string `json:"follow_up_due,omitempty"`
	FollowedUpOn string `json:"followed_up_on,omitempty"`
}

// Overdue reports whether the visit's follow-up is past its deadline on
// day and not done.
func (v SupervisionVisit) Overdue(day string) bool {
	return v.FollowUpDue != "" && v.FollowedUpOn == "" && v.FollowUpDue < day
}

// ProcurementTotals are the purchased services of a year as the annual
// report counts them: the contracts in force in the year, their distinct
// partners and value, those with social-responsibility and environmental
// criteria, and the voucher kinds with a value period in the year.
type ProcurementTotals struct {
	Contracts     int64 `json:"contracts"`
	Partners      int64 `json:"contract_partners"`
	ValueCents    int64 `json:"value_cents"`
	Social        int64 `json:"with_social_criteria"`
	Environmental int64 `json:"with_environmental_criteria"`
	VoucherKinds  int64 `json:"service_voucher_types"`
}

// ProcurementBulk is a generated year's purchased services, stored in one
// transaction by ProcurementStore.LoadProcurement.
type ProcurementBulk struct {
	Producers     []Producer
	Registrations []ProducerRegistration
	Contracts     []Contract
	VoucherKinds  []VoucherKind
}

// ProcurementStore keeps purchased services. Changes write their audit row
// in the same transaction; staff reads of voucher decisions write theirs in
// the read's transaction and return nothing if it fails.
type ProcurementStore interface {
	// Registrations returns the producers' registrations.
	Registrations(ctx context.Context) ([]ProducerRegistration, error)
	// SaveRegistration sets a producer's business id and register id;
	// ENotFound for an unknown producer.
	SaveRegistration(ctx context.Context, r ProducerRegistration) error
	// Contracts returns every contract with its services, units and prices,
	// by id.
	Contracts(ctx context.Context) ([]Contract, error)
	// Contract returns one contract, or ENotFound.
	Contract(ctx context.Context, id int64) (Contract, error)
	// SaveContract stores a new contract and returns it with its id.
	SaveContract(ctx context.Context, c Contract) (Contract, error)
	// VoucherKinds returns every voucher kind with its value periods.
	VoucherKinds(ctx context.Context) ([]VoucherKind, error)
	// SaveVoucherKind inserts or replaces a kind and its value periods.
	SaveVoucherKind(ctx context.Context, k VoucherKind) error
	// AddVoucherDecision stores a decision and returns its id.
	AddVoucherDecision(ctx context.Context, d VoucherDecision) (VoucherDecision, error)
	// VoucherDecisions returns a resident's decisions (their own reading).
	VoucherDecisions(ctx context.Context, residentID int64) ([]VoucherDecision, error)
	// StaffVoucherDecisions returns a resident's decisions for staff,
	// writing the audited read (basis) in the same transaction.
	StaffVoucherDecisions(ctx context.Context, residentID int64, basis Basis) ([]VoucherDecision, error)
	// SelfMonitoringPlans returns the plans of every unit.
	SelfMonitoringPlans(ctx context.Context) ([]SelfMonitoringPlan, error)
	// AddSelfMonitoringPlan stores a plan.
	AddSelfMonitoringPlan(ctx context.Context, p SelfMonitoringPlan) (SelfMonitoringPlan, error)
	// SupervisionVisits returns every visit, the newest first.
	SupervisionVisits(ctx context.Context) ([]SupervisionVisit, error)
	// AddSupervisionVisit stores a visit.
	AddSupervisionVisit(ctx context.Context, v SupervisionVisit) (SupervisionVisit, error)
	// ProcurementTotals counts the year's purchased services.
	ProcurementTotals(ctx context.Context, year int) (ProcurementTotals, error)
	// LoadProcurement stores a generated year's producers, registrations,
	// contracts and voucher kinds in one transaction, without audit rows.
	LoadProcurement(ctx context.Context, b ProcurementBulk) error
}

// CheckDecisionPeriod checks a voucher decision's validity (EInvalid naming
// valid_from).
func CheckDecisionPeriod(from, to string) error { return checkPeriod("valid_from", from, to) }

// planLink is the form of a plan's link: an http or https address without
// spaces, so that a page never links to a script.
var planLink = regexp.MustCompile(`^https?://[^\s]+$`)

// Validate checks a plan: a unit, a version, a date, and a link (an http or
// https address) or text.
func (p SelfMonitoringPlan) Validate() error {
	switch {
	case p.UnitID == "":
		return InvalidField("unit", "procurement.error.required", "unit missing")
	case p.Version == "" || len(p.Version) > 40:
		return InvalidField("version", "procurement.error.required", "version missing")
	case p.Link == "" && p.Text == "":
		return InvalidField("link", "procurement.error.plan_content", "a link or text is needed")
	case p.Link != "" && (len(p.Link) > 2000 || !planLink.MatchString(p.Link)):
		return InvalidField("link", "procurement.error.plan_link", "the link is not an http(s) address")
	case len([]rune(p.Text)) > 20000:
		return InvalidField("text", "procurement.error.too_long", "text too long")
	}
	if _, err := time.Parse(time.DateOnly, p.Date); err != nil {
		return InvalidField("date", "error.date", "not a date")
	}
	return nil
}

// Validate checks a visit: a unit, a date, findings of at most 4,000
// characters, and a follow-up deadline and a followed-up day that are
// dates not before the visit when given.
func (v SupervisionVisit) Validate() error {
	switch {
	case v.UnitID == "":
		return InvalidField("unit", "procurement.error.required", "unit missing")
	case v.Findings == "" || len([]rune(v.Findings)) > 4000:
		return InvalidField("findings", "procurement.error.required", "findings missing or too long")
	}
	if _, err := time.Parse(time.DateOnly, v.Date); err != nil {
		return InvalidField("date", "error.date", "not a date")
	}
	if v.FollowUpDue != "" {
		if err := checkPeriod("follow_up_due", v.Date, v.FollowUpDue); err != nil {
			return err
		}
	}
	if v.FollowedUpOn != "" {
		if err := checkPeriod("followed_up_on", v.Date, v.FollowedUpOn); err != nil {
			return err
		}
	}
	return nil
}

// Supervision is the supervision of the units: their self-monitoring
// plans, the visits and the visits whose follow-up is overdue today.
type Supervision struct {
	Plans   []SelfMonitoringPlan `json:"plans"`
	Visits  []SupervisionVisit   `json:"visits"`
	Overdue []SupervisionVisit   `json:"overdue"`
}

// QualityFigures are the quality figures sotepe has of a set of units over
// a period, from the sums the dashboard and the report use: the NPS of the
// feedback answers (none under 5 answers), the answer promise's share of
// contact requests answered within two working days (answered in time ÷
// known outcome) and the care guarantee's share of appointments within it.
type QualityFigures struct {
	Units               []string `json:"units"`
	FeedbackResponses   int64    `json:"feedback_responses"`
	NPS                 *float64 `json:"nps"`
	ContactKnownOutcome int64    `json:"contact_requests_known_outcome"`
	AnsweredInTime      int64    `json:"answered_in_time"`
	AnsweredInTimeShare *float64 `json:"answered_in_time_percent"`
	Appointments        int64    `json:"appointments"`
	WithinGuarantee     int64    `json:"within_care_guarantee"`
	WithinGuaranteePct  *float64 `json:"within_care_guarantee_percent"`
}

// ContractComparison is one contract in force in the period: its
// producer's figures for the contract's services beside the city's own
// units' figures for the same services.
type ContractComparison struct {
	ContractID   int64          `json:"contract"`
	Title        string         `json:"title"`
	ProducerID   string         `json:"producer"`
	ProducerKind ProducerKind   `json:"producer_kind"`
	Services     []string       `json:"services"`
	Producer     QualityFigures `json:"producer_figures"`
	Own          QualityFigures `json:"own_figures"`
}

// ProcurementComparison is the contract manager's comparison over a period
// (dates, both included).
type ProcurementComparison struct {
	From      string               `json:"from"`
	To        string               `json:"to"`
	Contracts []ContractComparison `json:"contracts"`
}

// ProcurementService decides who may read and write purchased services:
// the contract manager reads and writes contracts, voucher kinds and
// supervision; the contract manager and the analyst read the aggregated
// figures and the comparison; residents read their own voucher decisions.
// Everyone else is EForbidden.
type ProcurementService interface {
	// Compare returns, for every contract in force in from–to (of
	// producer when not empty), the producer's quality figures beside the
	// own units' for the same services. Bad dates are EInvalid.
	Compare(ctx context.Context, u User, from, to, producer string) (ProcurementComparison, error)
	// Contracts returns every contract, to the contract manager.
	Contracts(ctx context.Context, u User) ([]Contract, error)
	// SaveContract stores a new contract of the contract manager and
	// returns it with its id; a contract that breaks a rule is EInvalid
	// naming the field.
	SaveContract(ctx context.Context, u User, c Contract) (Contract, error)
	// VoucherKinds returns the voucher kinds, to the contract manager.
	VoucherKinds(ctx context.Context, u User) ([]VoucherKind, error)
	// Supervision returns the plans, the visits and the overdue
	// follow-ups, to the contract manager.
	Supervision(ctx context.Context, u User) (Supervision, error)
	// Totals returns the year's figures, to the contract manager and the
	// analyst.
	Totals(ctx context.Context, u User, year int) (ProcurementTotals, error)
	// SaveVoucherKind inserts or replaces a voucher kind of the contract
	// manager with its value periods; a kind without a valid id or names in
	// fi, sv and en, an unknown service, or bad or overlapping value
	// periods are EInvalid naming the field.
	SaveVoucherKind(ctx context.Context, u User, k VoucherKind) error
	// AddSelfMonitoringPlan stores a unit's self-monitoring plan of the
	// contract manager and returns it with its id; a bad plan or an
	// unknown unit is EInvalid naming the field.
	AddSelfMonitoringPlan(ctx context.Context, u User, p SelfMonitoringPlan) (SelfMonitoringPlan, error)
	// AddSupervisionVisit stores a supervision visit of the contract
	// manager and returns it with its id; a bad visit or an unknown unit is
	// EInvalid naming the field.
	AddSupervisionVisit(ctx context.Context, u User, v SupervisionVisit) (SupervisionVisit, error)
	// Registrations returns the producers' registrations, to the contract
	// manager.
	Registrations(ctx context.Context, u User) ([]ProducerRegistration, error)
	// SaveRegistration sets a producer's business id and register id for
	// the contract manager; a bad one is EInvalid naming the field, an
	// unknown producer ENotFound.
	SaveRegistration(ctx context.Context, u User, r ProducerRegistration) error
	// DecisionChoices returns the voucher kinds and the voucher producers
	// a professional may choose from in a decision.
	DecisionChoices(ctx context.Context, u User) ([]VoucherKind, []Producer, error)
	// DecisionKinds returns the voucher kinds, by whose names decisions
	// are shown, to professionals and residents.
	DecisionKinds(ctx context.Context, u User) ([]VoucherKind, error)
	// DecideVoucher stores a professional's voucher decision for a
	// resident and returns it with its id; bad dates, an unknown kind or a
	// producer that is not a voucher producer are EInvalid naming the
	// field, an unknown resident EInvalid too.
	DecideVoucher(ctx context.Context, u User, d VoucherDecision) (VoucherDecision, error)
	// StaffVoucherDecisions returns a resident's decisions to a
	// professional, audited on basis in the read's transaction; an unknown
	// basis is EInvalid, an unknown resident ENotFound.
	StaffVoucherDecisions(ctx context.Context, u User, residentID int64, basis Basis) ([]VoucherDecision, error)
	// OwnVoucherDecisions returns a resident's own voucher decisions.
	OwnVoucherDecisions(ctx context.Context, u User) ([]VoucherDecision, error)
	// OwnVoucherDecision returns one of the resident's decisions; another's
	// is ENotFound, the same as a missing one.
	OwnVoucherDecision(ctx context.Context, u User, id int64) (VoucherDecision, error)
}
