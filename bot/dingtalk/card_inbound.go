package dingtalk

import (
	"fmt"
	"net/url"
)

// WithCardCallbackToken sets the token the HTTP card callback URL carries
// (dingtalk.card_callback_token); without one OpenCardClick refuses all.
func WithCardCallbackToken(token string) VerifierOption {
	return func(v *Verifier) { v.cardToken = token }
}

// OpenCardClick checks the token of an HTTP card callback (query token,
// constant time) and decodes the click. A wrong or missing token is
// ErrCallbackToken, a body that is no card click wraps ErrMalformed.
func (v *Verifier) OpenCardClick(q url.Values, body []byte) (*CardClick, error) {
	if err := CheckCallbackToken(q, v.cardToken); err != nil {
		return nil, err
	}
	return DecodeCardClick(body)
}

// OpenStream decodes a robot message that came as a Stream frame
// (/v1.0/im/bot/messages/get): the same JSON as the HTTP callback body,
// authenticated by the connection the app opened with its credentials, so
// there is no sign header to check.
func (v *Verifier) OpenStream(data []byte) (*Inbound, error) {
	in, err := decode(data, v.clock)
	if err != nil {
		return nil, fmt.Errorf("dingtalk stream: %w", err)
	}
	return in, nil
}
