package metrics

import (
	"context"
	"net"

	"github.com/prometheus/client_golang/prometheus"
)

// Dialer opens a connection to a backend (MySQL, Redis).
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// CountRoundTrips returns dial with every write on its connections counted
// as tapline_backend_round_trips_total{backend}: the drivers send each
// command — or each Redis pipeline — in one write and wait for its answer,
// so the count is the round trips the process makes (issue 18: count work,
// not wall time). A nil *Metrics returns dial as it is.
func (m *Metrics) CountRoundTrips(backend string, dial Dialer) Dialer {
	if m == nil {
		return dial
	}
	c := m.RoundTrips.WithLabelValues(backend)
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countedConn{Conn: conn, writes: c}, nil
	}
}

// countedConn counts the writes of a connection.
type countedConn struct {
	net.Conn
	writes prometheus.Counter
}

func (c *countedConn) Write(p []byte) (int, error) {
	c.writes.Inc()
	return c.Conn.Write(p)
}
