package redisstore

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"tapline/bot/dialog"
	"tapline/bot/redisstore/redistest"
	"tapline/models"
)

func testSession(id string) *dialog.Session {
	return &dialog.Session{ResidentID: id, State: dialog.StatePhone,
		Draft: dialog.Draft{Key: id + ":k1", ResidentID: id, Category: "water_quality", Name: "张三",
			Details: "<b>水黄</b>'; DROP TABLE x;--", Attachments: []models.Attachment{{Kind: "image", MediaID: "m1"}}},
		Fails: map[dialog.State]int{dialog.StatePhone: 1}, Known: &dialog.Contact{Phone: "13812345678"},
		UpdatedAt: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
}

func TestDialogStoreRoundTrip(t *testing.T) {
	rdb, prefix := redistest.New(t)
	st := NewDialogStore(rdb, prefix)
	ctx := context.Background()
	t.Cleanup(func() { rdb.Del(ctx, prefix+"dialog:o1") })
	if s, err := st.Load(ctx, "o1"); s != nil || err != nil {
		t.Fatalf("empty load = %v, %v", s, err)
	}
	s := testSession("o1")
	if err := st.Save(ctx, s, time.Hour); err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 {
		t.Fatalf("version after first save %d", s.Version)
	}
	got, err := st.Load(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Fatalf("round trip\n got %+v\nwant %+v", got, s)
	}
	if n, _ := rdb.Exists(ctx, prefix+"dialog:o1").Result(); n != 1 {
		t.Fatal("key is not <prefix>dialog:<residentID>")
	}
	if err := st.Delete(ctx, "o1"); err != nil {
		t.Fatal(err)
	}
	if s, _ := st.Load(ctx, "o1"); s != nil {
		t.Fatal("session survived Delete")
	}
	if err := st.Delete(ctx, "o1"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestDialogStoreConflict(t *testing.T) {
	rdb, prefix := redistest.New(t)
	st := NewDialogStore(rdb, prefix)
	ctx := context.Background()
	t.Cleanup(func() { rdb.Del(ctx, prefix+"dialog:o1") })
	a := testSession("o1")
	if err := st.Save(ctx, a, time.Hour); err != nil {
		t.Fatal(err)
	}
	b, _ := st.Load(ctx, "o1")
	c, _ := st.Load(ctx, "o1")
	b.Draft.Name = "李四"
	if err := st.Save(ctx, b, time.Hour); err != nil {
		t.Fatal(err)
	}
	c.Draft.Name = "王五"
	if err := st.Save(ctx, c, time.Hour); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("stale save: %v, want ECONFLICT", err)
	}
	fresh := testSession("o1") // a new session over an existing one is stale too
	if err := st.Save(ctx, fresh, time.Hour); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("version-0 save over a stored session: %v", err)
	}
	got, _ := st.Load(ctx, "o1")
	if got.Draft.Name != "李四" || got.Version != 2 {
		t.Fatalf("stored %q v%d", got.Draft.Name, got.Version)
	}
}

func TestDialogStoreTTL(t *testing.T) {
	rdb, prefix := redistest.New(t)
	st := NewDialogStore(rdb, prefix)
	ctx := context.Background()
	t.Cleanup(func() { rdb.Del(ctx, prefix+"dialog:o1") })
	s := testSession("o1")
	if err := st.Save(ctx, s, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if d := rdb.PTTL(ctx, prefix+"dialog:o1").Val(); d <= 0 || d > 90*time.Second {
		t.Fatalf("PTTL %v after saving with 90s", d)
	}
	if err := st.Save(ctx, s, 48*time.Hour); err != nil {
		t.Fatal(err)
	}
	if d := rdb.PTTL(ctx, prefix+"dialog:o1").Val(); d <= 47*time.Hour {
		t.Fatalf("PTTL %v: each save must set the TTL", d)
	}
	if err := st.Save(ctx, s, 0); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("zero TTL: %v", err)
	}
}

// Concurrent read-modify-write with retries loses no update.
func TestDialogStoreConcurrentSaves(t *testing.T) {
	rdb, prefix := redistest.New(t)
	st := NewDialogStore(rdb, prefix)
	ctx := context.Background()
	t.Cleanup(func() { rdb.Del(ctx, prefix+"dialog:o1") })
	if err := st.Save(ctx, testSession("o1"), time.Hour); err != nil {
		t.Fatal(err)
	}
	const n = 12
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				s, err := st.Load(ctx, "o1")
				if err != nil {
					t.Error(err)
					return
				}
				s.Draft.Attachments = append(s.Draft.Attachments, models.Attachment{Kind: "image", MediaID: fmt.Sprint(i)})
				err = st.Save(ctx, s, time.Hour)
				if err == nil {
					return
				}
				if models.ErrorCode(err) != models.ECONFLICT {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s, _ := st.Load(ctx, "o1")
	if len(s.Draft.Attachments) != n+1 || s.Version != n+1 {
		t.Fatalf("%d attachments, version %d; want %d, %d", len(s.Draft.Attachments), s.Version, n+1, n+1)
	}
}
