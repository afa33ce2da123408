package push

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// encrypt seals payload for sub as one aes128gcm record (RFC 8291, RFC 8188) padded to
// recordSize bytes in all, as webpush-go did: salt, record size, the sender's one-time
// public key, then the ciphertext of payload, a 0x02 delimiter and zeros.
func encrypt(payload []byte, sub Subscription, recordSize uint32) ([]byte, error) {
	uaPublic, ok := decodeKey(sub.P256dh)
	if !ok {
		return nil, errors.New("push: the p256dh key is not base64")
	}
	authSecret, ok := decodeKey(sub.Auth)
	if !ok {
		return nil, errors.New("push: the auth secret is not base64")
	}
	ua, err := ecdh.P256().NewPublicKey(uaPublic)
	if err != nil {
		return nil, err
	}
	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	shared, err := as.ECDH(ua)
	if err != nil {
		return nil, err
	}
	asPublic := as.PublicKey().Bytes()
	salt := make([]byte, 16)
	rand.Read(salt)

	keyInfo := "WebPush: info\x00" + string(uaPublic) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, shared, authSecret, keyInfo, 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}

	record := make([]byte, 0, recordSize)
	record = append(record, salt...)
	record = binary.BigEndian.AppendUint32(record, recordSize)
	record = append(record, byte(len(asPublic)))
	record = append(record, asPublic...)
	plain := make([]byte, int(recordSize)-len(record)-gcm.Overhead())
	if len(payload)+1 > len(plain) {
		return nil, errors.New("push: payload too large for the record")
	}
	copy(plain, payload)
	plain[len(payload)] = 0x02 // the last record's delimiter; zeros after it are padding
	return gcm.Seal(record, nonce, plain, nil), nil
}
