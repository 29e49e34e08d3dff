package sslstream

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/crypto/cryptobyte"

	"github.com/sslstream/sslstream/internal/safefile"
	"github.com/sslstream/sslstream/verify"
)

// Encrypted Client Hello (ECH, RFC 9849, formerly draft-ietf-tls-esni):
// a client given the server's ECHConfigList (setting "ech-config")
// encrypts its real ClientHello, with the real server name, to the
// server's public key and sends it inside an outer ClientHello whose SNI
// is the config's public name; a server given its ECH keys (setting
// "ech-keys") decrypts it. crypto/tls does the protocol; this file encodes,
// parses and checks the configs and the key file, and reports the outcome.

// ECH identifiers (RFC 9849, RFC 9180).
const (
	// ECHVersion is the ECHConfig version of RFC 9849 (and of
	// draft-ietf-tls-esni-13 onwards), also the extension's code point.
	ECHVersion = 0xfe0d

	echKEMP256   = 0x0010 // DHKEM(P-256, HKDF-SHA256)
	echKEMP384   = 0x0011 // DHKEM(P-384, HKDF-SHA384)
	echKEMP521   = 0x0012 // DHKEM(P-521, HKDF-SHA512)
	echKEMX25519 = 0x0020 // DHKEM(X25519, HKDF-SHA256)

	echKDFSHA256  = 0x0001 // HKDF-SHA256
	echAEADAES    = 0x0001 // AES-128-GCM
	echAEADChaCha = 0x0003 // ChaCha20Poly1305

	// pemECHConfig is the PEM type of an ECHConfigList, as OpenSSL's ECH
	// work and other servers write it.
	pemECHConfig = "ECHCONFIG"

	// maxECHFile bounds the ech-config and ech-keys files read.
	maxECHFile = 1 << 20
)

// ECHCipherSuite is one HPKE symmetric cipher suite of an ECHConfig.
type ECHCipherSuite struct {
	// KDFID is the HPKE KDF (0x0001 HKDF-SHA256, 0x0002 HKDF-SHA384,
	// 0x0003 HKDF-SHA512).
	KDFID uint16
	// AEADID is the HPKE AEAD (0x0001 AES-128-GCM, 0x0002 AES-256-GCM,
	// 0x0003 ChaCha20Poly1305).
	AEADID uint16
}

// ECHConfig is one ECHConfig of an ECHConfigList (RFC 9849 §4), as
// ParseECHConfigList returns it.
type ECHConfig struct {
	// Version is the config's version; only ECHVersion is usable, and
	// for other versions only Raw is filled in.
	Version uint16
	// ConfigID identifies the server's key.
	ConfigID uint8
	// KEMID is the HPKE KEM of PublicKey (0x0020 DHKEM(X25519,
	// HKDF-SHA256); 0x0010, 0x0011, 0x0012 the NIST curves).
	KEMID uint16
	// PublicKey is the server's HPKE public key.
	PublicKey []byte
	// CipherSuites are the HPKE suites the server accepts.
	CipherSuites []ECHCipherSuite
	// MaxNameLength is the longest server name the client should pad the
	// encrypted name to (0: unknown).
	MaxNameLength uint8
	// PublicName is the name sent in the clear as SNI of the outer
	// ClientHello; a rejecting server's certificate must be valid for it.
	PublicName string
	// Extensions are the types of the config's extensions; a type with
	// the high bit set is mandatory, and a config with one is unusable.
	Extensions []uint16
	// Raw is the encoded ECHConfig.
	Raw []byte
}

// ParseECHConfigList parses an ECHConfigList (the value of the "ech"
// parameter of a DNS HTTPS record, base64-decoded). Configs of an unknown
// version are returned with Version and Raw only, as clients skip them.
// The error says what is malformed and where.
func ParseECHConfigList(data []byte) ([]ECHConfig, error) {
	s := cryptobyte.String(data)
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) {
		return nil, fmt.Errorf("not an ECHConfigList: %d bytes, shorter than its 2-byte length prefix says", len(data))
	}
	if !s.Empty() {
		return nil, fmt.Errorf("not an ECHConfigList: %d bytes after the list its length prefix delimits", len(s))
	}
	if list.Empty() {
		return nil, errors.New("the ECHConfigList is empty")
	}
	var out []ECHConfig
	for i := 1; !list.Empty(); i++ {
		start := list
		var version uint16
		var body cryptobyte.String
		if !list.ReadUint16(&version) || !list.ReadUint16LengthPrefixed(&body) {
			return nil, fmt.Errorf("ECHConfig %d: truncated (its length goes past the end of the list)", i)
		}
		c := ECHConfig{Version: version, Raw: bytes.Clone(start[:len(start)-len(list)])}
		if version == ECHVersion {
			if err := parseECHConfigBody(&c, body); err != nil {
				return nil, fmt.Errorf("ECHConfig %d: %w", i, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// parseECHConfigBody parses ECHConfigContents of version ECHVersion.
func parseECHConfigBody(c *ECHConfig, s cryptobyte.String) error {
	var pub, suites, name, exts cryptobyte.String
	if !s.ReadUint8(&c.ConfigID) || !s.ReadUint16(&c.KEMID) {
		return errors.New("truncated before kem_id")
	}
	if !s.ReadUint16LengthPrefixed(&pub) {
		return errors.New("truncated public_key")
	}
	c.PublicKey = bytes.Clone(pub)
	if !s.ReadUint16LengthPrefixed(&suites) {
		return errors.New("truncated cipher_suites")
	}
	if len(suites)%4 != 0 {
		return fmt.Errorf("cipher_suites is %d bytes, not a multiple of 4", len(suites))
	}
	for !suites.Empty() {
		var cs ECHCipherSuite
		suites.ReadUint16(&cs.KDFID)
		suites.ReadUint16(&cs.AEADID)
		c.CipherSuites = append(c.CipherSuites, cs)
	}
	if !s.ReadUint8(&c.MaxNameLength) {
		return errors.New("truncated before maximum_name_length")
	}
	if !s.ReadUint8LengthPrefixed(&name) {
		return errors.New("truncated public_name")
	}
	c.PublicName = string(name)
	if !s.ReadUint16LengthPrefixed(&exts) {
		return errors.New("truncated extensions")
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return errors.New("truncated extension")
		}
		c.Extensions = append(c.Extensions, typ)
	}
	if !s.Empty() {
		return fmt.Errorf("%d bytes after the extensions", len(s))
	}
	return nil
}

// usable says why crypto/tls cannot use the config, or "" when it can.
func (c *ECHConfig) usable() string {
	if c.Version != ECHVersion {
		return fmt.Sprintf("version %#04x is not %#04x (RFC 9849)", c.Version, ECHVersion)
	}
	if !validECHPublicName(c.PublicName) {
		return fmt.Sprintf("public_name %q is not a DNS name of two or more labels", c.PublicName)
	}
	for _, t := range c.Extensions {
		if t&0x8000 != 0 {
			return fmt.Sprintf("it has a mandatory extension %#04x this library does not know", t)
		}
	}
	curve, name := echCurve(c.KEMID)
	if curve == nil {
		return fmt.Sprintf("kem_id %#04x is not one crypto/tls supports (0x0020 X25519, 0x0010 P-256, 0x0011 P-384, 0x0012 P-521)", c.KEMID)
	}
	if _, err := curve.NewPublicKey(c.PublicKey); err != nil {
		return fmt.Sprintf("public_key (%d bytes) is not a valid %s key", len(c.PublicKey), name)
	}
	for _, cs := range c.CipherSuites {
		if cs.KDFID >= 1 && cs.KDFID <= 3 && cs.AEADID >= 1 && cs.AEADID <= 3 {
			return ""
		}
	}
	return "none of its cipher_suites pairs a supported KDF (HKDF-SHA256/384/512) with a supported AEAD (AES-128-GCM, AES-256-GCM, ChaCha20Poly1305)"
}

// echCurve is the curve of an HPKE DHKEM.
func echCurve(kem uint16) (ecdh.Curve, string) {
	switch kem {
	case echKEMX25519:
		return ecdh.X25519(), "X25519"
	case echKEMP256:
		return ecdh.P256(), "P-256"
	case echKEMP384:
		return ecdh.P384(), "P-384"
	case echKEMP521:
		return ecdh.P521(), "P-521"
	}
	return nil, ""
}

// validECHPublicName is the check crypto/tls makes of a public name: a
// DNS name of at least two labels of letters, digits and inner hyphens.
func validECHPublicName(name string) bool {
	if len(name) == 0 || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			b := l[i]
			if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
				return false
			}
		}
	}
	return true
}

// checkECHConfigList parses list and checks that crypto/tls can use at
// least one of its configs; the error says why none is usable.
func checkECHConfigList(list []byte) ([]ECHConfig, error) {
	configs, err := ParseECHConfigList(list)
	if err != nil {
		return nil, err
	}
	var why []string
	for i := range configs {
		r := configs[i].usable()
		if r == "" {
			return configs, nil
		}
		why = append(why, fmt.Sprintf("ECHConfig %d: %s", i+1, r))
	}
	return nil, fmt.Errorf("no usable ECHConfig in the list (%s)", strings.Join(why, "; "))
}

// marshalECHConfig encodes one ECHConfig of version ECHVersion for an
// X25519 key, with HKDF-SHA256 and AES-128-GCM or ChaCha20Poly1305.
func marshalECHConfig(id uint8, pub []byte, maxNameLen uint8, publicName string) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddUint16(ECHVersion)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(id)
		b.AddUint16(echKEMX25519)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(pub) })
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, aead := range []uint16{echAEADAES, echAEADChaCha} {
				b.AddUint16(echKDFSHA256)
				b.AddUint16(aead)
			}
		})
		b.AddUint8(maxNameLen)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(publicName)) })
		b.AddUint16(0) // no extensions
	})
	return b.Bytes()
}

// echConfigList wraps encoded ECHConfigs into an ECHConfigList.
func echConfigList(configs ...[]byte) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, c := range configs {
			b.AddBytes(c)
		}
	})
	return b.Bytes()
}

// GenerateECHKey makes a new ECH key for a server whose ECH public name
// (the name clients send in the clear, and for which the server must hold
// a certificate so that clients can authenticate a rejection) is
// publicName: an X25519 key with a random config_id, offering
// HKDF-SHA256 with AES-128-GCM and ChaCha20Poly1305.
//
// keyFile is the server's ech-keys file: a PEM "PRIVATE KEY" block (PKCS#8
// X25519) followed by a PEM "ECHCONFIG" block holding the ECHConfigList of
// this one config; several such files may be concatenated to serve several
// keys. configList is the ECHConfigList to give clients (setting
// ech-config), in base64 the "ech" parameter of a DNS HTTPS record.
func GenerateECHKey(publicName string) (keyFile, configList []byte, err error) {
	if !validECHPublicName(publicName) {
		return nil, nil, fmt.Errorf("ECH public name %q: want a DNS name of two or more labels (letters, digits, hyphens), such as public.example.com", publicName)
	}
	key, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("ECH key: %w", err)
	}
	var id [1]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, nil, fmt.Errorf("ECH config_id: %w", err)
	}
	cfg, err := marshalECHConfig(id[0], key.PublicKey().Bytes(), 0, strings.ToLower(publicName))
	if err != nil {
		return nil, nil, fmt.Errorf("ECH config: %w", err)
	}
	if configList, err = echConfigList(cfg); err != nil {
		return nil, nil, fmt.Errorf("ECH config: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("ECH key: %w", err)
	}
	keyFile = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	keyFile = append(keyFile, pem.EncodeToMemory(&pem.Block{Type: pemECHConfig, Bytes: configList})...)
	return keyFile, configList, nil
}

// decodeBase64 decodes standard or URL-safe base64, padded or not,
// ignoring white space.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// setECHConfig is the parser of the ech-config setting: a base64
// ECHConfigList is checked at once; anything else names a file, read
// when a context is made.
func setECHConfig(s *Settings, value string) error {
	v := strings.TrimSpace(value)
	if v != "" && !isFile(v) {
		if list, ok := decodeBase64(v); ok && len(list) >= 2 {
			if _, err := checkECHConfigList(list); err != nil {
				return fmt.Errorf("ech-config: the base64 value: %w", err)
			}
		}
	}
	s.ECHConfig = v
	return nil
}

// isFile reports whether path names something that exists.
func isFile(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// loadECHConfig resolves the ech-config setting: a file (PEM ECHCONFIG
// blocks, base64 text or the raw list) when value names one, else a
// base64 ECHConfigList. The list is checked.
func loadECHConfig(value string) ([]byte, error) {
	if isFile(value) {
		data, err := safefile.Read(value, maxECHFile)
		if err != nil {
			return nil, fmt.Errorf("ech-config %s: %w", value, err)
		}
		list, err := echConfigFromFile(data)
		if err != nil {
			return nil, fmt.Errorf("ech-config %s: %w", value, err)
		}
		if _, err := checkECHConfigList(list); err != nil {
			return nil, fmt.Errorf("ech-config %s: %w", value, err)
		}
		return list, nil
	}
	list, ok := decodeBase64(value)
	if !ok {
		return nil, fmt.Errorf("ech-config %q: neither an existing file nor a base64 ECHConfigList", value)
	}
	if _, err := checkECHConfigList(list); err != nil {
		return nil, fmt.Errorf("ech-config: the base64 value: %w", err)
	}
	return list, nil
}

// echConfigFromFile extracts the ECHConfigList of an ech-config file.
func echConfigFromFile(data []byte) ([]byte, error) {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		var configs [][]byte
		for rest := data; ; {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			switch b.Type {
			case pemECHConfig:
				cs, err := echConfigsOfBlock(b.Bytes)
				if err != nil {
					return nil, fmt.Errorf("PEM %s block %d: %w", pemECHConfig, len(configs)+1, err)
				}
				configs = append(configs, cs...)
			case "PRIVATE KEY":
				return nil, errors.New("holds a PRIVATE KEY: that is the server's ech-keys file; give clients only the ECHConfigList (sslstream ech-keygen prints it)")
			default:
				return nil, fmt.Errorf("unexpected PEM block %q (want %s)", b.Type, pemECHConfig)
			}
		}
		if len(configs) == 0 {
			return nil, fmt.Errorf("no PEM %s block", pemECHConfig)
		}
		return echConfigList(configs...)
	}
	if list, ok := decodeBase64(string(data)); ok {
		return list, nil
	}
	return data, nil
}

// echConfigsOfBlock reads the contents of an ECHCONFIG block: an
// ECHConfigList or, as some tools write, one bare ECHConfig. It returns
// the encoded configs.
func echConfigsOfBlock(data []byte) ([][]byte, error) {
	list := data
	if len(data) >= 2 && int(data[0])<<8|int(data[1]) != len(data)-2 {
		// Not a list: perhaps a bare ECHConfig.
		if l, err := echConfigList(data); err == nil {
			list = l
		}
	}
	configs, err := ParseECHConfigList(list)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(configs))
	for i := range configs {
		out[i] = configs[i].Raw
	}
	return out, nil
}

// loadECHKeys reads an ech-keys file: PEM "PRIVATE KEY" (PKCS#8 X25519)
// and "ECHCONFIG" blocks, each config paired with the key whose public key
// it carries. Every key's config is sent as a retry config to clients
// whose ECH the server cannot decrypt.
func loadECHKeys(path string) ([]tls.EncryptedClientHelloKey, error) {
	data, err := safefile.Read(path, maxECHFile)
	if err != nil {
		return nil, fmt.Errorf("ech-keys %s: %w", path, err)
	}
	keys, err := parseECHKeys(data)
	if err != nil {
		return nil, fmt.Errorf("ech-keys %s: %w", path, err)
	}
	return keys, nil
}

// parseECHKeys parses the contents of an ech-keys file.
func parseECHKeys(data []byte) ([]tls.EncryptedClientHelloKey, error) {
	type key struct {
		priv *ecdh.PrivateKey
		used bool
	}
	var privs []*key
	var configs []ECHConfig
	nkeys, ncfgs := 0, 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "PRIVATE KEY":
			nkeys++
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("PRIVATE KEY block %d: not a PKCS#8 key: %w", nkeys, err)
			}
			ek, ok := k.(*ecdh.PrivateKey)
			if !ok || ek.Curve() != ecdh.X25519() {
				return nil, fmt.Errorf("PRIVATE KEY block %d: a %T, want an X25519 key (DHKEM(X25519, HKDF-SHA256))", nkeys, k)
			}
			privs = append(privs, &key{priv: ek})
		case pemECHConfig:
			ncfgs++
			raws, err := echConfigsOfBlock(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s block %d: %w", pemECHConfig, ncfgs, err)
			}
			for _, raw := range raws {
				list, _ := echConfigList(raw)
				cs, _ := ParseECHConfigList(list) // parsed above
				c := cs[0]
				if r := c.usable(); r != "" {
					return nil, fmt.Errorf("%s block %d: %s", pemECHConfig, ncfgs, r)
				}
				if c.KEMID != echKEMX25519 {
					return nil, fmt.Errorf("%s block %d: kem_id %#04x; this library's ECH keys are X25519 (0x0020)", pemECHConfig, ncfgs, c.KEMID)
				}
				configs = append(configs, c)
			}
		default:
			return nil, fmt.Errorf("unexpected PEM block %q (want PRIVATE KEY and %s pairs, as sslstream ech-keygen writes)", b.Type, pemECHConfig)
		}
	}
	if nkeys == 0 && ncfgs == 0 {
		return nil, fmt.Errorf("no PEM blocks: want PRIVATE KEY and %s pairs, as sslstream ech-keygen writes", pemECHConfig)
	}
	if len(configs) == 0 {
		return nil, fmt.Errorf("no %s block: each PRIVATE KEY needs the ECHConfig of its public key", pemECHConfig)
	}
	var out []tls.EncryptedClientHelloKey
	seen := map[uint8]string{}
	for i, c := range configs {
		j := slices.IndexFunc(privs, func(k *key) bool { return bytes.Equal(k.priv.PublicKey().Bytes(), c.PublicKey) })
		if j < 0 {
			return nil, fmt.Errorf("ECHConfig %d (config_id %d, public name %s): no PRIVATE KEY in the file matches its public key", i+1, c.ConfigID, c.PublicName)
		}
		if prev, dup := seen[c.ConfigID]; dup && prev != string(c.PublicKey) {
			return nil, fmt.Errorf("ECHConfig %d: config_id %d is used by another key of the file too", i+1, c.ConfigID)
		}
		seen[c.ConfigID] = string(c.PublicKey)
		privs[j].used = true
		out = append(out, tls.EncryptedClientHelloKey{Config: c.Raw, PrivateKey: privs[j].priv.Bytes(), SendAsRetry: true})
	}
	for i, k := range privs {
		if !k.used {
			return nil, fmt.Errorf("PRIVATE KEY block %d: no %s in the file carries its public key", i+1, pemECHConfig)
		}
	}
	return out, nil
}

// echSetup is the resolved ECH part of a config.
type echSetup struct {
	configList []byte                        // client: the ech-config list
	keys       []tls.EncryptedClientHelloKey // server: the ech-keys
}

// setECH resolves the ech-config and ech-keys settings into c and t.
func (c *config) setECH(s Settings, t *tls.Config) error {
	c.ech = &echSetup{keys: []tls.EncryptedClientHelloKey{}}
	if s.ECHConfig != "" {
		if c.server {
			return settingsError("settings", errors.New("ech-config is for clients (a server takes its keys from ech-keys)"))
		}
		list, err := loadECHConfig(s.ECHConfig)
		if err != nil {
			return settingsError("load ech-config", err)
		}
		c.ech.configList = list
		t.EncryptedClientHelloConfigList = list
	}
	if s.ECHKeys != "" {
		if !c.server {
			return settingsError("settings", errors.New("ech-keys is for servers (a client takes the server's ECHConfigList from ech-config)"))
		}
		keys, err := loadECHKeys(s.ECHKeys)
		if err != nil {
			return settingsError("load ech-keys", err)
		}
		c.ech.keys = keys
		t.EncryptedClientHelloKeys = keys
	}
	return nil
}

// applyECH narrows a client's versions to TLS 1.3, which ECH needs.
func (c *config) applyECH() error {
	if c.server || c.ech == nil || c.ech.configList == nil {
		return nil
	}
	if c.tls.MaxVersion < tls.VersionTLS13 {
		return settingsError("settings", fmt.Errorf("ech-config needs TLS 1.3, and method %q allows only up to %s", c.method, ProtocolName(c.tls.MaxVersion)), reasonNoProtocolsAvailable)
	}
	c.tls.MinVersion = tls.VersionTLS13
	return nil
}

// echKeys returns a server's ECH keys for GetEncryptedClientHelloKeys:
// none (an empty list, so that crypto/tls rejects ECH rather than ignore
// it) when the context has no ech-keys.
func (c *config) echKeys() []tls.EncryptedClientHelloKey {
	if c.ech != nil {
		return c.ech.keys
	}
	return []tls.EncryptedClientHelloKey{}
}

// setECHClientHooks sets how a client that offers ECH treats a server
// that rejects it. RFC 9849 §6.1.7 asks the client to authenticate the
// server for the public name (the outer SNI) before it trusts the retry
// configs; crypto/tls does that check itself, against RootCAs, and does
// not show the certificates to EncryptedClientHelloRejectionVerify (Go
// 1.26). So under verify optional and required, crypto/tls verifies with
// the context's trust anchors (crypto/x509's rules, not OpenSSL's); under
// verify none the rejection is not authenticated, as no certificate is.
func (c *config) setECHClientHooks(t *tls.Config) {
	if c.ech == nil || c.ech.configList == nil {
		return
	}
	if c.verify == VerifyNone {
		t.EncryptedClientHelloRejectionVerify = func(tls.ConnectionState) error { return nil }
		return
	}
	t.RootCAs = c.trust.rootCAs()
}

// noteECHHello records on a server stream whether the ClientHello carried
// the ECH extension (the outer one when ECH was rejected, the inner
// marker when accepted).
func (s *Stream) noteECHHello(hello *tls.ClientHelloInfo) {
	s.echOffered.Store(slices.Contains(hello.Extensions, ECHVersion))
}

// ECHOffered reports whether Encrypted Client Hello was attempted: for a
// client, whether its context has an ech-config; for a server, whether
// the client's ClientHello carried the ECH extension (also a GREASE one,
// after the ClientHello). It does not start the handshake.
func (s *Stream) ECHOffered() bool {
	if !s.server {
		return s.cfg.ech != nil && s.cfg.ech.configList != nil
	}
	return s.echOffered.Load()
}

// ECHAccepted reports whether the handshake used Encrypted Client Hello:
// the server decrypted the client's inner ClientHello (crypto/tls's
// ConnectionState.ECHAccepted). A client whose ECH the server rejects
// fails the handshake instead (see ECHRejection). It does not start the
// handshake.
func (s *Stream) ECHAccepted() bool { return s.conn.ConnectionState().ECHAccepted }

// ECHRejection returns the ECHConfigList a server sent when it rejected
// the client's ECH (crypto/tls's ECHRejectionError, the cause of the
// handshake error), and whether err is such a rejection. The list is nil
// when the server sent no retry configs. It is authenticated only when
// the client verified the server's certificate for the public name
// (verify optional or required): under verify none, do not trust it.
func ECHRejection(err error) (retryConfigs []byte, ok bool) {
	var re *tls.ECHRejectionError
	if !errors.As(err, &re) {
		return nil, false
	}
	return re.RetryConfigList, true
}

// echRejected explains crypto/tls's ECHRejectionError.
type echRejected struct{ err *tls.ECHRejectionError }

func (e *echRejected) Error() string {
	n := 0
	if cs, err := ParseECHConfigList(e.err.RetryConfigList); err == nil {
		n = len(cs)
	}
	if n == 0 {
		return "the server rejected ECH (Encrypted Client Hello: it cannot decrypt with the ech-config given) and sent no retry configs: " + e.err.Error()
	}
	return fmt.Sprintf("the server rejected ECH (Encrypted Client Hello: it cannot decrypt with the ech-config given) and sent %d retry config(s) to use instead: %v", n, e.err)
}

func (e *echRejected) Unwrap() error { return e.err }

// explainECH wraps an ECH rejection in a message that says what happened;
// for a client offering ECH, a certificate crypto/tls refused can only be
// the rejecting server's, checked for the public name: it becomes a
// verification failure with OpenSSL's code.
func (s *Stream) explainECH(err error) error {
	var re *tls.ECHRejectionError
	if errors.As(err, &re) {
		return &echRejected{err: re}
	}
	var cve *tls.CertificateVerificationError
	if s.server || !s.ECHOffered() || !errors.As(err, &cve) {
		return err
	}
	code := 20 // unable to get local issuer certificate
	var he x509.HostnameError
	var ie x509.CertificateInvalidError
	switch {
	case errors.As(cve.Err, &he):
		code = 62
	case errors.As(cve.Err, &ie) && ie.Reason == x509.Expired:
		code = 10
	}
	name := s.conn.ConnectionState().ServerName
	return &verifyFailure{code: code, text: verify.Text(code),
		hint: fmt.Sprintf("the server rejected ECH, and its certificate does not verify for the ECH public name %q (%v), so its retry configs cannot be trusted", name, cve.Err)}
}

// echConfigFile is the file named by an ech-config value, "" for a
// base64 value.
func echConfigFile(value string) string {
	if value != "" && isFile(value) {
		return value
	}
	return ""
}
