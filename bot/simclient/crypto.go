// Package simclient plays the chat platforms against a Tapline server: it
// builds resident messages, signs them and encrypts them in safe mode the
// way WeChat does, and opens the passive replies. It is written from the
// platform's published algorithm with the standard library only, so it
// checks the server's own implementation from outside.
package simclient

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sign returns WeChat's signature: hex(sha1(sorted parts concatenated)).
func Sign(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

// aesKey decodes a 43-character EncodingAESKey.
func aesKey(encodingAESKey string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(k) != 32 {
		return nil, errors.New("simclient: bad EncodingAESKey")
	}
	return k, nil
}

// Encrypt seals msg as WeChat does: AES-256-CBC, IV = key[:16], plaintext
// random(16) | len(msg) big-endian uint32 | msg | appID, PKCS#7 to 32.
func Encrypt(encodingAESKey, appID string, msg []byte) (string, error) {
	key, err := aesKey(encodingAESKey)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	buf.Write(random)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(msg)))
	buf.Write(msg)
	buf.WriteString(appID)
	pad := 32 - buf.Len()%32
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, _ := aes.NewCipher(key)
	out := make([]byte, buf.Len())
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, buf.Bytes())
	return base64.StdEncoding.EncodeToString(out), nil
}

// Decrypt opens a WeChat ciphertext and checks its AppID tail.
func Decrypt(encodingAESKey, appID, b64 string) ([]byte, error) {
	key, err := aesKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errors.New("simclient: bad ciphertext")
	}
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return nil, errors.New("simclient: bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, errors.New("simclient: short plaintext")
	}
	n := int(binary.BigEndian.Uint32(plain[16:20]))
	if 20+n > len(plain) {
		return nil, errors.New("simclient: bad length")
	}
	if got := string(plain[20+n:]); got != appID {
		return nil, fmt.Errorf("simclient: reply sealed for app %q", got)
	}
	return plain[20 : 20+n], nil
}
