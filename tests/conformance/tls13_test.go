package conformance

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"strings"
	"time"

	"github.com/sslstream/sslstream/internal/rawtls"
)

// keyLog collects what crypto/tls writes as its key log.
type keyLog struct{ bytes.Buffer }

func (k *keyLog) secret(label string) ([]byte, error) {
	sc := bufio.NewScanner(bytes.NewReader(k.Bytes()))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == label {
			return hex.DecodeString(f[2])
		}
	}
	return nil, fmt.Errorf("key log has no %s", label)
}

// trafficKeys are one direction's TLS 1.3 record protection (RFC 8446
// §7.3), enough to write and read application-phase records by hand.
type trafficKeys struct {
	hash   func() hash.Hash
	suite  uint16
	secret []byte
	aead   cipher.AEAD
	iv     []byte
	seq    uint64
}

func expandLabel(h func() hash.Hash, secret []byte, label string, n int) ([]byte, error) {
	info := binary.BigEndian.AppendUint16(nil, uint16(n))
	info = append(info, byte(6+len(label)))
	info = append(append(info, "tls13 "...), label...)
	info = append(info, 0) // empty context
	return hkdf.Expand(h, secret, string(info), n)
}

func newTrafficKeys(suite uint16, secret []byte) (*trafficKeys, error) {
	k := &trafficKeys{suite: suite, hash: sha256.New}
	keyLen := 16
	switch suite {
	case tls.TLS_AES_128_GCM_SHA256:
	case tls.TLS_AES_256_GCM_SHA384:
		k.hash, keyLen = sha512.New384, 32
	default:
		// ChaCha20-Poly1305 is not in the standard library; crypto/tls
		// picks it only on machines without AES hardware.
		return nil, fmt.Errorf("suite %s not supported by the test client", tls.CipherSuiteName(suite))
	}
	return k, k.set(secret, keyLen)
}

func (k *trafficKeys) set(secret []byte, keyLen int) error {
	key, err := expandLabel(k.hash, secret, "key", keyLen)
	if err != nil {
		return err
	}
	if k.iv, err = expandLabel(k.hash, secret, "iv", 12); err != nil {
		return err
	}
	var b cipher.Block
	if b, err = aes.NewCipher(key); err == nil {
		k.aead, err = cipher.NewGCM(b)
	}
	k.secret, k.seq = secret, 0
	return err
}

// update moves to the next generation of keys (KeyUpdate).
func (k *trafficKeys) update() error {
	next, err := expandLabel(k.hash, k.secret, "traffic upd", k.hash().Size())
	if err != nil {
		return err
	}
	keyLen := 16
	if k.suite != tls.TLS_AES_128_GCM_SHA256 {
		keyLen = 32
	}
	return k.set(next, keyLen)
}

func (k *trafficKeys) nonce() []byte {
	n := make([]byte, 12)
	copy(n, k.iv)
	for i := 0; i < 8; i++ {
		n[4+i] ^= byte(k.seq >> (56 - 8*i))
	}
	k.seq++
	return n
}

// seal returns one protected record carrying content of type typ.
func (k *trafficKeys) seal(typ byte, content []byte) []byte {
	inner := append(append([]byte{}, content...), typ)
	hdr := []byte{23, 3, 3, 0, 0}
	binary.BigEndian.PutUint16(hdr[3:], uint16(len(inner)+k.aead.Overhead()))
	return k.aead.Seal(hdr, k.nonce(), inner, hdr)
}

// open removes the protection of one record (header included) and returns
// the content type and content.
func (k *trafficKeys) open(rec []byte) (byte, []byte, error) {
	pt, err := k.aead.Open(nil, k.nonce(), rec[5:], rec[:5])
	if err != nil {
		return 0, nil, err
	}
	i := len(pt) - 1
	for i >= 0 && pt[i] == 0 {
		i--
	}
	if i < 0 {
		return 0, nil, errors.New("record without content type")
	}
	return pt[i], pt[:i], nil
}

// keyUpdateStorm completes a TLS 1.3 handshake with crypto/tls, then takes
// over the connection: n KeyUpdate messages (each asking the server to
// update too when requested), "ping" under the last keys, and reads until
// the echo, an alert or the end. It returns a comparable outcome.
func keyUpdateStorm(addr string, n int, requested bool) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var kl keyLog
	tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13, KeyLogWriter: &kl})
	if err := tc.Handshake(); err != nil {
		return "handshake failed: " + err.Error(), nil
	}
	suite := tc.ConnectionState().CipherSuite
	cs, err := kl.secret("CLIENT_TRAFFIC_SECRET_0")
	if err != nil {
		return "", err
	}
	ss, err := kl.secret("SERVER_TRAFFIC_SECRET_0")
	if err != nil {
		return "", err
	}
	out, err := newTrafficKeys(suite, cs)
	if err != nil {
		return err.Error(), nil // the same for both servers
	}
	in, err := newTrafficKeys(suite, ss)
	if err != nil {
		return "", err
	}
	var flight []byte
	req := byte(0)
	if requested {
		req = 1
	}
	for range n {
		flight = append(flight, out.seal(22, []byte{24, 0, 0, 1, req})...)
		if err := out.update(); err != nil {
			return "", err
		}
	}
	flight = append(flight, out.seal(23, []byte("ping"))...)
	if _, err := conn.Write(flight); err != nil {
		return "write failed: " + err.Error(), nil
	}
	serverUpdates := 0
	var got []byte
	for {
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(conn, hdr); err != nil {
			if len(got) == 0 && endWord(err) == "error" {
				// The server cut the connection with our records
				// unread: its alert may be lost in the reset.
				return cutStorm, nil
			}
			return fmt.Sprintf("echoed %q, then %s (server key updates %d)", got, endWord(err), min(serverUpdates, 1)), nil
		}
		rec := make([]byte, 5+int(binary.BigEndian.Uint16(hdr[3:])))
		copy(rec, hdr)
		if _, err := io.ReadFull(conn, rec[5:]); err != nil {
			return "truncated record: " + endWord(err), nil
		}
		if rec[0] == 21 { // plaintext alert
			return fmt.Sprintf("plaintext alert %v", rec[5:]), nil
		}
		typ, data, err := in.open(rec)
		if err != nil {
			return "", fmt.Errorf("cannot decrypt the server's record: %w", err)
		}
		switch typ {
		case 21:
			if len(got) == 0 && data[1] == 10 {
				return cutStorm, nil
			}
			return fmt.Sprintf("alert %d (%s) after echo %q", data[1], rawtls.AlertName(int(data[1])), got), nil
		case 22:
			for len(data) >= 4 {
				l := int(data[1])<<16 | int(data[2])<<8 | int(data[3])
				if data[0] == 24 {
					serverUpdates++
					if err := in.update(); err != nil {
						return "", err
					}
				}
				data = data[min(len(data), 4+l):]
			}
		case 23:
			got = append(got, data...)
			if bytes.Equal(got, []byte("ping")) {
				// Both servers answer one update request with one update
				// whatever the number of requests (RFC 8446 §4.6.3).
				return fmt.Sprintf("echoed %q (server key updates %d)", got, min(serverUpdates, 1)), nil
			}
		}
	}
}

// cutStorm is the outcome of a storm the server refused: crypto/tls
// allows 16 non-advancing records in a row, then sends unexpected_message
// and closes (the alert may be lost when the close resets the
// connection because our records are still unread).
const cutStorm = "cut: alert 10 (unexpected_message) or reset before any echo"

func endWord(err error) string {
	if errors.Is(err, io.EOF) {
		return "eof"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return "error"
}
