package metrics

import (
	"context"
	"net"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// value reads a counter.
func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// TestCountRoundTrips: every write on a dialled connection is counted under
// its backend; reads are not.
func TestCountRoundTrips(t *testing.T) {
	m := New()
	server, client := net.Pipe()
	dial := m.CountRoundTrips("redis", func(context.Context, string, string) (net.Conn, error) { return client, nil })
	conn, err := dial(context.Background(), "tcp", "x")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 64)
		for range 3 {
			n, _ := server.Read(buf)
			_, _ = server.Write(buf[:n])
		}
	}()
	buf := make([]byte, 64)
	for range 3 {
		if _, err := conn.Write([]byte("PING\r\n")); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	if got := value(t, m.RoundTrips.WithLabelValues("redis")); got != 3 {
		t.Fatalf("round trips = %v, want 3", got)
	}
	if got := value(t, m.RoundTrips.WithLabelValues("mysql")); got != 0 {
		t.Fatalf("mysql = %v", got)
	}
	var nilM *Metrics
	if nilM.CountRoundTrips("mysql", dial) == nil {
		t.Fatal("a nil Metrics must return the dialer")
	}
}
