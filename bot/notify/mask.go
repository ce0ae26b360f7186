package notify

import (
	"crypto/sha256"
	"encoding/hex"
)

// MaskTarget keeps the first four characters of a target (robot key,
// token, OpenID) for logs.
func MaskTarget(target string) string {
	r := []rune(target)
	if len(r) <= 4 {
		return "****"
	}
	return string(r[:4]) + "****"
}

// LimitKey is the rate-limit key of a (channel, target) pair. The target is
// hashed so no credential ends up in a Redis key.
func LimitKey(channel, target string) string {
	sum := sha256.Sum256([]byte(target))
	return channel + ":" + hex.EncodeToString(sum[:12])
}
