package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/models"
)

// pageSize is the number of cases per list page.
const pageSize = 30

// listData is the case list page's data.
type listData struct {
	Cases      []*models.Case
	Total      int
	Query      url.Values
	Prev, Next string // links to the neighbouring pages, "" at the ends
	From, To   int
	Depts      []option
	OwnDept    bool       // crew and heads: their department only
	Views      []viewLink // the saved views with their counts
	View       string     // the saved view shown, "" for none
	Filtered   int        // how many filters besides the search are set (the folded filters' summary)
	// Incidents counts the visible cases of each incident on the page
	// (the 同一事件 badge); Incident is the incident listed, 0 for none.
	Incidents map[uint64]int
	Incident  uint64
}

// listCases shows the cases the person may see, with the filters of the
// API (status, department, category, source, major, dates, overdue, text).
func (c *Console) listCases(ctx *gin.Context) {
	if id := ctx.Query("incident"); id != "" {
		c.listIncident(ctx, id)
		return
	}
	p := principalOf(ctx)
	f, err := c.filter(ctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	cases, total, err := c.desk.Guard.List(ctx.Request.Context(), p, f, auth.ChannelConsole)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	q := ctx.Request.URL.Query()
	d := listData{Cases: cases, Total: total, Query: q, From: f.Offset + 1, To: f.Offset + len(cases),
		Depts: c.deptOptions(), OwnDept: !p.SeesAll(), View: q.Get("view"), Filtered: countFilters(q)}
	if d.Views, err = c.viewLinks(ctx.Request.Context(), p, d.View, f.Query); err != nil {
		c.fail(ctx, err)
		return
	}
	if d.Incidents, err = c.incidentSizes(ctx.Request.Context(), p, cases); err != nil {
		c.fail(ctx, err)
		return
	}
	if f.Offset > 0 {
		d.Prev = pageLink(q, max(f.Offset-pageSize, 0))
	}
	if f.Offset+len(cases) < total {
		d.Next = pageLink(q, f.Offset+pageSize)
	}
	c.render(ctx, http.StatusOK, "cases", &view{Title: "投诉列表", Data: d})
}

// filter reads the list filters from the query.
func (c *Console) filter(ctx *gin.Context) (models.CaseFilter, error) {
	f := models.CaseFilter{Department: ctx.Query("department"), Category: ctx.Query("category"),
		Source: ctx.Query("source"), Query: strings.TrimSpace(ctx.Query("q")), Limit: pageSize}
	if len([]rune(f.Query)) > 64 {
		return f, models.Errorf(models.EINVALID, "搜索内容太长：最多 64 字。")
	}
	switch st := ctx.Query("status"); st {
	case "open":
		f.Statuses = models.OpenStatuses
	default:
		f.Status = st
	}
	switch ctx.Query("major") {
	case "1":
		f.Major = ptr(true)
	case "0":
		f.Major = ptr(false)
	}
	if ctx.Query("overdue") == "1" {
		now := c.now()
		f.OverdueAt, f.Statuses = &now, models.OpenStatuses
	}
	if err := dateRange(ctx, &f); err != nil {
		return f, err
	}
	if o, err := strconv.Atoi(ctx.DefaultQuery("offset", "0")); err == nil && o >= 0 {
		f.Offset = o
	}
	if v := viewByKey(ctx.Query("view")); v != nil {
		v.apply(&f, principalOf(ctx), c.now()) // on top of the other filters; paging keeps it (pageLink)
	}
	return f, nil
}

// dateRange reads ?since= and ?until= (whole days in China Standard Time).
func dateRange(ctx *gin.Context, f *models.CaseFilter) error {
	for name, dst := range map[string]**time.Time{"since": &f.Since, "until": &f.Until} {
		if v := ctx.Query(name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, cst)
			if err != nil {
				return models.Errorf(models.EINVALID, "日期格式应为 2026-11-27：%q", v)
			}
			if name == "until" {
				t = t.AddDate(0, 0, 1) // the whole day
			}
			*dst = &t
		}
	}
	return nil
}

func pageLink(q url.Values, offset int) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("offset", strconv.Itoa(offset))
	return Base + "/cases?" + q2.Encode()
}

func ptr[T any](v T) *T { return &v }

// foldedFilters are the list's filters inside the folding part of the form.
var foldedFilters = []string{"status", "department", "category", "source", "major", "overdue", "since", "until"}

// countFilters counts the folded filters set in q.
func countFilters(q url.Values) int {
	n := 0
	for _, k := range foldedFilters {
		if q.Get(k) != "" {
			n++
		}
	}
	return n
}

// detailData is the case page's data.
type detailData struct {
	*auth.CaseDetail
	Actions []actionForm // one form per action whose statuses fit the case now (roles are checked on submit)
	Depts   []option
	Stages  []stageRow // each stage's deadline and state
	// Conversation is the resident's own messages, in time order.
	Conversation []message
	// CanCorrect shows the correction form (the hotline and the admin,
	// policy 3.1, 4.1.1); Fields are its choices.
	CanCorrect bool
	Fields     []option
}

// showCase shows one case: contact details in full only to the roles that
// need them (each such view is recorded), the timeline, measures,
// approvals, attachments with photos, the resident's own messages and one
// form per action.
func (c *Console) showCase(ctx *gin.Context) {
	d, err := c.desk.Guard.Case(ctx.Request.Context(), principalOf(ctx), ctx.Param("number"), auth.ChannelConsole)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	data := detailData{CaseDetail: d, Depts: c.deptOptions(), CanCorrect: mayCorrect(principalOf(ctx)) && c.records != nil,
		Fields: fieldOptions(), Actions: actionForms(d.Case, d.Work), Conversation: conversation(d.Case, d.Events)}
	if data.Stages, err = c.stageRows(ctx.Request.Context(), d.Case.ID); err != nil {
		c.fail(ctx, err)
		return
	}
	c.render(ctx, http.StatusOK, "case", &view{Title: "投诉 " + d.Case.Number, Data: data})
}

// act takes a lifecycle action as the signed-in person (the chat's rules).
func (c *Console) act(ctx *gin.Context) {
	number := ctx.Param("number")
	version, _ := strconv.Atoi(ctx.PostForm("version"))
	text := ctx.PostForm("text")
	if o := ctx.PostForm("outcome"); o != "" { // the call-back queue's outcome select
		text = strings.TrimSpace(o + " " + text)
	}
	res, err := c.desk.Actions.Do(ctx.Request.Context(), principalOf(ctx), auth.ActRequest{Number: number,
		Action: ctx.PostForm("action"), Text: text, Department: ctx.PostForm("department"), Version: version})
	if err != nil {
		c.fail(ctx, err)
		return
	}
	msg := res.Reply
	if !res.Done {
		msg = "未办理：" + res.Reply
	}
	c.redirectFlash(ctx, Base+"/cases/"+url.PathEscape(number), msg)
}
