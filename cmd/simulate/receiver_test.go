package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tapline/bot/notify"
)

func TestReceiverVerifiesAndDedupes(t *testing.T) {
	var out bytes.Buffer
	h := eventHandler("whsec_x", &out)
	body := `{"id":"evt_1","type":"case.created","case":{"number":"TS20261127-0001","status":"assigned"}}`
	send := func(sig string) int {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set(notify.SignatureHeader, sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	good := notify.Sign("whsec_x", time.Now(), []byte(body))
	first, again := send(good), send(good)
	if first != 200 || again != 200 || send(notify.Sign("other", time.Now(), []byte(body))) != 401 ||
		send(notify.Sign("whsec_x", time.Now().Add(-time.Hour), []byte(body))) != 401 {
		t.Fatal(out.String())
	}
	if strings.Count(out.String(), "case.created") != 1 || !strings.Contains(out.String(), "again") {
		t.Fatalf("output:\n%s", out.String())
	}
}
