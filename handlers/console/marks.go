package console

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/dialog"
	"tapline/models"
)

// CallBack reports whether the resident asked for a call back (人工) when
// filing case c: the dialog files such a request with the details
// "居民请求人工服务，请回电联系", or with the resident's own words ("说不清
// 楚，转人工"); the case keeps no flag of its own.
func (listData) CallBack(c *models.Case) bool {
	return c.Source == models.SourceWeChat && dialog.AsksHuman(c.Details)
}

// IncidentSize is how many cases of incident id the person may see (the
// list the 同一事件 badge links to); 0 for none.
func (d listData) IncidentSize(id uint64) int { return d.Incidents[id] }

// incidentReader reads an incident's cases (the store's IncidentCases).
type incidentReader interface {
	IncidentCases(ctx context.Context, incidentID uint64) ([]*models.Case, error)
}

// incidentCases returns the cases of incident id that p may see, oldest
// first, masked as the list masks them; nil when the store cannot say.
func (c *Console) incidentCases(ctx context.Context, p auth.Principal, id uint64) ([]*models.Case, error) {
	r, ok := c.records.(incidentReader)
	if !ok || id == 0 {
		return nil, nil
	}
	all, err := r.IncidentCases(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []*models.Case
	for _, cs := range all {
		if p.CanSee(c.desk.Policy, cs) == nil {
			out = append(out, auth.Mask(cs))
		}
	}
	return out, nil
}

// incidentSizes counts, for each incident among cases, the cases of it p
// may see.
func (c *Console) incidentSizes(ctx context.Context, p auth.Principal, cases []*models.Case) (map[uint64]int, error) {
	sizes := map[uint64]int{}
	for _, cs := range cases {
		if _, done := sizes[cs.IncidentID]; done || cs.IncidentID == 0 {
			continue
		}
		linked, err := c.incidentCases(ctx, p, cs.IncidentID)
		if err != nil {
			return nil, err
		}
		sizes[cs.IncidentID] = len(linked)
	}
	return sizes, nil
}

// listIncident shows the cases of one incident the person may see, oldest
// first (?incident=, the 同一事件 badge's link).
func (c *Console) listIncident(ctx *gin.Context, raw string) {
	p := principalOf(ctx)
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		c.fail(ctx, models.Errorf(models.EINVALID, "事件编号应为数字：%q", raw))
		return
	}
	cases, err := c.incidentCases(ctx.Request.Context(), p, id)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	d := listData{Cases: cases, Total: len(cases), Query: ctx.Request.URL.Query(), From: 1, To: len(cases),
		Depts: c.deptOptions(), OwnDept: !p.SeesAll(), Incident: id, Incidents: map[uint64]int{id: len(cases)}}
	if d.Views, err = c.viewLinks(ctx.Request.Context(), p, "", ""); err != nil {
		c.fail(ctx, err)
		return
	}
	c.render(ctx, http.StatusOK, "cases", &view{Title: "同一事件的投诉", Data: d})
}
