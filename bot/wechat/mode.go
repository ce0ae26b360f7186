package wechat

import "fmt"

// Server modes: the Official Account's 消息加解密方式, set in Config.Mode.
const (
	ServerPlain      = "plain"      // 明文模式: plaintext only; no EncodingAESKey
	ServerCompatible = "compatible" // 兼容模式: plaintext or encrypted; only when set explicitly
	ServerSafe       = "safe"       // 安全模式: encrypted only; the default with an EncodingAESKey
)

// ServerMode resolves the configured mode against the key: an empty
// setting means safe mode when a key is configured and plain mode when
// none is. Plain mode with a key, and compatible or safe mode without one,
// contradict each other and are errors (a stronger mode never falls back
// to a weaker one).
func ServerMode(setting, encodingAESKey string) (string, error) {
	hasKey := encodingAESKey != ""
	switch setting {
	case "":
		if hasKey {
			return ServerSafe, nil
		}
		return ServerPlain, nil
	case ServerPlain:
		if hasKey {
			return "", fmt.Errorf("mode %q with an EncodingAESKey: remove the key, or choose %q or %q", setting, ServerCompatible, ServerSafe)
		}
		return ServerPlain, nil
	case ServerCompatible, ServerSafe:
		if !hasKey {
			return "", fmt.Errorf("mode %q needs an EncodingAESKey", setting)
		}
		return setting, nil
	}
	return "", fmt.Errorf("mode %q is not one of %s, %s, %s", setting, ServerPlain, ServerCompatible, ServerSafe)
}

// accepts reports whether a server in this mode takes a request of kind
// ModePlain (encrypt_type absent or raw) or encrypted (ModeAES, ModeCompat).
func accepts(server, request string) bool {
	switch server {
	case ServerPlain:
		return request == ModePlain
	case ServerCompatible:
		return true
	case ServerSafe:
		return request != ModePlain
	}
	return false
}
