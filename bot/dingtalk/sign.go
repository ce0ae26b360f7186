// Package dingtalk talks to DingTalk (钉钉). This package part is the custom
// group robot webhook with signing (PLATFORMS.md §3.1): push-only messages
// into a department group, with every errcode checked.
package dingtalk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// Sign returns the DingTalk signature of a millisecond timestamp:
// base64(HmacSHA256(key=secret, msg=timestamp+"\n"+secret)), not yet
// URL-encoded. The custom robot (加签) and the enterprise robot callback
// headers use the same formula.
func Sign(tsMillis int64, secret string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(strconv.FormatInt(tsMillis, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// targetSep separates the access token from the signing secret in a robot
// target. Neither contains it: tokens are hex, secrets "SEC" + hex.
const targetSep = "|"

// Target encodes a robot's access token and signing secret as one outbox
// target: "token|secret", or just "token" when the robot does not sign.
// The whole string is a credential: store it like one, never log it.
func Target(token, secret string) string {
	if secret == "" {
		return token
	}
	return token + targetSep + secret
}

// parseTarget splits a target made by Target.
func parseTarget(target string) (token, secret string) {
	token, secret, _ = strings.Cut(target, targetSep)
	return token, secret
}
