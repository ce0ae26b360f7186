package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Headers of an event delivery.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256>" of
	// "<t>.<body>" keyed with the subscription's secret.
	SignatureHeader = "Tapline-Signature"
	// EventIDHeader is the event's stable ID (the body's "id"): the same on
	// every retry and replay, for the receiver's dedupe.
	EventIDHeader = "Tapline-Event-Id"
	// EventTypeHeader is the event's type (the body's "type").
	EventTypeHeader = "Tapline-Event-Type"
	// DeliveryHeader is the delivery's ID (the replay endpoint takes it).
	DeliveryHeader = "Tapline-Delivery-Id"
)

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock.
const DefaultTolerance = 5 * time.Minute

// Errors of VerifySignature.
var (
	ErrNoSignature      = errors.New("webhook: missing or malformed signature header")
	ErrBadSignature     = errors.New("webhook: signature does not match")
	ErrExpiredSignature = errors.New("webhook: signature timestamp outside the tolerance")
)

// Sign returns the signature header value of body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// VerifySignature checks a delivery as a receiver should: the header's
// timestamp is within tolerance of now and one of its v1 values is the
// HMAC-SHA256 of "<t>.<body>" (compared in constant time). A receiver then
// dedupes on the event ID; the timestamp bounds how long a captured
// request can be replayed.
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok:
			return ErrNoSignature
		case k == "t":
			ts = v
		case k == "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrExpiredSignature
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return ErrBadSignature
}
