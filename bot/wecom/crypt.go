package wecom

// This file is WeCom's callback cryptography (加解密方案, documents 90968
// and, for the smart bot, 101033), shared by AppVerifier and BotVerifier:
//
//	msg_signature = sha1(sort(token, timestamp, nonce, encrypt))
//	AESKey        = base64(EncodingAESKey + "="), 32 bytes; IV = AESKey[:16]
//	encrypt       = base64(AES-256-CBC(PKCS#7 with block 32 (
//	                  random(16) | len(msg) as 4 bytes big-endian | msg | receiveid)))
//
// receiveid is the CorpID for self-built apps and "" for internal smart bots.
// It is written here rather than taken from silenceper because silenceper's
// util.DecryptMsg rejects an empty receiveid (PLATFORMS.md §1.9).

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"tapline/bot"
)

// Sentinel errors returned by AppVerifier and BotVerifier; compare with
// errors.Is.
var (
	// ErrMissingSignature means msg_signature is absent.
	ErrMissingSignature = errors.New("wecom: missing msg_signature")
	// ErrBadSignature means msg_signature does not match.
	ErrBadSignature = errors.New("wecom: bad msg_signature")
	// ErrExpiredTimestamp means the timestamp is unparsable or outside ±Window.
	ErrExpiredTimestamp = errors.New("wecom: timestamp outside window")
	// ErrBadEncryption means the ciphertext is not valid base64, not whole
	// AES blocks, has wrong padding or length prefix, or carries another
	// receive id (CorpID).
	ErrBadEncryption = errors.New("wecom: bad encryption")
	// ErrMalformed means the request or the decrypted message is not a
	// well-formed WeCom callback.
	ErrMalformed = errors.New("wecom: malformed callback")
)

// DefaultWindow is the accepted clock skew of a callback timestamp.
const DefaultWindow = 5 * time.Minute

// MaxBodySize is the largest callback body Open accepts; the handler limits
// bodies to the same size.
const MaxBodySize = 1 << 20

const (
	pkcs7Block = 32 // WeCom pads to 32 bytes, not to the AES block size
	randomLen  = 16
)

// aesKey decodes the 43-character EncodingAESKey into the 32-byte AES key.
func aesKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("EncodingAESKey must be 43 characters, got %d", len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("EncodingAESKey is not valid base64 of 32 bytes")
	}
	return key, nil
}

// decrypt opens a base64 ciphertext and returns the message and the
// receive id that followed it. Every failure wraps ErrBadEncryption.
func decrypt(key []byte, b64 string) (msg []byte, receiveID string, err error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, "", fmt.Errorf("base64: %w", ErrBadEncryption)
	}
	if len(raw) == 0 || len(raw)%aes.BlockSize != 0 {
		return nil, "", fmt.Errorf("ciphertext of %d bytes: %w", len(raw), ErrBadEncryption)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, "", fmt.Errorf("cipher: %w", ErrBadEncryption)
	}
	plain := make([]byte, len(raw))
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(plain, raw)
	plain, err = unpad(plain)
	if err != nil {
		return nil, "", err
	}
	if len(plain) < randomLen+4 {
		return nil, "", fmt.Errorf("plaintext of %d bytes: %w", len(plain), ErrBadEncryption)
	}
	n := binary.BigEndian.Uint32(plain[randomLen : randomLen+4])
	rest := plain[randomLen+4:]
	if uint64(n) > uint64(len(rest)) {
		return nil, "", fmt.Errorf("length prefix %d > %d: %w", n, len(rest), ErrBadEncryption)
	}
	return rest[:n], string(rest[n:]), nil
}

// unpad strips PKCS#7 padding of block size 32, checking every pad byte.
func unpad(b []byte) ([]byte, error) {
	n := int(b[len(b)-1])
	if n < 1 || n > pkcs7Block || n > len(b) {
		return nil, fmt.Errorf("padding %d: %w", n, ErrBadEncryption)
	}
	if !bytes.Equal(b[len(b)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, fmt.Errorf("padding bytes: %w", ErrBadEncryption)
	}
	return b[:len(b)-n], nil
}

// encrypt seals msg for receiveID with the given 16 random bytes and
// returns the base64 ciphertext.
func encrypt(key, random, msg []byte, receiveID string) string {
	var buf bytes.Buffer
	buf.Write(random[:randomLen])
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(msg)))
	buf.Write(msg)
	buf.WriteString(receiveID)
	pad := pkcs7Block - buf.Len()%pkcs7Block
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, _ := aes.NewCipher(key) // key length checked by aesKey
	out := make([]byte, buf.Len())
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(out, buf.Bytes())
	return base64.StdEncoding.EncodeToString(out)
}

// signature is sha1(sort(parts...)) in lower-case hex.
func signature(parts ...string) string {
	s := append([]string(nil), parts...)
	sort.Strings(s)
	sum := sha1.Sum([]byte(strings.Join(s, "")))
	return hex.EncodeToString(sum[:])
}

// guard holds what both verifiers need to check a request.
type guard struct {
	token  string
	key    []byte
	window time.Duration
	clock  bot.Clock
	rand   io.Reader // random prefix and nonces of replies
}

// newGuard validates the shared settings.
func newGuard(token, encodingAESKey string, window time.Duration, clock bot.Clock) (guard, error) {
	if token == "" {
		return guard{}, errors.New("token is required")
	}
	key, err := aesKey(encodingAESKey)
	if err != nil {
		return guard{}, err
	}
	if window <= 0 {
		window = DefaultWindow
	}
	if clock == nil {
		clock = bot.SystemClock{}
	}
	return guard{token: token, key: key, window: window, clock: clock, rand: rand.Reader}, nil
}

// check verifies msg_signature over enc in constant time, then the
// timestamp window. The signature comes first so that an attacker learns
// nothing about the clock from unsigned requests.
func (g guard) check(msgSignature, timestamp, nonce, enc string) error {
	if msgSignature == "" {
		return ErrMissingSignature
	}
	want := signature(g.token, timestamp, nonce, enc)
	if subtle.ConstantTimeCompare([]byte(msgSignature), []byte(want)) != 1 {
		return ErrBadSignature
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", timestamp, ErrExpiredTimestamp)
	}
	now := g.clock.Now().Unix()
	w := int64(g.window / time.Second)
	if sec < now-w || sec > now+w {
		return fmt.Errorf("timestamp %d, now %d: %w", sec, now, ErrExpiredTimestamp)
	}
	return nil
}

// open checks the request and decrypts enc, requiring receive id want.
func (g guard) open(msgSignature, timestamp, nonce, enc, want string) ([]byte, error) {
	if err := g.check(msgSignature, timestamp, nonce, enc); err != nil {
		return nil, err
	}
	msg, got, err := decrypt(g.key, enc)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return nil, fmt.Errorf("receive id mismatch: %w", ErrBadEncryption)
	}
	return msg, nil
}

// sealed is an encrypted, signed reply.
type sealed struct {
	Encrypt, Signature, Timestamp, Nonce string
}

// seal encrypts msg for receiveID with a fresh random prefix and signs it.
// timestamp and nonce are normally the request's; an unparsable timestamp
// is replaced by now and an empty nonce by ten random digits.
func (g guard) seal(msg []byte, receiveID, timestamp, nonce string) (sealed, error) {
	if _, err := strconv.ParseInt(timestamp, 10, 64); err != nil {
		timestamp = strconv.FormatInt(g.clock.Now().Unix(), 10)
	}
	buf := make([]byte, randomLen+10)
	if _, err := io.ReadFull(g.rand, buf); err != nil {
		return sealed{}, fmt.Errorf("seal: random: %w", err)
	}
	if nonce == "" {
		digits := buf[randomLen:]
		for i := range digits {
			digits[i] = '0' + digits[i]%10
		}
		nonce = string(digits)
	}
	enc := encrypt(g.key, buf[:randomLen], msg, receiveID)
	return sealed{Encrypt: enc, Signature: signature(g.token, timestamp, nonce, enc), Timestamp: timestamp, Nonce: nonce}, nil
}
