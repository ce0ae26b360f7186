package dingtalk

import "net/url"

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
