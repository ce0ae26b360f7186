package dialog

import (
	"context"
	"fmt"
	"strings"

	"tapline/models"
)

// result is what an action produced for the reply.
type result struct {
	key    string // text key replacing keyResult; "" for none
	number string
	cases  []CaseLine
}

// act performs the step's action after the session was stored.
func (e *Engine) act(ctx context.Context, id string, out *Outcome) result {
	switch out.Action {
	case ActFile:
		return e.file(ctx, out.Session.Draft, out.Next)
	case ActFileEmergency:
		return e.fileEmergency(ctx, out.Session.Draft)
	case ActSupplement:
		return e.supplement(ctx, out.Session.Draft)
	case ActUpdate:
		return e.update(ctx, out.Session.Draft)
	case ActQuery:
		return e.query(ctx, id)
	case ActShowCase:
		return e.showCase(ctx, id, out.Number)
	}
	return result{}
}

// file files a confirmed draft (PRODUCT A3: the number at once). On failure
// the session stays at the read-back, so that "确认" files it again under
// the same key.
func (e *Engine) file(ctx context.Context, d Draft, next *Session) result {
	num, err := e.filer.File(ctx, &d)
	if err != nil {
		e.log.Warn("filing failed; draft kept", "code", models.ErrorCode(err), "err", err)
		return result{key: keyFileFailed}
	}
	e.finish(ctx, d)
	if next != nil { // the next complaint of the same message (Draft.Pending)
		if err := e.store.Save(ctx, next, 2*e.ttl); err != nil {
			e.log.Warn("starting the next complaint failed", "code", models.ErrorCode(err), "err", err)
		}
	}
	return result{key: keyFiled, number: num}
}

// fileEmergency files at once with whatever is known (PRODUCT A4) and
// remembers the number in the session, which goes on for the missing slots.
func (e *Engine) fileEmergency(ctx context.Context, d Draft) result {
	num, err := e.filer.File(ctx, &d)
	if err != nil {
		e.log.Error("emergency filing failed", "code", models.ErrorCode(err), "err", err, "emergency", d.Emergency)
		return result{key: keyEmergencyFailed}
	}
	if d.missing() == "" {
		e.finish(ctx, d)
		return result{key: keyFiled, number: num}
	}
	if err := e.setNumber(ctx, d.ResidentID, d.Key, num); err != nil {
		// The completion files again under the same key and gets this number.
		e.log.Warn("keeping the emergency case number failed", "code", models.ErrorCode(err), "err", err)
	}
	return result{key: keyFiledEmergency, number: num}
}

// supplement adds what was collected after an emergency filing; it files
// first when the emergency filing failed or its number was not kept.
func (e *Engine) supplement(ctx context.Context, d Draft) result {
	if d.Number == "" {
		num, err := e.filer.File(ctx, &d)
		if err != nil {
			e.log.Warn("filing failed; draft kept", "code", models.ErrorCode(err), "err", err)
			return result{key: keyFileFailed}
		}
		d.Number = num
		_ = e.setNumber(ctx, d.ResidentID, d.Key, num)
	}
	if err := e.filer.Supplement(ctx, &d); err != nil {
		e.log.Warn("supplement failed; draft kept", "code", models.ErrorCode(err), "err", err)
		return result{key: keyFileFailed, number: d.Number}
	}
	e.finish(ctx, d)
	return result{key: keySupplemented, number: d.Number}
}

// update adds what an emergency's resident has said since the filing to
// the case (the crew's card is sent again with it); the session goes on.
// A failure is only logged: the next answer, or the completion, sends it.
func (e *Engine) update(ctx context.Context, d Draft) result {
	if err := e.filer.Supplement(ctx, &d); err != nil {
		e.log.Warn("emergency update failed", "code", models.ErrorCode(err), "err", err)
		return result{}
	}
	return result{key: keyUpdatedUrgent, number: d.Number}
}

// setNumber stores a case number in the session of the draft with key,
// retrying on version conflicts; a session of another draft is left alone.
func (e *Engine) setNumber(ctx context.Context, id, key, num string) error {
	for attempt := 0; ; attempt++ {
		s, err := e.store.Load(ctx, id)
		if err != nil || s == nil || s.Draft.Key != key || s.Draft.Number == num {
			return err
		}
		s.Draft.Number = num
		err = e.store.Save(ctx, s, 2*e.ttl)
		if models.ErrorCode(err) == models.ECONFLICT && attempt < maxRetries {
			continue
		}
		return err
	}
}

// finish ends a filed draft: the session goes, the contact details are kept
// for next time (PRODUCT A2, returning residents).
func (e *Engine) finish(ctx context.Context, d Draft) {
	if err := e.store.Delete(ctx, d.ResidentID); err != nil {
		e.log.Warn("deleting a filed draft failed", "code", models.ErrorCode(err), "err", err)
	}
	if e.residents == nil || (d.Name == "" && d.Phone == "" && d.Address == "") {
		return
	}
	r := &models.Resident{OpenID: d.ResidentID}
	if old, err := e.residents.FindResident(ctx, d.ResidentID); err == nil {
		r = old
	}
	for _, p := range []struct {
		dst *string
		v   string
	}{{&r.Name, d.Name}, {&r.Phone, d.Phone}, {&r.Address, d.Address}} {
		if p.v != "" {
			*p.dst = p.v
		}
	}
	r.LastSeen = e.clock.Now()
	if err := e.residents.SaveResident(ctx, r); err != nil {
		e.log.Warn("saving resident details failed", "code", models.ErrorCode(err), "err", err)
	}
}

// query lists the resident's own cases (PRODUCT A3).
func (e *Engine) query(ctx context.Context, id string) result {
	cs, err := e.cases.ResidentCases(ctx, id, e.caseLimit)
	if err != nil {
		e.log.Warn("listing cases failed", "code", models.ErrorCode(err), "err", err)
		return result{key: keyQueryFailed}
	}
	var lines []CaseLine
	for _, c := range cs {
		if c.ResidentID == id { // never show another resident's case
			lines = append(lines, e.line(c))
		}
	}
	if len(lines) == 0 {
		return result{key: keyCasesNone}
	}
	return result{key: keyCases, cases: lines}
}

// showCase shows one case if it is the resident's own; any other case is
// "not found", never someone else's data.
func (e *Engine) showCase(ctx context.Context, id, number string) result {
	c, err := e.cases.CaseByNumber(ctx, number)
	switch {
	case models.ErrorCode(err) == models.ENOTFOUND || (err == nil && c.ResidentID != id):
		return result{key: keyCaseNotFound, number: number}
	case err != nil:
		e.log.Warn("case lookup failed", "code", models.ErrorCode(err), "err", err)
		return result{key: keyQueryFailed}
	}
	return result{key: keyCase, number: number, cases: []CaseLine{e.line(c)}}
}

func (e *Engine) line(c *models.Case) CaseLine {
	return CaseLine{Number: c.Number, Category: e.categoryName(c.Category), Status: models.ResidentStatusName(c.Status),
		Date: c.CreatedAt.In(e.loc).Format("2006-01-02")}
}

func (e *Engine) categoryName(key string) string {
	if c := e.policy.Category(key); c != nil {
		return c.Name
	}
	return ""
}

// render joins the step's texts into the one reply.
func (e *Engine) render(out Outcome, res result) string {
	parts := e.renderMsgs(out.Msgs, e.data(out.Session, res), res)
	if res.key == keyFiled && out.Next != nil { // the next complaint of the same message, asked at once
		data := e.data(out.Next, result{})
		data.Pending = out.Next.Draft.Details
		parts = append(parts, e.renderMsgs(out.NextMsgs, data, result{})...)
	}
	return strings.Join(parts, "\n\n")
}

// renderMsgs renders texts with data; keyResult stands for res.key.
func (e *Engine) renderMsgs(msgs []Msg, data Data, res result) []string {
	var parts []string
	for _, m := range msgs {
		key := m.Key
		if key == keyResult {
			key = res.key
		}
		if key == "" {
			continue
		}
		data.Slot = e.texts.SlotName(m.Slot)
		text, err := e.texts.Render(key, data)
		if err != nil {
			e.log.Error("rendering a dialog text failed", "key", key, "err", err)
			continue
		}
		if text != "" {
			parts = append(parts, text)
		}
	}
	return parts
}

// data builds the template data of a reply.
func (e *Engine) data(s *Session, res result) Data {
	d := Data{Menu: e.menu(), Number: res.number, Cases: res.cases}
	if s == nil {
		return d
	}
	d.Draft, d.Category, d.Attachments = s.Draft, e.categoryName(s.Draft.Category), len(s.Draft.Attachments)
	if res.number != "" {
		d.Draft.Number = res.number
	}
	if s.Known != nil {
		d.Known = *s.Known
	}
	for _, em := range e.policy.Emergencies {
		if em.Key == s.Draft.Emergency {
			d.Emergency, d.Guidance = em.Name, em.Guidance
		}
	}
	return d
}

// menu is the numbered category menu.
func (e *Engine) menu() string {
	var b strings.Builder
	for i, c := range e.policy.Categories {
		fmt.Fprintf(&b, "%d. %s\n", i+1, c.Name)
	}
	return strings.TrimRight(b.String(), "\n")
}
