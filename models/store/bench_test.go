package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"tapline/models/store/storetest"
)

func BenchmarkCreateCase(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	var seq atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			nc := newCase(fmt.Sprintf("bench-%d", seq.Add(1)), 2)
			if _, _, err := db.CreateCase(ctx, nc); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
