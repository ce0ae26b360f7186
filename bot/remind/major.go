package remind

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tapline/models"
)

// ActAck is the card-button action of a leader's acknowledgement; the key
// is "ack:<number>" (bot/casework's key format).
const ActAck = "ack"

// criterionNames are the criteria of policy 4.1.3 as leaders read them.
var criterionNames = map[string]string{
	"safety": "安全", "government": "政府机关转交", "media": "媒体曝光", "group": "群体性投诉",
	"compensation": "经济赔偿", "loss": "经济损失较大", "social": "重大社会影响", "legal": "可能涉及司法",
	"staff": "工作人员认定",
}

// CriterionName returns the Chinese name of a policy 4.1.3 criterion.
func CriterionName(key string) string {
	if n, ok := criterionNames[key]; ok {
		return n
	}
	return key
}

// Cluster links a newly filed case to the incident of its category and
// area (PRODUCT A7): when the policy's number of households complained
// within its window, the incident is created, every linked case becomes
// major (policy 4.1.3 群体性投诉), and leadership is alerted with one card,
// updated in place as households join; the acknowledgement clock of the
// incident is the oldest of its cases'.
func (s *Service) Cluster(ctx context.Context, c *models.Case) (*models.Incident, error) {
	if c.AreaKey == "" {
		return nil, nil
	}
	cfg := s.plan.Policy.Clustering
	now := s.clock.Now()
	cl := &models.Cluster{CaseID: c.ID, Category: c.Category, AreaKey: c.AreaKey,
		Since: now.Add(-cfg.Window.Duration), Now: now, Threshold: cfg.Households,
		Event: models.CaseEvent{Type: "major", Actor: "system", Role: "system", Channel: "cluster",
			Text: fmt.Sprintf("同一区域（%s）%s内多户反映同类问题，并为一个事件，认定为重大投诉（群体性）",
				c.AreaKey, span(cfg.Window.Duration))}}
	cl.Build = func(inc *models.Incident, cases []*models.Case) ([]models.Outbox, []models.Deadline, error) {
		lead := *c
		lead.Major, lead.MajorReason = true, "group"
		rows, err := s.incidentRows(inc, cases, firstAlerted(cases))
		return rows, []models.Deadline{s.plan.New(models.StageMajorAck, &lead, now)}, err
	}
	cl.Join = func(inc *models.Incident, cases []*models.Case) ([]models.Outbox, error) {
		return s.incidentRows(inc, cases, inc.CardKey)
	}
	inc, created, rows, dls, err := s.deadlines.LinkIncident(ctx, cl)
	if err != nil || inc == nil {
		return inc, err
	}
	s.deliver(ctx, rows)
	s.ArmAll(ctx, dls)
	s.withdraw(ctx, c, inc.CardKey) // its own alert, if still waiting, is now the incident's card
	if created {
		s.log.InfoContext(ctx, "incident created", "incident", inc.ID, "case", c.Number, "households", inc.Households)
	}
	return inc, nil
}

// numbers lists the case numbers of an incident.
func numbers(cases []*models.Case) string {
	ns := make([]string, 0, len(cases))
	for _, c := range cases {
		ns = append(ns, c.Number)
	}
	return "（" + strings.Join(ns, "、") + "）"
}

// StartMajor returns what flags c major now: its clocks and the alert.
func (s *Service) StartMajor(c *models.Case, headline string, now time.Time) ([]models.Deadline, []models.Outbox, error) {
	rows, err := s.Alert(c, headline)
	return s.plan.MajorClocks(c, now), rows, err
}

// firstAlerted is the card key of an incident's cases: the card of the
// oldest case that was major (alerted) before the incident, else a new
// card named after its oldest case.
func firstAlerted(cases []*models.Case) string {
	for _, c := range cases {
		if c.Major {
			return CardKey(c.Number)
		}
	}
	return CardKey(cases[0].Number)
}
