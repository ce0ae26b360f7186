package dingtalk

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// forgedBody is the probe's replay of issue 13: the group sample with the
// sender changed to the leader in charge, a new msgId and 批准.
var forgedBody = strings.NewReplacer(`"senderStaffId":"032654216321"`, `"senderStaffId":"leader.b"`,
	`同意 WO001`, `批准 TS20261127-0001`, `msgBjXR5eHx`, `msgForged00`).Replace(groupBody)

// DingTalk signs only the timestamp: captured timestamp and sign headers
// are bound to the message they first came with.
func TestCapturedHeadersCarryOneMessage(t *testing.T) {
	v := NewVerifier(appSecret, 0, fixedClock{vectorTime})
	ctx := context.Background()
	h := signedHeader(vectorTS, vectorSign)
	if _, err := v.Open(ctx, h, nil, []byte(groupBody)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Open(ctx, h, nil, []byte(groupBody)); err != nil {
		t.Fatalf("the same request again (a redelivery): %v", err)
	}
	in, err := v.Open(ctx, h, nil, []byte(forgedBody))
	if !errors.Is(err, ErrReplayed) || in != nil {
		t.Fatalf("captured headers with a new body: %+v, %v", in, err)
	}
	ms := vectorTime.UnixMilli() + 1
	if _, err := v.Open(ctx, signedHeader(strconv.FormatInt(ms, 10), Sign(ms, appSecret)), nil, []byte(forgedBody)); err != nil {
		t.Fatalf("the same body under its own headers: %v", err)
	}
}

// The pair is remembered until its timestamp leaves the window.
func TestHeadersRememberedForTheWindow(t *testing.T) {
	mem := &recordingReplays{}
	v := NewVerifier(appSecret, 0, fixedClock{vectorTime.Add(10 * time.Minute)}, WithReplays(mem))
	if _, err := v.Open(context.Background(), signedHeader(vectorTS, vectorSign), nil, []byte(groupBody)); err != nil {
		t.Fatal(err)
	}
	if want := 50*time.Minute + time.Second; mem.ttl != want {
		t.Fatalf("remembered for %v, want %v", mem.ttl, want)
	}
}

type recordingReplays struct {
	ttl time.Duration
	err error
}

func (r *recordingReplays) Bind(_ context.Context, _, _ string, ttl time.Duration) (bool, error) {
	r.ttl = ttl
	return r.err == nil, r.err
}

// Without its replay memory the verifier returns the message for the
// record, with ErrReplayUnchecked.
func TestReplayMemoryDown(t *testing.T) {
	v := NewVerifier(appSecret, 0, fixedClock{vectorTime}, WithReplays(&recordingReplays{err: errors.New("redis down")}))
	in, err := v.Open(context.Background(), signedHeader(vectorTS, vectorSign), nil, []byte(groupBody))
	if !errors.Is(err, ErrReplayUnchecked) || in == nil || in.Update.Text != "同意 WO001" {
		t.Fatalf("Open = %+v, %v", in, err)
	}
}
