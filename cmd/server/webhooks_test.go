package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot/notify"
	"tapline/cmd/internal/apiclient"
	"tapline/handlers"
	"tapline/handlers/apitest"
)

// hookReceiver is an integrator's receiver: it verifies each signature,
// dedupes on the event ID, answers 500 once, and can be stopped and
// started again on the same address.
type hookReceiver struct {
	t      *testing.T
	addr   string
	secret string
	mu     sync.Mutex
	srv    *http.Server
	events map[string]apiclient.Event // by event ID, first arrival
	seen   map[string]int             // deliveries per event ID
	failed bool                       // the one 500 was answered
	bad    []error
}

func (r *hookReceiver) start() {
	ln, err := net.Listen("tcp", r.addr)
	for i := 0; err != nil && i < 50; i++ { // the old socket may linger a moment
		time.Sleep(100 * time.Millisecond)
		ln, err = net.Listen("tcp", r.addr)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(r.serve)}
	r.mu.Lock()
	r.srv = srv
	r.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (r *hookReceiver) stop() {
	r.mu.Lock()
	srv := r.srv
	r.mu.Unlock()
	_ = srv.Close()
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := notify.VerifySignature(r.secret, req.Header.Get(notify.SignatureHeader), body, time.Now(), notify.DefaultTolerance); err != nil {
		r.bad = append(r.bad, err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev apiclient.Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.Id != req.Header.Get(notify.EventIDHeader) {
		r.bad = append(r.bad, errors.New("event id header and body differ"))
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if !r.failed && ev.Type == apiclient.CaseStatusChanged {
		r.failed = true
		http.Error(w, "database busy", http.StatusInternalServerError)
		return
	}
	r.seen[ev.Id]++
	if _, ok := r.events[ev.Id]; !ok {
		r.events[ev.Id] = ev
	}
}

// TestGeneratedClientAndEventWebhooks plays a whole ordinary case through
// the client generated from the OpenAPI document (every exchange
// validated against it): the admin registers a subscription for every
// event type; the hotline files a complaint; the department accepts,
// proposes measures, the leader in charge approves, the resident's
// acceptance is recorded by phone, the department reports it done, the
// head confirms, the hotline closes it and records a satisfied call-back,
// which archives it. Meanwhile the receiver answers 500 once and is down
// for two transitions. At the end it holds every event of the case
// exactly once per event ID: one case.created, one case.status_changed
// per transition of the timeline (in order), one case.archived and one
// callback.recorded.
func TestGeneratedClientAndEventWebhooks(t *testing.T) {
	env := e2eEnv(t)
	env["TAPLINE_WEBHOOKS_ALLOW_PRIVATE"] = "127.0.0.0/8"
	env["TAPLINE_OUTBOX_BACKOFF"] = "300ms"
	env["TAPLINE_OUTBOX_RECONCILE_INTERVAL"] = "1s"
	base := startServer(t, env)
	ctx := context.Background()
	v := apitest.MustNew(t, handlers.OpenAPIYAML())
	hc := &http.Client{Transport: v.Transport(t, nil), Timeout: 10 * time.Second}
	client := func(token string) *apiclient.ClientWithResponses {
		c, err := apiclient.NewClientWithResponses(base+"/api/v1", apiclient.WithHTTPClient(hc),
			apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
				r.Header.Set("Authorization", "Bearer "+token)
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	admin := client(e2eAdmin)
	rec := &hookReceiver{t: t, addr: "127.0.0.1:0", events: map[string]apiclient.Event{}, seen: map[string]int{}}
	rec.start()
	defer rec.stop()
	sub, err := admin.CreateSubscriptionWithResponse(ctx, apiclient.NewSubscription{Url: "http://" + rec.addr + "/tapline",
		Events: []apiclient.EventType{apiclient.CaseCreated, apiclient.CaseStatusChanged, apiclient.CaseMajor,
			apiclient.CaseOverdue, apiclient.CaseArchived, apiclient.CallbackRecorded}})
	if err != nil || sub.JSON201 == nil || sub.JSON201.Secret == nil {
		t.Fatalf("subscribe: %v %s", err, sub.Body)
	}
	rec.mu.Lock()
	rec.secret = *sub.JSON201.Secret
	rec.mu.Unlock()
	token := func(staff string) *apiclient.ClientWithResponses {
		r, err := admin.CreateTokenWithResponse(ctx, apiclient.TokenSpec{Name: staff, StaffId: &staff})
		if err != nil || r.JSON201 == nil {
			t.Fatalf("token for %s: %v %s", staff, err, r.Body)
		}
		return client(*r.JSON201.Token)
	}
	hotline, crew, head, leader := token("hotline.crew"), token("quality.crew"), token("quality.head"), token("leader.b")

	key := apiclient.IdempotencyKey("crm-order-1")
	filed, err := hotline.CreateCaseWithResponse(ctx, &apiclient.CreateCaseParams{IdempotencyKey: &key}, apiclient.NewCase{
		Source: apiclient.NewCaseSourcePhone, Name: "王芳", Phone: "13912345670", Address: "光明路8号2栋",
		Details: "自来水发黄有异味，烧开后有沉淀", Expectation: "尽快检测水质"})
	if err != nil || filed.JSON201 == nil {
		t.Fatalf("file: %v %s", err, filed.Body)
	}
	number := filed.JSON201.Case.Number
	list, err := hotline.ListCasesWithResponse(ctx, &apiclient.ListCasesParams{Q: &number})
	if err != nil || list.JSON200 == nil || list.JSON200.Total != 1 || list.JSON200.Cases[0].Number != number {
		t.Fatalf("list: %v %s", err, list.Body)
	}
	act := func(who *apiclient.ClientWithResponses, action apiclient.Action, text string) {
		t.Helper()
		got, err := who.GetCaseWithResponse(ctx, number)
		if err != nil || got.JSON200 == nil {
			t.Fatalf("read before %s: %v %s", action, err, got.Body)
		}
		etag := got.HTTPResponse.Header.Get("ETag")
		body := apiclient.ActionBody{}
		if text != "" {
			body.Text = &text
		}
		r, err := who.CaseActionWithResponse(ctx, number, action, &apiclient.CaseActionParams{IfMatch: &etag}, body)
		if err != nil || r.JSON200 == nil || !r.JSON200.Done {
			t.Fatalf("%s: %v %s", action, err, r.Body)
		}
	}
	act(crew, apiclient.ActionAccept, "")
	act(crew, apiclient.ActionPropose, "上门检测水质并冲洗管道")
	rec.stop() // the receiver is down for two transitions
	act(leader, apiclient.ActionApprove, "")
	act(crew, apiclient.ActionResidentAccept, "")
	rec.start()
	act(crew, apiclient.ActionDone, "已冲洗管道，水质复检合格")
	act(head, apiclient.ActionConfirm, "")
	act(hotline, apiclient.ActionClose, "")
	act(hotline, apiclient.ActionCallback, "满意")

	detail, err := admin.GetCaseWithResponse(ctx, number)
	if err != nil || detail.JSON200 == nil || detail.JSON200.Case.Status != apiclient.Archived {
		t.Fatalf("final case: %v %s", err, detail.Body)
	}
	var transitions []string
	for _, e := range detail.JSON200.Events {
		if e.FromStatus != nil && e.ToStatus != nil && *e.FromStatus != *e.ToStatus {
			transitions = append(transitions, string(*e.FromStatus)+">"+string(*e.ToStatus))
		}
	}
	want := map[apiclient.EventType]int{apiclient.CaseCreated: 1, apiclient.CaseStatusChanged: len(transitions),
		apiclient.CaseArchived: 1, apiclient.CallbackRecorded: 1}
	deliveries := waitDelivered(t, admin, sub.JSON201.Id, 1+len(transitions)+2)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bad) > 0 {
		t.Fatalf("bad deliveries: %v", rec.bad)
	}
	counts := map[apiclient.EventType]int{}
	var got []string
	for _, d := range deliveries {
		if _, ok := rec.events[d.EventId]; !ok {
			t.Errorf("event %s (%s) delivered but not received", d.EventId, d.EventType)
		}
	}
	for _, d := range reversed(deliveries) { // oldest first
		ev := rec.events[d.EventId]
		counts[ev.Type]++
		if ev.Type == apiclient.CaseStatusChanged {
			got = append(got, string(*ev.Change.FromStatus)+">"+string(ev.Change.ToStatus))
		}
		if ev.Case.Number != number {
			t.Errorf("event %s is about %s", ev.Id, ev.Case.Number)
		}
	}
	if len(rec.events) != len(deliveries) {
		t.Errorf("received %d distinct events, %d delivered", len(rec.events), len(deliveries))
	}
	for typ, n := range want {
		if counts[typ] != n {
			t.Errorf("%s: %d events, want %d", typ, counts[typ], n)
		}
	}
	if strings.Join(got, " ") != strings.Join(transitions, " ") {
		t.Errorf("status events %v\ntimeline    %v", got, transitions)
	}
	if !rec.failed {
		t.Error("the receiver never answered 500")
	}
	t.Logf("%d events, %d transitions (%s); deliveries per event: %v", len(rec.events), len(transitions),
		strings.Join(transitions, " "), rec.seen)
}

// waitDelivered waits until the subscription has n deliveries, all sent.
func waitDelivered(t *testing.T, admin *apiclient.ClientWithResponses, sub int, n int) []apiclient.Delivery {
	t.Helper()
	var last []byte
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		limit := 500
		r, err := admin.ListDeliveriesWithResponse(context.Background(), sub, &apiclient.ListDeliveriesParams{Limit: &limit})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("deliveries: %v", err)
		}
		last = r.Body
		sent := 0
		for _, d := range r.JSON200.Deliveries {
			if d.Status == apiclient.Sent {
				sent++
			}
		}
		if len(r.JSON200.Deliveries) >= n && sent == len(r.JSON200.Deliveries) {
			return r.JSON200.Deliveries
		}
	}
	t.Fatalf("deliveries not all sent: %s", last)
	return nil
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
