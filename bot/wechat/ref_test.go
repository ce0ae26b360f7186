package wechat

// An implementation of WeChat's message crypto written independently of
// silenceper's util package and of this package's code, from the published
// scheme (消息加解密技术方案): AESKey = base64(EncodingAESKey+"="),
// IV = AESKey[:16], AES-256-CBC, PKCS#7 to 32 bytes, plaintext =
// random(16) | len(4, big endian) | msg | appid; signature =
// sha1(concat(sort(params))). Tests check this package against it and it
// against the published vectors.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
	"testing"
)

func refSignature(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

func refKey(tb testing.TB, encodingAESKey string) []byte {
	tb.Helper()
	k, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(k) != 32 {
		tb.Fatalf("bad test key %q: %v", encodingAESKey, err)
	}
	return k
}

// refDecrypt returns (random, msg, appid).
func refDecrypt(tb testing.TB, encodingAESKey, b64 string) ([]byte, []byte, string, error) {
	key := refKey(tb, encodingAESKey)
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, nil, "", err
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, nil, "", errors.New("ciphertext length")
	}
	block, _ := aes.NewCipher(key)
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > 32 || pad > len(pt) || !bytes.Equal(pt[len(pt)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, nil, "", errors.New("padding")
	}
	pt = pt[:len(pt)-pad]
	if len(pt) < 20 {
		return nil, nil, "", errors.New("short")
	}
	n := int(binary.BigEndian.Uint32(pt[16:20]))
	if 20+n > len(pt) {
		return nil, nil, "", errors.New("length prefix")
	}
	return pt[:16], pt[20 : 20+n], string(pt[20+n:]), nil
}

func refEncrypt(tb testing.TB, encodingAESKey string, random, msg []byte, appID string) string {
	tb.Helper()
	var buf bytes.Buffer
	buf.Write(random)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(msg)))
	buf.Write(msg)
	buf.WriteString(appID)
	pad := 32 - buf.Len()%32
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	return refEncryptBlocks(tb, encodingAESKey, buf.Bytes())
}

// refEncryptBlocks encrypts block-aligned bytes as they are (no framing, no
// padding), to build deliberately broken ciphertexts.
func refEncryptBlocks(tb testing.TB, encodingAESKey string, pt []byte) string {
	tb.Helper()
	key := refKey(tb, encodingAESKey)
	block, _ := aes.NewCipher(key)
	ct := make([]byte, len(pt))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(ct, pt)
	return base64.StdEncoding.EncodeToString(ct)
}
