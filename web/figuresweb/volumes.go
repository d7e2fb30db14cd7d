package figuresweb

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"sotepe"
	"sotepe/report"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// Open data: GET /api/v1/stats/volumes?year=&group_by=area|service|unit|producer|month
// (&format=csv), the service-event volumes of a year by statistic and one
// grouping. Public: the figures are aggregates of the sector's services,
// with nothing about a person.

// volumeGroupBys are the groupings the open data offers.
var volumeGroupBys = map[string]sotepe.VolumeDim{
	"area": sotepe.VolumeArea, "service": sotepe.VolumeService, "unit": sotepe.VolumeUnit,
	"producer": sotepe.VolumeProducer, "month": sotepe.VolumeMonth,
}

// volumeItem is the volume of one statistic in one group.
type volumeItem struct {
	Group     kit.Group      `json:"group"`
	Statistic string         `json:"statistic"`
	Measure   sotepe.Measure `json:"measure"`
	Value     int64          `json:"value"`
}

// volumesResponse is the JSON of GET /api/v1/stats/volumes.
type volumesResponse struct {
	Year    int          `json:"year"`
	GroupBy string       `json:"group_by"`
	Items   []volumeItem `json:"items"`
}

// Volumes serves the open data. A year that is not 2000–2100 is EInvalid
// ("error.volume_year"), an unknown grouping EInvalid
// ("error.volume_group_by"), an unknown format EInvalid ("error.stats_format").
func (h *Handlers) Volumes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	year := h.site.Now().Year()
	if y := q.Get("year"); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil || year < minReportYear || year > maxReportYear {
			return sotepe.Invalid("error.volume_year", "year is a number from 2000 to 2100").
				With(map[string]any{"Min": minReportYear, "Max": maxReportYear})
		}
	}
	by := q.Get("group_by")
	if by == "" {
		by = "service"
	}
	dim, ok := volumeGroupBys[by]
	if !ok {
		return sotepe.Invalid("error.volume_group_by", "group_by is area, service, unit, producer or month")
	}
	csvOut, err := kit.CSVFormat(q)
	if err != nil {
		return err
	}
	rows, err := h.cfg.Statistics.Volumes(r.Context(), sotepe.VolumeQuery{From: fmt.Sprintf("%04d-01-01", year), To: fmt.Sprintf("%04d-12-31", year),
		GroupBy: []sotepe.VolumeDim{dim, sotepe.VolumeService}})
	if err != nil {
		return err
	}
	org, err := report.LoadOrg(r.Context(), h.cfg.Directory)
	if err != nil {
		return err
	}
	names := map[string]sotepe.Names{}
	order := map[string]int{}
	switch dim {
	case sotepe.VolumeArea:
		for i, a := range org.Areas {
			names[a.ID], order[a.ID] = a.Names, i
		}
	case sotepe.VolumeUnit:
		for _, u := range org.Units {
			names[u.ID] = u.Names
		}
	case sotepe.VolumeProducer:
		for i, p := range org.Producers {
			names[p.ID], order[p.ID] = p.Names, i
		}
	case sotepe.VolumeService:
		for i, st := range sotepe.Statistics {
			names[st.Key], order[st.Key] = h.catNames("statistic."+st.Key), i
		}
	}
	statOrder := map[string]int{}
	for i, st := range sotepe.Statistics {
		statOrder[st.Key] = i
	}
	resp := volumesResponse{Year: year, GroupBy: by, Items: make([]volumeItem, 0, len(rows))}
	for _, row := range rows {
		id := map[sotepe.VolumeDim]string{sotepe.VolumeArea: row.Area, sotepe.VolumeUnit: row.Unit, sotepe.VolumeProducer: row.Producer,
			sotepe.VolumeService: row.Statistic, sotepe.VolumeMonth: row.Month}[dim]
		n, ok := names[id]
		if !ok {
			n = vocab.ID(id)
		}
		st, _ := sotepe.StatisticByKey(row.Statistic)
		resp.Items = append(resp.Items, volumeItem{Group: kit.Group{ID: id, Names: n}, Statistic: row.Statistic, Measure: st.Measure, Value: row.Count})
	}
	slices.SortFunc(resp.Items, func(a, b volumeItem) int {
		oa, okA := order[a.Group.ID]
		ob, okB := order[b.Group.ID]
		switch {
		case okA && okB && oa != ob:
			return cmp.Compare(oa, ob)
		case okA != okB: // known groups first
			if okA {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Group.ID, b.Group.ID), cmp.Compare(statOrder[a.Statistic], statOrder[b.Statistic]))
	})
	if csvOut {
		return writeVolumesCSV(w, resp)
	}
	kit.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// writeVolumesCSV writes the items as CSV with a header line.
func writeVolumesCSV(w http.ResponseWriter, resp volumesResponse) error {
	c := view.NewCSV(w, fmt.Sprintf("volumes-%d-%s.csv", resp.Year, resp.GroupBy),
		"year", "group_id", "group_fi", "group_sv", "group_en", "statistic", "measure", "value")
	for _, it := range resp.Items {
		c.Row(append(append([]string{strconv.Itoa(resp.Year)}, view.Group(it.Group.ID, it.Group.Names)...),
			it.Statistic, string(it.Measure), view.Int(it.Value))...)
	}
	return c.Close()
}
