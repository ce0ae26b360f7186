package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/models"
	"tapline/models/store/storetest"
)

// TestSignatureGoldenVector pins the signature scheme: HMAC-SHA256 keyed
// with the secret over "<t>.<body>", hex, as documented in the README
// (computed independently with `printf '1700000000.{"id":"evt_1"}' |
// openssl dgst -sha256 -hmac whsec_test`).
func TestSignatureGoldenVector(t *testing.T) {
	got := Sign("whsec_test", time.Unix(1700000000, 0), []byte(`{"id":"evt_1"}`))
	want := "t=1700000000,v1=" + goldenMAC
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	now := time.Unix(1700000100, 0)
	body := []byte(`{"id":"evt_1"}`)
	for _, tc := range []struct {
		name, header string
		body         []byte
		now          time.Time
		want         error
	}{
		{"good", want, body, now, nil},
		{"second value good", "t=1700000000,v1=00ff,v1=" + goldenMAC, body, now, nil},
		{"body changed", want, []byte(`{"id":"evt_2"}`), now, ErrBadSignature},
		{"too old", want, body, now.Add(10 * time.Minute), ErrExpiredSignature},
		{"from the future", want, body, time.Unix(1700000000-400, 0), ErrExpiredSignature},
		{"no v1", "t=1700000000", body, now, ErrNoSignature},
		{"garbage", "sha256=abc", body, now, ErrNoSignature},
		{"empty", "", body, now, ErrNoSignature},
	} {
		if err := VerifySignature("whsec_test", tc.header, tc.body, tc.now, DefaultTolerance); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if err := VerifySignature("other", want, body, now, DefaultTolerance); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other secret: %v", err)
	}
}

// goldenMAC is HMAC-SHA256("whsec_test", `1700000000.{"id":"evt_1"}`).
const goldenMAC = "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"

func TestEgressRefusesPrivateTargets(t *testing.T) {
	strict, _ := NewEgress(nil)
	lan, err := NewEgress([]string{"127.0.0.0/8", "10.9.8.7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		url         string
		strict, lan bool // allowed?
	}{
		{"https://hooks.example.com/tapline", true, true},
		{"https://203.0.113.9/x", true, true},
		{"http://hooks.example.com/tapline", false, false},
		{"http://127.0.0.1:8080/hook", false, true},
		{"https://localhost/hook", false, true},
		{"https://[::1]/hook", false, false},
		{"https://10.0.0.1/hook", false, false},
		{"http://10.9.8.7/hook", false, true},
		{"https://192.168.1.1/", false, false},
		{"https://169.254.169.254/latest/meta-data", false, false},
		{"https://100.64.0.1/", false, false},
		{"https://[::ffff:127.0.0.1]/", false, true},
		{"https://0.0.0.0/", false, false},
		{"https://user:pw@hooks.example.com/", false, false},
		{"https://hooks.example.com/a/../b", false, false},
		{"ftp://hooks.example.com/", false, false},
		{"//hooks.example.com/", false, false},
		{"https://hooks.example.com/x#frag", false, false},
	} {
		if ok := strict.CheckURL(tc.url) == nil; ok != tc.strict {
			t.Errorf("strict %s: allowed=%v", tc.url, ok)
		}
		if ok := lan.CheckURL(tc.url) == nil; ok != tc.lan {
			t.Errorf("lan %s: allowed=%v", tc.url, ok)
		}
	}
	if _, err := NewEgress([]string{"not-a-net"}); err == nil {
		t.Error("bad allow-list entry accepted")
	}
	if err := strict.CheckAddr(netip.MustParseAddr("8.8.8.8")); err != nil {
		t.Error(err)
	}
}

// TestEgressDialerRefusesWhatTheURLHid: a host name that resolves to
// loopback passes CheckURL (names are not resolved then) but the dial is
// refused, and the delivery fails for good.
func TestEgressDialerRefusesWhatTheURLHid(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	strict, _ := NewEgress(nil)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	_, err := strict.Client(time.Second).Get("http://127.0.0.1" + port)
	if !errors.Is(err, ErrEgressRefused) {
		t.Fatalf("dial to loopback: %v", err)
	}
}

// receiver records signed deliveries; fail answers 500 to the first n.
type receiver struct {
	mu   sync.Mutex
	fail int
	got  []string // event IDs in arrival order
	sigs []error
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sigs = append(r.sigs, VerifySignature("whsec_0123456789abcdef", req.Header.Get(SignatureHeader), body, time.Now(), DefaultTolerance))
	if r.fail > 0 {
		r.fail--
		http.Error(w, "busy", http.StatusInternalServerError)
		return
	}
	r.got = append(r.got, req.Header.Get(EventIDHeader))
}

// TestWebhookDeliveryRetriesAndRecords: an event row of a real filing is
// delivered signed, a 500 answer is retried with the same event ID, every
// attempt is recorded, and a deleted subscription fails for good.
func TestWebhookDeliveryRetriesAndRecords(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	rec := &receiver{fail: 1}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	sub := &models.Subscription{URL: srv.URL + "/hook", Secret: "whsec_0123456789abcdef", Active: true,
		Events: models.EventCaseCreated + "," + models.EventCaseMajor}
	if err := db.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	nc := &models.NewCase{Case: models.Case{DraftKey: randomName("k"), Status: models.StatusAssigned, Source: models.SourcePhone,
		Category: "water_quality", Department: "quality", Name: "张三", Address: "幸福路1号", Phone: "13812345678",
		Details: "水黄", Major: true, MajorReason: "safety"}, Event: models.CaseEvent{Actor: "hotline.crew", Role: "crew", Channel: "api"}}
	if _, _, err := db.CreateCase(ctx, nc); err != nil {
		t.Fatal(err)
	}
	if len(nc.Outbox) != 2 || nc.Outbox[0].Channel != models.ChannelWebhook || strings.Contains(nc.Outbox[0].Payload, "13812345678") {
		t.Fatalf("event rows: %+v", nc.Outbox)
	}
	egress, _ := NewEgress([]string{"127.0.0.0/8"})
	clock := newTestClock()
	d := NewDeliverer(db, nil, nil, clock, slog.New(slog.DiscardHandler), WithBackoff(time.Second),
		WithRowSender(models.ChannelWebhook, NewWebhookSender(db, egress, clockFunc(time.Now), 5*time.Second)))
	id := nc.Outbox[0].ID
	clock.t = time.Now()
	if err := d.Deliver(ctx, id); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Second)
	if err := d.Deliver(ctx, id); err != nil {
		t.Fatal(err)
	}
	row, _ := db.FindOutbox(ctx, id)
	attempts, _ := db.Attempts(ctx, id)
	if row.Status != models.OutboxSent || len(attempts) != 2 || attempts[0].Status != 500 || !attempts[1].OK {
		t.Fatalf("row %+v attempts %+v", row, attempts)
	}
	for _, err := range rec.sigs {
		if err != nil {
			t.Fatalf("signature: %v", err)
		}
	}
	if len(rec.got) != 1 || !strings.HasPrefix(rec.got[0], "evt_") || !strings.Contains(row.Payload, rec.got[0]) {
		t.Fatalf("received %v", rec.got)
	}
	if err := db.DeleteSubscription(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	second := nc.Outbox[1].ID
	if err := d.Deliver(ctx, second); err != nil {
		t.Fatal(err)
	}
	if row, _ := db.FindOutbox(ctx, second); row.Status != models.OutboxFailed || !strings.Contains(row.LastError, "deleted") {
		t.Fatalf("delivery to a deleted subscription: %+v", row)
	}
}

// clockFunc adapts a function to bot.Clock.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }
