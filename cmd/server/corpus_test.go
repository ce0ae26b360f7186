package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"tapline/bot/dialog"
	"tapline/bot/dialog/corpus"
	"tapline/bot/simclient"
	"tapline/models"
)

// webhookDesk plays corpus conversations through the real server: signed
// and AES-encrypted WeChat webhooks in, the admin API to read what was
// filed. It knows a resident's cases by the numbers the replies told them.
type webhookDesk struct {
	base  string
	wx    *simclient.Client
	mu    sync.Mutex
	msgID int64
	told  map[string][]string // openID → case numbers, in order
	ids   map[uint64]string   // case ID → number
}

var _ corpus.Desk = (*webhookDesk)(nil)

var numberRe = regexp.MustCompile(`TS\d{8}-\d{4}`)

func (d *webhookDesk) Say(ctx context.Context, openID string, t corpus.Turn) (string, error) {
	d.mu.Lock()
	d.msgID++
	m := simclient.Message{FromUserName: openID, MsgType: t.Kind(), Content: t.Text, MsgID: d.msgID}
	d.mu.Unlock()
	switch t.Kind() {
	case "image":
		m.Content, m.PicURL, m.MediaID = "", fmt.Sprintf("http://mmbiz.qpic.cn/%d", m.MsgID), fmt.Sprint("media-", m.MsgID)
	case "voice":
		m.Content, m.MediaID, m.Recognition = "", fmt.Sprint("voice-", m.MsgID), t.Text
	case "location":
		m.Content, m.Label, m.LocationX, m.LocationY = "", t.Location, t.Lat, t.Lng
	}
	r, err := d.wx.Send(ctx, m)
	if err != nil {
		return "", err
	}
	if r.Status != http.StatusOK {
		return "", fmt.Errorf("webhook answered %d: %s", r.Status, r.Body)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range numberRe.FindAllString(r.Text, -1) {
		if !slices.Contains(d.told[openID], n) {
			d.told[openID] = append(d.told[openID], n)
		}
	}
	return r.Text, nil
}

// Staff implements corpus.Desk; the webhook subset has no staff steps.
func (d *webhookDesk) Staff(context.Context, string, string) (string, error) {
	return "", errors.New("staff commands are not played through the webhook subset")
}

// caseDetail is what the scorer reads of GET /api/v1/cases/{number}.
type caseDetail struct {
	Case struct {
		Number      string `json:"number"`
		Status      string `json:"status"`
		Category    string `json:"category"`
		Department  string `json:"department"`
		Major       bool   `json:"major"`
		MajorReason string `json:"major_reason"`
		Urgent      bool   `json:"urgent"`
		Name        string `json:"name"`
		Phone       string `json:"phone"`
		Address     string `json:"address"`
		Details     string `json:"details"`
		Expectation string `json:"expectation"`
	} `json:"case"`
	Events []struct {
		Type string `json:"type"`
		Role string `json:"role"`
		Text string `json:"text"`
	} `json:"events"`
}

// model turns the detail into the case and events the scorer compares; id
// stands for the case (the API names cases by number).
func (cd *caseDetail) model(id uint64) (*models.Case, []*models.CaseEvent) {
	c := cd.Case
	out := &models.Case{ID: id, Number: c.Number, Status: c.Status, Category: c.Category, Department: c.Department,
		Major: c.Major, MajorReason: c.MajorReason, Urgent: c.Urgent, Name: c.Name, Phone: c.Phone,
		Address: c.Address, Details: c.Details, Expectation: c.Expectation}
	var evs []*models.CaseEvent
	for _, e := range cd.Events {
		evs = append(evs, &models.CaseEvent{CaseID: id, Type: e.Type, Role: e.Role, Text: e.Text})
	}
	return out, evs
}

func (d *webhookDesk) detail(ctx context.Context, number string) (*caseDetail, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.base+"/api/v1/cases/"+number, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET case %s: %d", number, resp.StatusCode)
	}
	var cd caseDetail
	return &cd, json.NewDecoder(resp.Body).Decode(&cd)
}

func (d *webhookDesk) Cases(ctx context.Context, openID string) ([]*models.Case, error) {
	d.mu.Lock()
	numbers := slices.Clone(d.told[openID])
	d.mu.Unlock()
	var out []*models.Case
	for _, n := range numbers {
		cd, err := d.detail(ctx, n)
		if err != nil {
			return nil, err
		}
		c, _ := cd.model(d.idOf(n))
		out = append(out, c)
	}
	return out, nil
}

func (d *webhookDesk) Events(ctx context.Context, caseID uint64) ([]*models.CaseEvent, error) {
	d.mu.Lock()
	n := d.ids[caseID]
	d.mu.Unlock()
	cd, err := d.detail(ctx, n)
	if err != nil {
		return nil, err
	}
	_, evs := cd.model(caseID)
	return evs, nil
}

// idOf numbers the cases the desk has seen.
func (d *webhookDesk) idOf(number string) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, n := range d.ids {
		if n == number {
			return id
		}
	}
	id := uint64(len(d.ids) + 1)
	d.ids[id] = number
	return id
}

func (d *webhookDesk) Rating(context.Context, uint64) (int, error) { return 0, nil }

func (d *webhookDesk) Remember(context.Context, string, corpus.Contact) error {
	return errors.New("the webhook subset has no returning residents")
}

func (d *webhookDesk) Advance(time.Duration) error {
	return errors.New("the webhook subset runs on the wall clock")
}

// TestCorpusThroughTheWebhook plays the corpus conversations tagged
// "webhook" through the real server's signed, encrypted WeChat webhook and
// holds them to the same targets as the in-process replay.
func TestCorpusThroughTheWebhook(t *testing.T) {
	convs, err := corpus.Load("../../bot/dialog/testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	convs = slices.DeleteFunc(convs, func(c *corpus.Conversation) bool { return !c.Has("webhook") })
	if len(convs) < 8 {
		t.Fatalf("only %d conversations tagged webhook", len(convs))
	}
	texts, err := dialog.LoadTexts("../../configs/dialog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := startServer(t, e2eEnv(t))
	desk := &webhookDesk{base: base, told: map[string][]string{}, ids: map[uint64]string{},
		msgID: time.Now().UnixNano() % 1e9, wx: &simclient.Client{URL: base + "/webhooks/wechat", Token: e2eToken,
			AppID: e2eAppID, EncodingAESKey: e2eAESKey, OA: "gh_e2e"}}
	var results []*corpus.Result
	for i, c := range convs {
		results = append(results, corpus.Play(context.Background(), desk, texts.Recognise, c,
			fmt.Sprintf("o-e2e-corpus-%s-%d", randomHex(4), i)))
	}
	report := corpus.Summarise("through the signed WeChat webhook", results)
	var out bytes.Buffer
	report.Print(&out, true)
	t.Log("\n" + out.String())
	if missed := report.Missed(); len(missed) > 0 {
		t.Errorf("targets missed through the webhook: %v", missed)
	}
	if len(report.Failing) > 0 {
		t.Errorf("%d conversations failed through the webhook", len(report.Failing))
	}
}
