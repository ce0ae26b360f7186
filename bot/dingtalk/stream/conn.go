package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
)

// frame is a Stream data frame {specVersion, type, headers, data}.
type frame struct {
	SpecVersion string            `json:"specVersion"`
	Type        string            `json:"type"` // SYSTEM, EVENT or CALLBACK
	Headers     map[string]string `json:"headers"`
	Data        string            `json:"data"`
}

// ack answers a frame by its messageId.
type ack struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`
}

// maxFrame bounds one frame read from the socket.
const maxFrame = 1 << 20

// open calls POST /v1.0/gateway/connections/open with the credentials and
// the CALLBACK subscriptions and returns the WebSocket URL with the ticket.
func (c *Client) open(ctx context.Context) (string, error) {
	subs := make([]map[string]string, 0, len(c.cfg.Topics))
	for _, t := range c.cfg.Topics {
		subs = append(subs, map[string]string{"type": "CALLBACK", "topic": t})
	}
	body, _ := json.Marshal(map[string]any{"clientId": c.cfg.ClientID, "clientSecret": c.cfg.ClientSecret,
		"subscriptions": subs, "ua": "tapline/1"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.OpenAPIBase+"/v1.0/gateway/connections/open",
		bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is not secret, but keep messages short
		}
		return "", fmt.Errorf("connections/open: %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var ans struct {
		Endpoint string `json:"endpoint"`
		Ticket   string `json:"ticket"`
		Code     string `json:"code"`
	}
	if err := json.Unmarshal(data, &ans); err != nil || resp.StatusCode != http.StatusOK || ans.Endpoint == "" || ans.Ticket == "" {
		return "", fmt.Errorf("connections/open: http %d code %q", resp.StatusCode, ans.Code)
	}
	u, err := url.Parse(ans.Endpoint)
	if err != nil || (u.Scheme != "wss" && u.Scheme != "ws") {
		return "", fmt.Errorf("connections/open: endpoint is no WebSocket URL")
	}
	q := u.Query()
	q.Set("ticket", ans.Ticket)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// session opens one connection and reads frames until it fails, goes
// silent for Idle, the server sends disconnect or ctx ends.
func (c *Client) session(ctx context.Context) error {
	endpoint, err := c.open(ctx)
	if err != nil {
		return err
	}
	conn, resp, err := c.dialer.DialContext(ctx, endpoint, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	conn.SetReadLimit(maxFrame)
	c.connected.Store(true)
	c.markUp(ctx)
	defer func() { c.connected.Store(false); c.markDown() }()
	c.log.Info("dingtalk stream: connected")
	for {
		if err := conn.SetReadDeadline(time.Now().Add(c.cfg.Idle)); err != nil {
			return err
		}
		var f frame
		if err := conn.ReadJSON(&f); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if err := c.frame(ctx, conn, f); err != nil {
			return err
		}
	}
}

// frame handles one frame: ping is echoed, disconnect ends the session,
// a CALLBACK is handled and then ACKed. A frame the handler could not
// take is not ACKed: DingTalk delivers it again.
func (c *Client) frame(ctx context.Context, conn *websocket.Conn, f frame) error {
	id, topic := f.Headers["messageId"], f.Headers["topic"]
	switch {
	case f.Type == "SYSTEM" && topic == "disconnect":
		return errDisconnect
	case f.Type == "SYSTEM" && topic == "ping":
		return c.ack(conn, id, f.Data)
	case f.Type == "SYSTEM" || id == "":
		return nil
	}
	// The handling finishes even if the lease is lost meanwhile: the ACK
	// may then fail, the frame comes again and is recognised as handled.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.HandleLimit)
	defer cancel()
	data, err := c.handle(hctx, topic, []byte(f.Data))
	if err != nil {
		c.log.Warn("dingtalk stream: frame not taken; left for redelivery", "topic", topic, "err", err)
		return nil
	}
	if err := c.ack(conn, id, string(data)); err != nil {
		return err
	}
	c.handled.Add(1)
	return nil
}

// ack writes the answer to frame id.
func (c *Client) ack(conn *websocket.Conn, id, data string) error {
	if data == "" {
		data = "{}"
	}
	a := ack{Code: http.StatusOK, Message: "OK", Data: data,
		Headers: map[string]string{"messageId": id, "contentType": "application/json"}}
	if err := conn.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	if err := conn.WriteJSON(a); err != nil {
		return fmt.Errorf("ack: %w", err)
	}
	return nil
}
