package remind

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot/redisstore/redistest"
	"tapline/models"
)

// TestReconcileAfterRedisFlush: a deadline's task is lost with Redis's
// data; the reconciler re-arms it, and a step already fired is not armed
// again.
func TestReconcileAfterRedisFlush(t *testing.T) {
	e := newEnv(t)
	rdb, prefix := redistest.New(t)
	queue := "test-remind-" + prefix[:len(prefix)-1]
	client := asynq.NewClientFromRedisClient(rdb)
	insp := asynq.NewInspectorFromRedisClient(rdb)
	flush := func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, "asynq:{"+queue+"}:*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	}
	t.Cleanup(func() { _ = insp.DeleteQueue(queue, true); flush() })
	e.svc.arm = NewAsynqArmer(client, queue, e.clock)

	c := e.file("billing", "文三路1号", false, "13800000002")
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	e.svc.ArmAll(context.Background(), []models.Deadline{*dls[0]})
	if n := tasks(t, insp, queue); n != 1 {
		t.Fatalf("%d tasks after arming, want 1", n)
	}
	flush() // Redis restarted empty
	if n := tasks(t, insp, queue); n != 0 {
		t.Fatalf("%d tasks after the flush", n)
	}
	e.clock.Set(dls[0].NextAt.Add(time.Minute)) // the first reminder is due
	rec := NewReconciler(e.svc, 15*time.Second)
	if n, err := rec.Once(context.Background()); err != nil || n != 1 {
		t.Fatalf("reconcile: %d %v", n, err)
	}
	if n := tasks(t, insp, queue); n != 1 {
		t.Fatalf("%d tasks after reconcile, want 1", n)
	}
	// Run the re-armed task's handler: the step fires once; the next step
	// (not due for a while) is armed, not fired.
	pending, _ := insp.ListPendingTasks(queue)
	scheduled, _ := insp.ListScheduledTasks(queue) // armed for the next whole second
	pending = append(pending, scheduled...)
	if len(pending) != 1 {
		t.Fatalf("pending %d", len(pending))
	}
	if err := e.svc.HandleFire(context.Background(), asynq.NewTask(TypeFire, pending[0].Payload)); err != nil {
		t.Fatal(err)
	}
	after, _ := e.db.FindDeadline(context.Background(), dls[0].ID)
	if after.Step != 1 {
		t.Fatalf("step %d after firing", after.Step)
	}
	if err := e.svc.HandleFire(context.Background(), asynq.NewTask(TypeFire, pending[0].Payload)); err != nil {
		t.Fatal(err) // a duplicate of the fired step is a no-op
	}
	if again, _ := e.db.FindDeadline(context.Background(), dls[0].ID); again.Step != 1 {
		t.Fatalf("duplicate task fired again: step %d", again.Step)
	}
	if d := e.digests("business"); len(d) != 1 {
		t.Fatalf("digests %q", d)
	}
}

func tasks(t *testing.T, insp *asynq.Inspector, queue string) int {
	t.Helper()
	info, err := insp.GetQueueInfo(queue)
	if err != nil {
		return 0 // the queue is gone with the flush
	}
	return info.Pending + info.Scheduled
}

// TestHandleFireBadPayload refuses junk without retry.
func TestHandleFireBadPayload(t *testing.T) {
	e := newEnv(t)
	err := e.svc.HandleFire(context.Background(), asynq.NewTask(TypeFire, []byte("{")))
	if err == nil {
		t.Fatal("junk payload accepted")
	}
	if err := e.svc.HandleFire(context.Background(), asynq.NewTask(TypeFire, []byte(`{"id":999999,"step":0}`))); err != nil {
		t.Fatal(fmt.Errorf("a vanished deadline must be dropped quietly: %w", err))
	}
}
