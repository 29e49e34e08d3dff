package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/tls"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/cryptobyte"

	"github.com/sslstream/sslstream"
)

// clientHello is what the status page of --www needs from the
// ClientHello, which crypto/tls does not keep after the handshake.
type clientHello struct {
	suites []uint16
	// renegSCSV and renegExt: the client offered secure renegotiation by
	// the SCSV among its suites, by the renegotiation_info extension.
	renegSCSV, renegExt bool
	sessionID           []byte // legacy_session_id
	// sigalgs and groups are the signature_algorithms and supported_groups
	// extensions as sent (nil when absent).
	sigalgs []uint16
	groups  []uint16
	ems     bool // extended_master_secret offered
	// ticket: the session_ticket extension was sent and held a ticket.
	ticket bool
	// certVerify is the scheme of the client's CertificateVerify when the
	// recorded bytes hold one in the clear (TLS <= 1.2), else 0.
	certVerify uint16
}

// Extension numbers parseClientHello reads.
const (
	extSupportedGroups   = 10
	extSignatureAlgs     = 13
	extExtendedMaster    = 23
	extSessionTicket     = 35
	extRenegotiationInfo = 0xff01
)

// parseClientHello parses the bytes a client sent first: TLS records
// whose handshake messages (each possibly spread over several records)
// start with the ClientHello; ok is false unless they hold a whole one.
// The handshake messages in the clear that follow it (TLS <= 1.2) are
// searched for the client's CertificateVerify.
func parseClientHello(raw []byte) (h clientHello, ok bool) {
	var stream []byte // the handshake messages in the clear
	for len(raw) >= 5 && raw[0] == 22 {
		n := int(raw[3])<<8 | int(raw[4])
		if len(raw) < 5+n {
			break
		}
		stream = append(stream, raw[5:5+n]...)
		raw = raw[5+n:]
	}
	s := cryptobyte.String(stream)
	var typ uint8
	var body cryptobyte.String
	if !s.ReadUint8(&typ) || typ != 1 || !s.ReadUint24LengthPrefixed(&body) {
		return clientHello{}, false
	}
	for !s.Empty() {
		var mt uint8
		var m cryptobyte.String
		if !s.ReadUint8(&mt) || !s.ReadUint24LengthPrefixed(&m) {
			break
		}
		if mt == 15 && len(m) >= 2 { // certificate_verify
			h.certVerify = uint16(m[0])<<8 | uint16(m[1])
		}
	}
	var sid, suites, comp cryptobyte.String
	if !body.Skip(2+32) || !body.ReadUint8LengthPrefixed(&sid) ||
		!body.ReadUint16LengthPrefixed(&suites) || len(suites)%2 != 0 ||
		!body.ReadUint8LengthPrefixed(&comp) {
		return clientHello{}, false
	}
	h.sessionID = append([]byte(nil), sid...)
	for !suites.Empty() {
		var id uint16
		suites.ReadUint16(&id)
		if id == 0x00ff {
			h.renegSCSV = true
		}
		h.suites = append(h.suites, id)
	}
	if body.Empty() {
		return h, true // no extensions
	}
	var exts cryptobyte.String
	if !body.ReadUint16LengthPrefixed(&exts) {
		return clientHello{}, false
	}
	for !exts.Empty() {
		var ext uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&ext) || !exts.ReadUint16LengthPrefixed(&data) {
			return clientHello{}, false
		}
		switch ext {
		case extRenegotiationInfo:
			h.renegExt = true
		case extExtendedMaster:
			h.ems = true
		case extSessionTicket:
			h.ticket = len(data) > 0
		case extSignatureAlgs, extSupportedGroups:
			var list cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) || len(list)%2 != 0 {
				return clientHello{}, false
			}
			ids := []uint16{}
			for !list.Empty() {
				var id uint16
				list.ReadUint16(&id)
				ids = append(ids, id)
			}
			if ext == extSignatureAlgs {
				h.sigalgs = ids
			} else {
				h.groups = ids
			}
		}
	}
	return h, true
}

// sigalgNames are OpenSSL 3.0's names for the signature schemes it knows,
// as s_server prints them (apps/lib/s_cb.c: the signature type, "+", the
// digest; the RSA-PSS schemes for RSA-PSS keys by their TLS names).
var sigalgNames = map[uint16]string{
	0x0403: "ECDSA+SHA256", 0x0503: "ECDSA+SHA384", 0x0603: "ECDSA+SHA512",
	0x0303: "ECDSA+SHA224", 0x0203: "ECDSA+SHA1",
	0x0807: "ed25519", 0x0808: "ed448",
	0x0804: "RSA-PSS+SHA256", 0x0805: "RSA-PSS+SHA384", 0x0806: "RSA-PSS+SHA512",
	0x0809: "rsa_pss_pss_sha256", 0x080a: "rsa_pss_pss_sha384", 0x080b: "rsa_pss_pss_sha512",
	0x0401: "RSA+SHA256", 0x0501: "RSA+SHA384", 0x0601: "RSA+SHA512",
	0x0301: "RSA+SHA224", 0x0201: "RSA+SHA1",
	0x0402: "DSA+SHA256", 0x0502: "DSA+SHA384", 0x0602: "DSA+SHA512",
	0x0302: "DSA+SHA224", 0x0202: "DSA+SHA1",
}

// sigalgName is OpenSSL's name of a signature scheme; one OpenSSL does
// not know is its two bytes, signature byte first ("0x04+0x09" for
// 0x0904), as s_server prints it.
func sigalgName(id uint16) string {
	if n, ok := sigalgNames[id]; ok {
		return n
	}
	return fmt.Sprintf("0x%02X+0x%02X", id&0xff, id>>8)
}

// serverSigalgs are the signature schemes crypto/tls supports, in its
// order (its own preference): those a server may share with a client.
// SHA-1 is left out: crypto/tls has not used it in a TLS 1.2 handshake
// since Go 1.25 (nor does OpenSSL 3.0 at security level 1 and above).
var serverSigalgs = []uint16{
	uint16(tls.PSSWithSHA256), uint16(tls.ECDSAWithP256AndSHA256), uint16(tls.Ed25519),
	uint16(tls.PSSWithSHA384), uint16(tls.PSSWithSHA512),
	uint16(tls.PKCS1WithSHA256), uint16(tls.PKCS1WithSHA384), uint16(tls.PKCS1WithSHA512),
	uint16(tls.ECDSAWithP384AndSHA384), uint16(tls.ECDSAWithP521AndSHA512),
}

// groupNames30 are the TLS names OpenSSL 3.0 gives the groups it knows.
var groupNames30 = map[uint16]string{
	1: "sect163k1", 2: "sect163r1", 3: "sect163r2", 4: "sect193r1", 5: "sect193r2",
	6: "sect233k1", 7: "sect233r1", 8: "sect239k1", 9: "sect283k1", 10: "sect283r1",
	11: "sect409k1", 12: "sect409r1", 13: "sect571k1", 14: "sect571r1",
	15: "secp160k1", 16: "secp160r1", 17: "secp160r2", 18: "secp192k1", 19: "secp192r1",
	20: "secp224k1", 21: "secp224r1", 22: "secp256k1", 23: "secp256r1", 24: "secp384r1",
	25: "secp521r1", 26: "brainpoolP256r1", 27: "brainpoolP384r1", 28: "brainpoolP512r1",
	29: "x25519", 30: "x448",
	0x100: "ffdhe2048", 0x101: "ffdhe3072", 0x102: "ffdhe4096", 0x103: "ffdhe6144", 0x104: "ffdhe8192",
}

// groupName is OpenSSL 3.0's name of a group; the hybrids crypto/tls
// implements, which 3.0 does not know, by the names OpenSSL 3.5 gives
// them; any other group as 3.0 prints one it does not know, "<NULL>".
func groupName(id uint16) string {
	if n, ok := groupNames30[id]; ok {
		return n
	}
	if sslstream.GroupIsHybrid(tls.CurveID(id)) {
		return sslstream.GroupName(tls.CurveID(id))
	}
	return "<NULL>"
}

// shared is OpenSSL's list of what a client offered and the server has:
// in the server's order when the server's preference wins
// (SSL_OP_CIPHER_SERVER_PREFERENCE), else in the client's (ssl/t1_lib.c,
// tls12_shared_sigalgs and tls1_shared_group).
func shared(client, server []uint16, serverPref bool) []uint16 {
	pref, allow := client, server
	if serverPref {
		pref, allow = server, client
	}
	var out []uint16
	for _, id := range pref {
		for _, a := range allow {
			if a == id {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// joinNames joins the names of ids with colons.
func joinNames(ids []uint16, name func(uint16) string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = name(id)
	}
	return strings.Join(names, ":")
}

// wwwSigGroupLines are s_server's lines on the client's signature
// algorithms and groups: the client's lists as sent and those shared
// with this server, under OpenSSL's rules for when it has them: the
// signature algorithms only after a full handshake (a resumed one does
// not read them), the groups after a full handshake or a TLS 1.3
// resumption. version is the negotiated version, groups the server's.
func wwwSigGroupLines(h clientHello, version uint16, resumed, serverPref bool, groups []tls.CurveID, peerKey crypto.PublicKey) string {
	var b strings.Builder
	if !resumed && len(h.sigalgs) > 0 {
		fmt.Fprintf(&b, "Signature Algorithms: %s\n", joinNames(h.sigalgs, sigalgName))
		if sh := shared(h.sigalgs, serverSigalgs, serverPref); len(sh) > 0 {
			fmt.Fprintf(&b, "Shared Signature Algorithms: %s\n", joinNames(sh, sigalgName))
		}
	}
	if peerKey != nil {
		typ, digest := peerSignature(h.certVerify, version, peerKey)
		if digest != "" {
			fmt.Fprintf(&b, "Peer signing digest: %s\n", digest)
		}
		if typ != "" {
			fmt.Fprintf(&b, "Peer signature type: %s\n", typ)
		}
	}
	if (!resumed || version == tls.VersionTLS13) && len(h.groups) > 0 {
		fmt.Fprintf(&b, "Supported groups: %s\n", joinNames(h.groups, groupName))
		var ours []uint16
		for _, id := range sslstream.ImplementedGroups() { // crypto/tls's order
			if sslstream.GroupIsHybrid(id) && version != tls.VersionTLS13 {
				continue // not in TLS 1.2: OpenSSL leaves out the groups the version cannot use
			}
			if groups == nil || slices.Contains(groups, id) {
				ours = append(ours, uint16(id))
			}
		}
		sh := joinNames(shared(h.groups, ours, serverPref), groupName)
		if sh == "" {
			sh = "NONE"
		}
		fmt.Fprintf(&b, "Shared groups: %s\n", sh)
	}
	return b.String()
}

// wwwStats are the counters of the session cache block of the status
// page, kept by the server for --www (nil otherwise). The server has no
// session cache: its sessions live in tickets only, as s_server's with
// -no_cache.
type wwwStats struct {
	accepts  atomic.Int64 // handshakes begun
	finished atomic.Int64 // handshakes completed
	hits     atomic.Int64 // sessions resumed
	misses   atomic.Int64 // TLS <= 1.2: a session ID offered without a ticket, found nowhere
	timeouts atomic.Int64 // a ticket of ours refused for its age
}

// handshakeDone counts a completed handshake of hello h: a resumption is a
// cache hit, as OpenSSL counts a session resumed from a ticket; a TLS <=
// 1.2 handshake whose client offered a session ID and no ticket (or to a
// server without tickets) is a miss, as OpenSSL looks such an ID up in its
// cache, and this server has none.
func (w *wwwStats) handshakeDone(h clientHello, haveHello bool, cs tls.ConnectionState, tickets bool) {
	w.finished.Add(1)
	switch {
	case cs.DidResume:
		w.hits.Add(1)
	case haveHello && cs.Version <= tls.VersionTLS12 && len(h.sessionID) > 0 && (!h.ticket || !tickets):
		w.misses.Add(1)
	}
}

// cacheSizeDefault is OpenSSL's default session cache size
// (SSL_SESSION_CACHE_MAX_SIZE_DEFAULT), what s_server -no_cache reports.
const cacheSizeDefault = 1024 * 20

// lines are s_server's session cache block (apps/s_server.c print_stats)
// for a server that never makes client connections, never renegotiates,
// keeps no session cache (so nothing in it, no callback, no overflow) and
// counts what it did; a timeout is a ticket refused as too old, which
// OpenSSL counts so too.
func (w *wwwStats) lines() string {
	var b strings.Builder
	row := func(n int64, what string) { fmt.Fprintf(&b, "%4d %s\n", n, what) }
	row(0, "items in the session cache")
	row(0, "client connects (SSL_connect())")
	row(0, "client renegotiates (SSL_connect())")
	row(0, "client connects that finished")
	row(w.accepts.Load(), "server accepts (SSL_accept())")
	row(0, "server renegotiates (SSL_accept())")
	row(w.finished.Load(), "server accepts that finished")
	row(w.hits.Load(), "session cache hits")
	row(w.misses.Load(), "session cache misses")
	row(w.timeouts.Load(), "session cache timeouts")
	row(0, "callback cache hits")
	row(0, fmt.Sprintf("cache full overflows (%d allowed)", cacheSizeDefault))
	return b.String()
}

// sigalgParts are OpenSSL's signature type and digest names of the
// schemes crypto/tls accepts from a client.
var sigalgParts = map[uint16][2]string{
	0x0403: {"ECDSA", "SHA256"}, 0x0503: {"ECDSA", "SHA384"}, 0x0603: {"ECDSA", "SHA512"},
	0x0804: {"RSA-PSS", "SHA256"}, 0x0805: {"RSA-PSS", "SHA384"}, 0x0806: {"RSA-PSS", "SHA512"},
	0x0401: {"RSA", "SHA256"}, 0x0501: {"RSA", "SHA384"}, 0x0601: {"RSA", "SHA512"},
	0x0201: {"RSA", "SHA1"}, 0x0203: {"ECDSA", "SHA1"},
	0x0807: {"ed25519", ""},
}

// peerSignature is s_server's "Peer signature type" and "Peer signing
// digest" of the client's CertificateVerify: from its scheme when it was
// sent in the clear (TLS <= 1.2); in TLS 1.3, where it is encrypted,
// from the client's key where that decides it (ECDSA: the curve's
// scheme; Ed25519), and for RSA the type alone (RSA-PSS, the only one
// TLS 1.3 allows; the digest is the client's choice and is not known).
func peerSignature(scheme, version uint16, key crypto.PublicKey) (typ, digest string) {
	if version <= tls.VersionTLS12 {
		if p, ok := sigalgParts[scheme]; ok {
			return p[0], p[1]
		}
		return "", ""
	}
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return "ECDSA", "SHA256"
		case elliptic.P384():
			return "ECDSA", "SHA384"
		case elliptic.P521():
			return "ECDSA", "SHA512"
		}
	case ed25519.PublicKey:
		return "ed25519", ""
	case *rsa.PublicKey:
		return "RSA-PSS", ""
	}
	return "", ""
}

// secureRenegotiation is s_server's "Secure Renegotiation IS supported":
// OpenSSL notes the SCSV whatever the version, and reads the
// renegotiation_info extension in TLS <= 1.2 only.
func (h clientHello) secureRenegotiation(version uint16) bool {
	return h.renegSCSV || h.renegExt && version <= tls.VersionTLS12
}
