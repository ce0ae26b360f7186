package dialog

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"tapline/bot"
)

// Several messages of one resident processed at once never lose an update:
// the version check makes the losers redo their whole step.
func TestConcurrentMessagesKeepTheDraftConsistent(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "水表不走了")
	const n = 1 + maxRetries // each loser is beaten by a different winner, so all finish
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := bot.Update{Kind: bot.KindImage, SenderID: "o1", MediaID: fmt.Sprintf("m%d", i)}
			if _, err := h.e.Handle(context.Background(), u); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	d := h.draft("o1")
	seen := map[string]bool{}
	for _, a := range d.Attachments {
		seen[a.MediaID] = true
	}
	if len(d.Attachments) != n || len(seen) != n || d.Category != "meter" || h.session("o1").State != StateName {
		t.Fatalf("after %d concurrent photos: %+v", n, d)
	}
}

// A double-tapped "确认" files one case.
func TestConcurrentConfirmFilesOnce(t *testing.T) {
	h := newHarness(t)
	h.say("o1", happyMessage)
	var wg sync.WaitGroup
	replies := make([]string, 3)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.e.Handle(context.Background(), bot.Update{Kind: bot.KindText, SenderID: "o1", Text: "确认"})
			if err == nil {
				replies[i] = r.Text
			}
		}()
	}
	wg.Wait()
	if h.filer.count() != 1 {
		t.Fatalf("filed %d cases", h.filer.count())
	}
	if !strings.Contains(strings.Join(replies, "|"), "TS20261127-0042") {
		t.Fatalf("no reply carries the number: %q", replies)
	}
}
