// Package push validates browser push subscriptions and sends web push
// messages (RFC 8030, 8291, 8292).
package push

import (
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
)

const (
	maxBodySize     = 8 << 10
	maxEndpointSize = 2048
	maxKeySize      = 128 // base64 of a 65 byte key is 87-88 characters
	authSize        = 16
)

// Subscription is a validated push subscription with the keys in base64url
// without padding.
type Subscription struct {
	Endpoint string
	P256dh   string
	Auth     string
}

// ParseSubscription reads the browser's PushSubscription.toJSON() and checks
// it against the allowed push service hosts. Errors are *FieldError.
func ParseSubscription(body []byte, allowed HostList) (Subscription, error) {
	if len(body) > maxBodySize {
		return Subscription{}, fieldError("", "invalid_json",
			"The subscription is too large.", "La suscripción es demasiado grande.")
	}
	var in struct {
		Endpoint string `json:"endpoint"`
		Keys     struct {
			P256dh string `json:"p256dh"`
			Auth   string `json:"auth"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return Subscription{}, fieldError("", "invalid_json",
			"The subscription is not valid JSON.", "La suscripción no es un JSON válido.")
	}
	if err := checkEndpoint(in.Endpoint, allowed); err != nil {
		return Subscription{}, err
	}
	p256dh, err := checkP256dh(in.Keys.P256dh)
	if err != nil {
		return Subscription{}, err
	}
	auth, err := checkAuth(in.Keys.Auth)
	if err != nil {
		return Subscription{}, err
	}
	return Subscription{Endpoint: in.Endpoint, P256dh: p256dh, Auth: auth}, nil
}

func checkEndpoint(endpoint string, allowed HostList) error {
	const field = "endpoint"
	if endpoint == "" {
		return fieldError(field, "validation_required", "The endpoint is missing.", "Falta el endpoint.")
	}
	if len(endpoint) > maxEndpointSize {
		return fieldError(field, "validation_too_long",
			"The endpoint is longer than 2048 characters.", "El endpoint tiene más de 2048 caracteres.")
	}
	invalid := fieldError(field, "validation_invalid_url",
		"The endpoint is not a valid https URL.", "El endpoint no es una URL https válida.")
	if strings.IndexFunc(endpoint, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		return invalid
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.Opaque != "" || u.User != nil || u.Fragment != "" {
		return invalid
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	var defaultPort string
	switch {
	case u.Scheme == "https":
		defaultPort = "443"
	case u.Scheme == "http" && isLoopback(host):
		// Only for tests and labs, and only when the host is in the list.
		defaultPort = "80"
	default:
		return invalid
	}
	if port == "" {
		port = defaultPort
	}
	if !allowed.allows(host, port, defaultPort) {
		return fieldError(field, "validation_host_not_allowed",
			"The endpoint is not a known browser push service.",
			"El endpoint no es un servicio de notificaciones de navegador conocido.")
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "127.0.0.1" || host == "::1" || host == "localhost"
}

func checkP256dh(key string) (string, error) {
	invalid := fieldError("keys.p256dh", "validation_invalid_key",
		"The p256dh key is not a valid P-256 public key.", "La clave p256dh no es una clave pública P-256 válida.")
	if key == "" {
		return "", fieldError("keys.p256dh", "validation_required", "The p256dh key is missing.", "Falta la clave p256dh.")
	}
	raw, ok := decodeKey(key)
	if !ok {
		return "", invalid
	}
	if _, err := ecdh.P256().NewPublicKey(raw); err != nil {
		return "", invalid
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

func checkAuth(key string) (string, error) {
	if key == "" {
		return "", fieldError("keys.auth", "validation_required", "The auth secret is missing.", "Falta el secreto auth.")
	}
	raw, ok := decodeKey(key)
	if !ok || len(raw) != authSize {
		return "", fieldError("keys.auth", "validation_invalid_key",
			"The auth secret must be 16 bytes in base64url.", "El secreto auth debe ser de 16 bytes en base64url.")
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// decodeKey accepts base64url or standard base64, padded or not.
func decodeKey(key string) ([]byte, bool) {
	if len(key) > maxKeySize {
		return nil, false
	}
	key = strings.TrimRight(key, "=")
	key = strings.NewReplacer("+", "-", "/", "_").Replace(key)
	raw, err := base64.RawURLEncoding.Strict().DecodeString(key)
	return raw, err == nil
}
