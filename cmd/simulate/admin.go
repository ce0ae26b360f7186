package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// adminClient reads the admin API to show what the simulation produced.
type adminClient struct{ base, token string }

func (a *adminClient) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

type caseView struct {
	Case struct {
		Number, Status, Category, Department, Name string
		Address, Phone, Details, Expectation       string
		Major                                      bool
		MajorReason                                string `json:"major_reason"`
	} `json:"case"`
	Events []struct {
		Type, Actor, Text string
		At                time.Time `json:"at"`
	} `json:"events"`
}

type outboxView struct {
	Outbox []struct {
		ID                                uint64
		Channel, Audience, Status, Target string
		Payload                           json.RawMessage `json:"message"`
		Attempts                          int
		NextAt                            time.Time `json:"next_at"`
	} `json:"outbox"`
}

// show prints the case and waits for its cards to be delivered.
func (a *adminClient) show(ctx context.Context, out io.Writer, number string, wait time.Duration) error {
	var cv caseView
	if err := a.get(ctx, "/api/v1/cases/"+number, &cv); err != nil {
		return err
	}
	c := cv.Case
	fmt.Fprintf(out, "== Case %s ==\nstatus %s · category %s · department %s · major %v %s\n%s, %s, %s\ndetails: %s\nexpects: %s\n",
		c.Number, c.Status, c.Category, c.Department, c.Major, c.MajorReason, c.Name, c.Phone, c.Address, c.Details, c.Expectation)
	for _, e := range cv.Events {
		fmt.Fprintf(out, "  event %s by %s at %s: %s\n", e.Type, e.Actor, e.At.Format(time.RFC3339), e.Text)
	}
	var ov outboxView
	deadline := time.Now().Add(wait)
	for {
		if err := a.get(ctx, "/api/v1/outbox?case="+c.Number, &ov); err != nil {
			return err
		}
		if allSent(ov) || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	fmt.Fprintf(out, "\n== Cards for %s ==\n", number)
	for _, r := range ov.Outbox {
		fmt.Fprintf(out, "  #%d %s → %s (%s): %s after %d attempt(s)\n    %s\n", r.ID, r.Channel, r.Audience, r.Target, r.Status, r.Attempts, string(r.Payload))
	}
	if !allSent(ov) {
		return fmt.Errorf("cards not all delivered within %s", wait)
	}
	return nil
}

func allSent(ov outboxView) bool {
	if len(ov.Outbox) == 0 {
		return false
	}
	for _, r := range ov.Outbox {
		switch {
		case r.Status == "sent", r.Status == "skipped": // skipped: a card state superseded or not postable
		case r.Status == "pending" && r.Attempts == 0 && r.NextAt.After(time.Now().Add(5*time.Second)):
			// scheduled later on purpose: a card update settling, an alert waiting for the address
		default:
			return false
		}
	}
	return true
}

// lastReply waits for the newest DingTalk session reply to staff created
// after since and returns its text.
func (a *adminClient) lastReply(ctx context.Context, staff string, since time.Time) (string, error) {
	var ov struct {
		Outbox []struct {
			Channel, Audience string
			Payload           json.RawMessage `json:"message"`
			CreatedAt         time.Time       `json:"created_at"`
		} `json:"outbox"`
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := a.get(ctx, "/api/v1/outbox?limit=20", &ov); err != nil {
			return "", err
		}
		for _, r := range ov.Outbox {
			if r.Channel == "dingtalk_session" && r.Audience == staff && !r.CreatedAt.Before(since.Add(-time.Second)) {
				var m struct{ Text string }
				_ = json.Unmarshal(r.Payload, &m)
				return m.Text, nil
			}
		}
	}
	return "", fmt.Errorf("no DingTalk reply queued for %s", staff)
}
