package report

// AnnualJSON is the annual report as data, in the shape of the reference
// file (reference/helsinki-2024.json): service_volumes as key and value in
// the reference's order, the feedback with last year's NPS and the answers
// per channel, and the staff table with the reference's area keys.
type AnnualJSON struct {
	Year           int                `json:"year"`
	PreviousYear   int                `json:"previous_year"`
	ServiceVolumes []KeyValue         `json:"service_volumes"`
	EServices      []KeyValue         `json:"e_services"`
	Feedback       FeedbackJSON       `json:"feedback"`
	Staff          StaffJSON          `json:"staff"`
	Economy        EconomyJSON        `json:"economy"`
	Sustainability SustainabilityJSON `json:"sustainability"`
	Rescue         RescueJSON         `json:"rescue"`
	Procurement    ProcurementJSON    `json:"procurement"`
	Population     PopulationJSON     `json:"population"`
	EServiceShares EServiceSharesJSON `json:"e_service_shares"`
	Participation  ParticipationJSON  `json:"participation"`
	Indicators     []IndicatorJSON    `json:"indicators"`
	// Changes is the year-over-year change of every volume, present only
	// when the previous year has data.
	Changes []ChangeJSON `json:"changes,omitempty"`
}

// KeyValue is one statistic's volume.
type KeyValue struct {
	Key   string `json:"key"`
	Value int64  `json:"value"`
}

// FeedbackJSON is the year's feedback.
type FeedbackJSON struct {
	NPS             *float64 `json:"nps"`
	NPSPreviousYear *float64 `json:"nps_previous_year"`
	// The answers as the reference file counts them: after a visit (the
	// visit link, QR codes and kiosks), on the city website, in the portal.
	AfterVisit int64 `json:"feedback_after_visit"`
	ViaWebsite int64 `json:"feedback_via_city_website"`
	ViaPortal  int64 `json:"feedback_via_portal"`
	// Answers is the answers per channel.
	Answers         map[string]int64 `json:"answers"`
	AnswersTotal    int64            `json:"answers_total"`
	PreviousAnswers map[string]int64 `json:"answers_previous_year"`
}

// StaffJSON is the staff table with the reference file's area keys.
type StaffJSON struct {
	HeadcountAtYearEnd      []StaffLineJSON `json:"headcount_at_year_end"`
	HeadcountTotal          int64           `json:"headcount_total"`
	RecommendAsEmployer     *float64        `json:"recommend_as_employer_percent"`
	Courses                 int64           `json:"courses"`
	TrainingDaysPerEmployee *float64        `json:"training_days_per_employee"`
	MoreApplicants          int64           `json:"more_applicants_than_previous_year"`
	TurnoverPercent         *float64        `json:"turnover_percent"`
}

// StaffLineJSON is one area's staff.
type StaffLineJSON struct {
	Area    string `json:"area"`
	Value   int64  `json:"value"`
	Percent int64  `json:"percent"`
}

// IndicatorJSON is one indicator over the year and the year before.
type IndicatorJSON struct {
	ID            string   `json:"id"`
	Unit          string   `json:"unit"`
	Value         *float64 `json:"value"`
	PreviousValue *float64 `json:"previous_year"`
}

// ChangeJSON is one volume's change from the previous year.
type ChangeJSON struct {
	Key           string   `json:"key"`
	Value         int64    `json:"value"`
	PreviousValue int64    `json:"previous_year"`
	ChangePercent *float64 `json:"change_percent"`
}

// JSON returns the report as data.
func (a Annual) JSON() AnnualJSON {
	out := AnnualJSON{Year: a.Year, PreviousYear: a.PreviousYear, ServiceVolumes: []KeyValue{}, EServices: []KeyValue{},
		Indicators: []IndicatorJSON{}}
	for _, g := range a.Groups {
		for _, l := range g.Lines {
			out.ServiceVolumes = append(out.ServiceVolumes, KeyValue{Key: l.Key, Value: l.Value})
			if a.HasPrevious {
				out.Changes = append(out.Changes, ChangeJSON{Key: l.Key, Value: l.Value, PreviousValue: l.Previous, ChangePercent: l.Change})
			}
		}
	}
	for _, l := range a.EServices {
		out.EServices = append(out.EServices, KeyValue{Key: l.Key, Value: l.Value})
	}
	out.Feedback = FeedbackJSON{NPS: a.Feedback.NPS, NPSPreviousYear: a.Feedback.NPSPrevious, AnswersTotal: a.Feedback.Responses,
		Answers: map[string]int64{}, PreviousAnswers: map[string]int64{}}
	for _, g := range a.Feedback.Groups {
		switch g.Key {
		case FeedbackAfterVisit:
			out.Feedback.AfterVisit = g.Answers
		case FeedbackViaWebsite:
			out.Feedback.ViaWebsite = g.Answers
		case FeedbackViaPortal:
			out.Feedback.ViaPortal = g.Answers
		}
	}
	for _, c := range a.Feedback.Channels {
		out.Feedback.Answers[string(c.Channel)] = c.Answers
		out.Feedback.PreviousAnswers[string(c.Channel)] = c.Previous
	}
	out.Procurement = a.Procurement.JSON()
	out.Population, out.EServiceShares, out.Participation = a.Participation.JSON()
	out.Rescue = a.Rescue.JSON()
	out.Staff = StaffJSON{HeadcountAtYearEnd: []StaffLineJSON{}, HeadcountTotal: a.Staff.Total, RecommendAsEmployer: a.Staff.RecommendPercent,
		Courses: a.Staff.Courses, TrainingDaysPerEmployee: a.Staff.TrainingDaysPerEmployee,
		MoreApplicants: a.Staff.Applicants - a.Staff.ApplicantsPrevious, TurnoverPercent: a.Staff.TurnoverPercent}
	out.Economy, out.Sustainability = a.Economy.JSON(), a.Sustainability.JSON()
	// The reference file keeps the spills under sustainability; they are
	// the rescue section's count.
	out.Sustainability.ChemicalAndOilSpills = a.Rescue.SpillsHandled
	for _, l := range a.Staff.Lines {
		out.Staff.HeadcountAtYearEnd = append(out.Staff.HeadcountAtYearEnd, StaffLineJSON{Area: ReferenceArea(l.AreaID), Value: l.Headcount, Percent: l.Percent})
	}
	for _, l := range a.Indicators {
		out.Indicators = append(out.Indicators, IndicatorJSON{ID: l.Indicator.ID, Unit: l.Indicator.Unit, Value: l.Value.Value, PreviousValue: l.Previous.Value})
	}
	return out
}
