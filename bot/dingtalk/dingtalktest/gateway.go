// Package dingtalktest is a fake DingTalk for tests that behaves like the
// platform where our code depends on it: the access token endpoint, the
// card platform (createAndDeliver refuses a taken outTrackId, an update of
// an unknown card fails, updates merge by key) and the Stream gateway
// (connections/open, a WebSocket that sends frames, expects an ACK per
// messageId, redelivers what was not ACKed, sends disconnect and can drop
// silently). It imports nothing of Tapline.
package dingtalktest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Card is a card instance as the fake holds it.
type Card struct {
	OutTrackID   string
	TemplateID   string
	OpenSpaceID  string
	RobotCode    string
	CallbackType string
	RouteKey     string
	Params       map[string]string
	Updates      int
}

// Gateway is the fake. Its zero value is not usable; call New.
type Gateway struct {
	Server *httptest.Server
	// ClientID and ClientSecret are the credentials it accepts.
	ClientID, ClientSecret string

	mu        sync.Mutex
	tokens    int
	cards     map[string]*Card
	order     []string
	callbacks map[string]string // route key → URL
	fail      map[string]int    // path → how many next calls answer 500
	stream    *stream
}

// New starts a fake accepting clientID/clientSecret, closed with t.
func New(t testing.TB, clientID, clientSecret string) *Gateway {
	g := &Gateway{ClientID: clientID, ClientSecret: clientSecret, cards: map[string]*Card{},
		callbacks: map[string]string{}, fail: map[string]int{}}
	g.stream = newStream(g)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1.0/oauth2/accessToken", g.token)
	mux.HandleFunc("POST /v1.0/card/instances/createAndDeliver", g.authed(g.create))
	mux.HandleFunc("PUT /v1.0/card/instances", g.authed(g.update))
	mux.HandleFunc("POST /v1.0/card/callbacks/register", g.authed(g.register))
	mux.HandleFunc("POST /v1.0/gateway/connections/open", g.stream.open)
	mux.HandleFunc("GET /connect", g.stream.connect)
	g.Server = httptest.NewServer(mux)
	t.Cleanup(g.Close)
	return g
}

// URL is the fake's base URL (dingtalk.openapi_base).
func (g *Gateway) URL() string { return g.Server.URL }

// Close stops the fake and its sockets.
func (g *Gateway) Close() {
	g.stream.closeAll()
	g.Server.Close()
}

// FailNext makes the next n calls of path answer 500.
func (g *Gateway) FailNext(path string, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.fail[path] = n
}

// Card returns a copy of the card outTrackID, false if none.
func (g *Gateway) Card(outTrackID string) (Card, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.cards[outTrackID]
	if !ok {
		return Card{}, false
	}
	cp := *c
	cp.Params = maps.Clone(c.Params)
	return cp, true
}

// Cards returns copies of every card in creation order.
func (g *Gateway) Cards() []Card {
	g.mu.Lock()
	ids := append([]string(nil), g.order...)
	g.mu.Unlock()
	out := make([]Card, 0, len(ids))
	for _, id := range ids {
		c, _ := g.Card(id)
		out = append(out, c)
	}
	return out
}

// Callback returns the URL registered under routeKey.
func (g *Gateway) Callback(routeKey string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.callbacks[routeKey]
}

// TokensIssued counts access tokens handed out.
func (g *Gateway) TokensIssued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.tokens
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError answers as DingTalk's gateway does: {code, message, requestid}.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"code": code, "message": msg, "requestid": "FAKE-REQ"})
}

func readJSON(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func (g *Gateway) token(w http.ResponseWriter, r *http.Request) {
	var req struct{ AppKey, AppSecret string }
	if readJSON(r, &req) != nil || req.AppKey != g.ClientID || req.AppSecret != g.ClientSecret {
		apiError(w, http.StatusBadRequest, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
		return
	}
	g.mu.Lock()
	g.tokens++
	n := g.tokens
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"accessToken": fmt.Sprintf("fake-token-%d", n), "expireIn": 7200})
}

// authed checks the token header and the injected failures.
func (g *Gateway) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("x-acs-dingtalk-access-token"), "fake-token-") {
			apiError(w, http.StatusUnauthorized, "InvalidAuthentication", "不合法的access_token")
			return
		}
		g.mu.Lock()
		failing := g.fail[r.URL.Path] > 0
		if failing {
			g.fail[r.URL.Path]--
		}
		g.mu.Unlock()
		if failing {
			apiError(w, http.StatusInternalServerError, "ServiceUnavailable", "injected failure")
			return
		}
		next(w, r)
	}
}
