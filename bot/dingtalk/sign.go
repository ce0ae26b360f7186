// Package dingtalk talks to DingTalk (钉钉). This package part is the custom
// group robot webhook with signing (PLATFORMS.md §3.1): push-only messages
// into a department group, with every errcode checked.
package dingtalk

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
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

// Crypto is DingTalk's callback encryption (钉钉回调加解密, the scheme of
// open-dingtalk/DingTalk-Callback-Crypto): the body is {"encrypt": …},
// the query carries signature (or msg_signature) =
// sha1(sort(token, timestamp, nonce, encrypt)), and encrypt is
// base64(AES-256-CBC(random16 | len32BE | message | ownerKey)) with
// key = base64(aesKey+"="), IV = key[:16] and PKCS#7 padding to 32 bytes.
// The owner key is the app's AppKey (corpId or suiteKey for other
// callback kinds).
type Crypto struct {
	token string
	key   []byte
	owner string
	rand  io.Reader
}

// NewCrypto returns the callback crypto of an app. It fails unless token
// and ownerKey are set and aesKey is the 43-character key DingTalk shows.
func NewCrypto(token, aesKey, ownerKey string) (*Crypto, error) {
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	switch {
	case token == "" || ownerKey == "":
		return nil, errors.New("dingtalk: crypto: token and owner key are required")
	case len(aesKey) != 43 || err != nil || len(key) != 32:
		return nil, errors.New("dingtalk: crypto: aes_key must be the 43-character key DingTalk shows")
	}
	return &Crypto{token: token, key: key, owner: ownerKey, rand: rand.Reader}, nil
}

// signature is sha1(sort(parts)) in hex.
func signature(parts ...string) string {
	p := slices.Clone(parts)
	slices.Sort(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

// open checks the envelope's signature in constant time and decrypts it.
// ts and nonce come from the query; errors wrap ErrMissingSignature,
// ErrBadSignature, ErrMalformed or ErrBadEncryption.
func (c *Crypto) open(sig, ts, nonce string, body []byte) ([]byte, error) {
	var env struct {
		Encrypt string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return nil, fmt.Errorf("encrypted callback without encrypt: %w", ErrMalformed)
	}
	if sig == "" || ts == "" || nonce == "" {
		return nil, fmt.Errorf("encrypted callback: %w", ErrMissingSignature)
	}
	if subtle.ConstantTimeCompare([]byte(sig), []byte(signature(c.token, ts, nonce, env.Encrypt))) != 1 {
		return nil, fmt.Errorf("encrypted callback: %w", ErrBadSignature)
	}
	return c.decrypt(env.Encrypt)
}

// decrypt undoes encrypt, checking the padding, the length and the owner key.
func (c *Crypto) decrypt(b64 string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("ciphertext: %w", ErrBadEncryption)
	}
	block, _ := aes.NewCipher(c.key) // 32 bytes: checked in NewCrypto
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, c.key[:16]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > 32 || pad > len(pt) || !bytes.Equal(pt[len(pt)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, fmt.Errorf("padding: %w", ErrBadEncryption)
	}
	pt = pt[:len(pt)-pad]
	if len(pt) < 20 {
		return nil, fmt.Errorf("short plaintext: %w", ErrBadEncryption)
	}
	n := binary.BigEndian.Uint32(pt[16:20])
	if uint64(n) > uint64(len(pt)-20) {
		return nil, fmt.Errorf("length prefix: %w", ErrBadEncryption)
	}
	msg, owner := pt[20:20+n], pt[20+n:]
	if subtle.ConstantTimeCompare(owner, []byte(c.owner)) != 1 {
		return nil, fmt.Errorf("owner key: %w", ErrBadEncryption)
	}
	return msg, nil
}

// encrypt frames, pads and encrypts msg with a random prefix.
func (c *Crypto) encrypt(msg []byte) (string, error) {
	var buf bytes.Buffer
	random := make([]byte, 16)
	if _, err := io.ReadFull(c.rand, random); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	buf.Write(random)
	buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(msg))))
	buf.Write(msg)
	buf.WriteString(c.owner)
	pad := 32 - buf.Len()%32
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, _ := aes.NewCipher(c.key)
	ct := buf.Bytes()
	cipher.NewCBCEncrypter(block, c.key[:16]).CryptBlocks(ct, ct)
	return base64.StdEncoding.EncodeToString(ct), nil
}

// Seal returns the encrypted answer {"msg_signature","timeStamp","nonce",
// "encrypt"} carrying msg (DingTalk expects "success"), with a random nonce.
func (c *Crypto) Seal(msg []byte, tsMillis int64) ([]byte, error) {
	enc, err := c.encrypt(msg)
	if err != nil {
		return nil, fmt.Errorf("dingtalk: seal: %w", err)
	}
	n := make([]byte, 4)
	if _, err := io.ReadFull(c.rand, n); err != nil {
		return nil, fmt.Errorf("dingtalk: seal: nonce: %w", err)
	}
	nonce := hex.EncodeToString(n)
	ts := strconv.FormatInt(tsMillis, 10)
	return json.Marshal(map[string]string{"msg_signature": signature(c.token, ts, nonce, enc),
		"timeStamp": ts, "nonce": nonce, "encrypt": enc})
}
