package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/casework"
	"tapline/models"
)

// Queue is what the call-back queue and the intake's follow-up read and
// write beside the desk: the store. Without it the queue shows masked
// phones and no attempts, and a call cannot be added to a case.
type Queue interface {
	CallbackQueue(ctx context.Context, ids []uint64) (map[uint64]int, map[uint64]time.Time, error)
	CasesByID(ctx context.Context, ids []uint64) ([]*models.Case, error)
	AddFollowUp(ctx context.Context, caseID uint64, ev models.CaseEvent, outbox []models.Outbox) ([]uint64, error)
	RecordReads(ctx context.Context, reads []models.PersonalDataRead) error
}

// callbackOutcomes are the queue's choices, as the chat's 回访 reads them.
var callbackOutcomes = []string{"满意", "基本满意", "不满意", "联系不上"}

// queueRow is one case of the call-back queue.
type queueRow struct {
	Case     *models.Case // masked unless Full
	Full     bool         // the phone is shown in full, as a tel: link
	Attempts int
	Due      *time.Time // the call-back clock's due time, nil when none runs
	Late     bool
}

// queueData is the call-back queue page's data.
type queueData struct {
	Rows       []queueRow
	Total      int
	Outcomes   []string
	Prev, Next string
	// Number and Outcome, Note keep what was typed in the row whose
	// submission was refused.
	Number, Outcome, Note string
}

// callbacks lists the closed cases waiting for the hotline's call-back
// (policy 3.1), each with the form that records the outcome.
func (c *Console) callbacks(ctx *gin.Context) { c.queuePage(ctx, http.StatusOK, "", queueData{}) }

// queuePage shows the queue, with msg in the error style when not "".
func (c *Console) queuePage(ctx *gin.Context, status int, msg string, d queueData) {
	p := principalOf(ctx)
	offset, _ := strconv.Atoi(ctx.Query("offset"))
	offset = max(offset, 0)
	cases, total, err := c.desk.Guard.List(ctx.Request.Context(), p,
		models.CaseFilter{Status: models.StatusClosed, Offset: offset, Limit: pageSize}, auth.ChannelConsole)
	if err == nil {
		d.Rows, err = c.queueRows(ctx.Request.Context(), p, cases)
	}
	if err != nil {
		c.fail(ctx, err)
		return
	}
	d.Total, d.Outcomes = total, callbackOutcomes
	if offset > 0 {
		d.Prev = Base + "/callbacks?offset=" + strconv.Itoa(max(offset-pageSize, 0))
	}
	if offset+len(cases) < total {
		d.Next = Base + "/callbacks?offset=" + strconv.Itoa(offset+pageSize)
	}
	c.render(ctx, status, "callbacks", &view{Title: "回访队列", Error: msg, Data: d})
}

// queueRows adds the attempts and the clock to each case and, for the
// rows whose resident p calls (Principal.FullContact), the full phone;
// those reads are recorded first (no record, no data).
func (c *Console) queueRows(ctx context.Context, p auth.Principal, cases []*models.Case) ([]queueRow, error) {
	rows := make([]queueRow, len(cases))
	var ids, fullIDs []uint64
	for i, cs := range cases {
		rows[i] = queueRow{Case: cs, Full: p.FullContact(c.desk.Policy, cs)}
		ids = append(ids, cs.ID)
		if rows[i].Full && p.Role != auth.RoleAdmin { // the admin's list is in full already
			fullIDs = append(fullIDs, cs.ID)
		}
	}
	if c.queue == nil {
		for i := range rows {
			rows[i].Full = p.Role == auth.RoleAdmin
		}
		return rows, nil
	}
	attempts, due, err := c.queue.CallbackQueue(ctx, ids)
	if err != nil {
		return nil, err
	}
	full, err := c.fullCases(ctx, p, fullIDs)
	if err != nil {
		return nil, err
	}
	now := c.now()
	for i := range rows {
		id := rows[i].Case.ID
		rows[i].Attempts = attempts[id]
		if t, ok := due[id]; ok {
			rows[i].Due, rows[i].Late = &t, now.After(t)
		}
		if f := full[id]; f != nil {
			rows[i].Case = f
		}
	}
	return rows, nil
}

// fullCases reads the full records of ids, recording each read.
func (c *Console) fullCases(ctx context.Context, p auth.Principal, ids []uint64) (map[uint64]*models.Case, error) {
	out := map[uint64]*models.Case{}
	if len(ids) == 0 {
		return out, nil
	}
	cases, err := c.queue.CasesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	reads := make([]models.PersonalDataRead, len(cases))
	for i, cs := range cases {
		reads[i] = models.PersonalDataRead{CaseID: cs.ID, CaseNumber: cs.Number, Reader: p.Reader(), Role: p.Role,
			Channel: auth.ChannelConsole, Purpose: "callback"}
		out[cs.ID] = cs
	}
	if err := c.queue.RecordReads(ctx, reads); err != nil {
		return nil, err
	}
	return out, nil
}

// recordCallback records one call-back outcome from the queue. The
// operator must choose the outcome; a refusal is shown on the queue in
// the error style, with what was typed kept.
func (c *Console) recordCallback(ctx *gin.Context) {
	number := ctx.Param("number")
	d := queueData{Number: number, Outcome: ctx.PostForm("outcome"), Note: strings.TrimSpace(ctx.PostForm("text"))}
	if !slices.Contains(callbackOutcomes, d.Outcome) {
		d.Outcome = ""
		c.queuePage(ctx, http.StatusBadRequest, "没有记录 "+number+" 的回访：请先选择回访结果（满意、基本满意、不满意或联系不上）。", d)
		return
	}
	res, err := c.desk.Actions.Do(ctx.Request.Context(), principalOf(ctx), auth.ActRequest{Number: number,
		Action: casework.ActCallback, Text: strings.TrimSpace(d.Outcome + " " + d.Note)})
	switch {
	case err != nil:
		status, msg := c.refusal(ctx, err)
		c.queuePage(ctx, status, "没有记录 "+number+" 的回访："+msg, d)
	case !res.Done:
		c.queuePage(ctx, http.StatusConflict, "没有记录 "+number+" 的回访："+res.Reply, d)
	default:
		c.redirectFlash(ctx, Base+"/callbacks", number+"："+res.Reply)
	}
}

// refusal is the HTTP status and the message of err as a page shows it;
// internal errors are logged and shown as an apology.
func (c *Console) refusal(ctx *gin.Context, err error) (int, string) {
	status, ok := statuses[models.ErrorCode(err)]
	if !ok {
		c.log.Error("console request failed", "route", ctx.FullPath(), "err", err)
		return http.StatusInternalServerError, "系统出错，请稍后再试。"
	}
	return status, models.ErrorMessage(err)
}

// telURL is the tel: link of a phone shown in full: its digits (and a
// leading +), or "" when the text is no phone (a masked one has '*').
func telURL(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == '-' || r == ' ':
		default:
			return ""
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return "tel:" + url.PathEscape(b.String())
}
