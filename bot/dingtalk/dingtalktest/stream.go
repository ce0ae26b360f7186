package dingtalktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Frame is a Stream data frame as DingTalk sends it.
type Frame struct {
	SpecVersion string            `json:"specVersion"`
	Type        string            `json:"type"`
	Headers     map[string]string `json:"headers"`
	Data        string            `json:"data"`
}

// Ack is a client's answer to a frame.
type Ack struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`
}

// stream is the fake Stream gateway: one live socket at a time (the
// newest); every frame not ACKed is sent again on each new connection,
// as DingTalk redelivers what was not acknowledged.
type stream struct {
	g        *Gateway
	mu       sync.Mutex
	upgrader websocket.Upgrader
	tickets  map[string]bool
	opens    int
	subs     [][]string
	conn     *websocket.Conn
	conns    int
	seq      int
	pending  []Frame          // not ACKed yet, in order
	acks     map[string][]Ack // messageId → ACKs received
	silent   bool
}

func newStream(g *Gateway) *stream {
	return &stream{g: g, tickets: map[string]bool{}, acks: map[string][]Ack{}}
}

// open is POST /v1.0/gateway/connections/open {clientId, clientSecret,
// subscriptions, ua} → {endpoint, ticket}.
func (s *stream) open(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ClientID      string `json:"clientId"`
		ClientSecret  string `json:"clientSecret"`
		Subscriptions []struct {
			Type  string `json:"type"`
			Topic string `json:"topic"`
		} `json:"subscriptions"`
	}
	if readJSON(r, &req) != nil || req.ClientID != s.g.ClientID || req.ClientSecret != s.g.ClientSecret {
		apiError(w, http.StatusBadRequest, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
		return
	}
	var topics []string
	for _, sub := range req.Subscriptions {
		topics = append(topics, sub.Type+" "+sub.Topic)
	}
	s.mu.Lock()
	s.opens++
	ticket := "ticket-" + strconv.Itoa(s.opens)
	s.tickets[ticket] = true
	s.subs = append(s.subs, topics)
	s.mu.Unlock()
	endpoint := "ws" + strings.TrimPrefix(s.g.Server.URL, "http") + "/connect"
	writeJSON(w, http.StatusOK, map[string]string{"endpoint": endpoint, "ticket": ticket})
}

// connect is the WebSocket endpoint?ticket=…: each ticket works once.
func (s *stream) connect(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !ok {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	c, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.conn != nil {
		_ = s.conn.Close()
	}
	s.conn, s.silent = c, false
	s.conns++
	pending := append([]Frame(nil), s.pending...)
	s.mu.Unlock()
	for _, f := range pending {
		s.write(c, f)
	}
	go s.read(c)
}

// read records the ACKs of one socket.
func (s *stream) read(c *websocket.Conn) {
	for {
		var a Ack
		if err := c.ReadJSON(&a); err != nil {
			return
		}
		id := a.Headers["messageId"]
		s.mu.Lock()
		if s.conn == c && !s.silent { // a replaced or disconnected socket's ACKs are lost
			s.acks[id] = append(s.acks[id], a)
			s.dropPending(id)
		}
		s.mu.Unlock()
	}
}

func (s *stream) dropPending(id string) {
	for i, f := range s.pending {
		if f.Headers["messageId"] == id {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			return
		}
	}
}

func (s *stream) write(c *websocket.Conn, f Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == c && !s.silent {
		_ = c.WriteJSON(f)
	}
}

func (s *stream) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

// Push sends a CALLBACK frame of topic with data to the live socket (or
// keeps it for the next connection) and returns its messageId.
func (g *Gateway) Push(topic string, data []byte) string {
	s := g.stream
	s.mu.Lock()
	s.seq++
	f := Frame{SpecVersion: "1.0", Type: "CALLBACK", Data: string(data), Headers: map[string]string{
		"messageId": fmt.Sprintf("fake-msg-%d", s.seq), "topic": topic, "contentType": "application/json",
		"time": strconv.FormatInt(time.Now().UnixMilli(), 10)}}
	s.pending = append(s.pending, f)
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		s.write(c, f)
	}
	return f.Headers["messageId"]
}

// Ping sends a SYSTEM ping frame; the client must echo its data.
func (g *Gateway) Ping() string { return g.system("ping", `{"opaque":"fake-opaque"}`) }

// Disconnect sends the SYSTEM disconnect frame: from then on the fake
// delivers nothing more on that socket (as DingTalk), and closes it after
// grace.
func (g *Gateway) Disconnect(grace time.Duration) {
	s := g.stream
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c == nil {
		return
	}
	g.system("disconnect", `{"reason":"fake server restart"}`)
	s.mu.Lock()
	s.silent = true
	s.mu.Unlock()
	time.AfterFunc(grace, func() { _ = c.Close() })
}

func (g *Gateway) system(topic, data string) string {
	s := g.stream
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("fake-sys-%d", s.seq)
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		s.write(c, Frame{SpecVersion: "1.0", Type: "SYSTEM", Data: data,
			Headers: map[string]string{"messageId": id, "topic": topic, "contentType": "application/json"}})
	}
	return id
}

// GoSilent keeps the live socket open but sends nothing and takes no ACK
// on it: the silent socket of the field reports.
func (g *Gateway) GoSilent() {
	s := g.stream
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = true
}

// KillMidFrame writes the start of a frame whose header promises more
// bytes than follow and closes the TCP connection under the socket.
func (g *Gateway) KillMidFrame() {
	s := g.stream
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return
	}
	nc := s.conn.NetConn()
	_, _ = nc.Write([]byte{0x81, 0x7e, 0x01, 0x00, '{', '"', 's', 'p'}) // text, 256 bytes promised, 4 sent
	_ = nc.Close()
	s.conn = nil
}

// Acks returns the ACKs received for messageID.
func (g *Gateway) Acks(messageID string) []Ack {
	g.stream.mu.Lock()
	defer g.stream.mu.Unlock()
	return append([]Ack(nil), g.stream.acks[messageID]...)
}

// Pending counts frames not ACKed yet.
func (g *Gateway) Pending() int {
	g.stream.mu.Lock()
	defer g.stream.mu.Unlock()
	return len(g.stream.pending)
}

// Connections counts sockets accepted so far; Opens calls of connections/open.
func (g *Gateway) Connections() int {
	g.stream.mu.Lock()
	defer g.stream.mu.Unlock()
	return g.stream.conns
}

// Subscriptions returns the "TYPE topic" list of the last connections/open.
func (g *Gateway) Subscriptions() []string {
	g.stream.mu.Lock()
	defer g.stream.mu.Unlock()
	if len(g.stream.subs) == 0 {
		return nil
	}
	return g.stream.subs[len(g.stream.subs)-1]
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }
