package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Issue 13 item 6: a client sending its body one byte at a time is cut off
// at the read timeout, and an idle keep-alive connection is closed at the
// idle timeout, instead of being held without end.
func TestSlowAndIdleConnectionsAreClosed(t *testing.T) {
	env := e2eEnv(t)
	env["TAPLINE_HTTP_READ_TIMEOUT"], env["TAPLINE_HTTP_IDLE_TIMEOUT"] = "700ms", "500ms"
	base := startServer(t, env)
	addr := strings.TrimPrefix(base, "http://")

	t.Run("slow body", func(t *testing.T) {
		conn := dial(t, addr)
		_, _ = io.WriteString(conn, "POST /webhooks/wechat?timestamp=1&nonce=1&signature=x HTTP/1.1\r\nHost: x\r\n"+
			"Content-Type: text/xml\r\nContent-Length: 1000\r\n\r\n")
		start := time.Now()
		for time.Since(start) < 4*time.Second {
			if _, err := conn.Write([]byte("<")); err != nil {
				return // cut off
			}
			if closed(conn, 150*time.Millisecond) {
				if time.Since(start) < 500*time.Millisecond {
					t.Fatalf("closed after %v, before the read timeout", time.Since(start))
				}
				return
			}
		}
		t.Fatal("a body sent one byte at a time held the connection for 4 s")
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		conn := dial(t, addr)
		_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		if !closed(conn, 3*time.Second) {
			t.Fatal("an idle keep-alive connection stayed open for 3 s")
		}
	})
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// closed reports whether the server closed conn within d (a read returns
// EOF or a reset, or a response the server sent as it gave up).
func closed(conn net.Conn, d time.Duration) bool {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 512)
	for {
		_, err := conn.Read(buf)
		switch {
		case err == nil:
			continue // e.g. a 408 or 400 written before closing
		case errors.Is(err, os.ErrDeadlineExceeded):
			return false
		default:
			return true
		}
	}
}
