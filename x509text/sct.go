package x509text

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// sctList prints the CT precertificate SCT list (RFC 6962 section 3.3): an
// OCTET STRING holding the TLS-encoded SignedCertificateTimestampList. Like
// OpenSSL, a list with any SCT that does not decode, or whose signature is
// neither ECDSA nor RSA with SHA-256, is not decoded at all.
func sctList(in cryptobyte.String, indent int) (string, bool) {
	var oct cryptobyte.String
	if !in.ReadASN1(&oct, cbasn1.OCTET_STRING) || !in.Empty() {
		return "", false
	}
	var list cryptobyte.String
	if !oct.ReadUint16LengthPrefixed(&list) || !oct.Empty() {
		return "", false
	}
	var scts []string
	for !list.Empty() {
		var raw cryptobyte.String
		if !list.ReadUint16LengthPrefixed(&raw) || len(raw) == 0 {
			return "", false
		}
		s, ok := sctText(raw, indent)
		if !ok {
			return "", false
		}
		scts = append(scts, s)
	}
	return strings.Join(scts, "\n"), true
}

// sctText prints one SCT as OpenSSL's SCT_print does.
func sctText(raw []byte, indent int) (string, bool) {
	pad := strings.Repeat(" ", indent)
	field := "\n" + pad + "    "
	wide := indent + 16
	var sb strings.Builder
	sb.WriteString(pad + "Signed Certificate Timestamp:")
	sb.WriteString(field + "Version   : ")
	if raw[0] != 0 {
		sb.WriteString("unknown\n" + strings.Repeat(" ", wide) + hexString(raw, wide, 16))
		return sb.String(), true
	}
	in := cryptobyte.String(raw[1:])
	var logID, ext, sig cryptobyte.String
	var ts uint64
	var hashAlg, sigAlg uint8
	if !in.ReadBytes((*[]byte)(&logID), 32) || !in.ReadUint64(&ts) || !in.ReadUint16LengthPrefixed(&ext) ||
		!in.ReadUint8(&hashAlg) || !in.ReadUint8(&sigAlg) || !in.ReadUint16LengthPrefixed(&sig) || !in.Empty() {
		return "", false
	}
	var sigName string
	switch {
	case hashAlg == 4 && sigAlg == 3:
		sigName = "ecdsa-with-SHA256"
	case hashAlg == 4 && sigAlg == 1:
		sigName = "sha256WithRSAEncryption"
	default:
		return "", false
	}
	if len(sig) == 0 || ts > 1<<62 {
		return "", false
	}
	sb.WriteString("v1 (0x0)")
	sb.WriteString(field + "Log ID    : " + hexString(logID, wide, 16))
	t := time.UnixMilli(int64(ts)).UTC()
	sb.WriteString(field + "Timestamp : " + t.Format("Jan _2 15:04:05.000 2006 GMT"))
	sb.WriteString(field + "Extensions: ")
	if len(ext) == 0 {
		sb.WriteString("none")
	} else {
		sb.WriteString(hexString(ext, wide, 16))
	}
	sb.WriteString(field + "Signature : " + sigName)
	sb.WriteString("\n" + strings.Repeat(" ", wide) + hexString(sig, wide, 16))
	return sb.String(), true
}

// hexString is OpenSSL's BIO_hex_string: upper-case hex with ':' after every
// byte but the last, width bytes a line, continuation lines indented.
func hexString(b []byte, indent, width int) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%width == 0 {
			sb.WriteString("\n" + strings.Repeat(" ", indent))
		}
		fmt.Fprintf(&sb, "%02X", c)
		if i != len(b)-1 {
			sb.WriteByte(':')
		}
	}
	return sb.String()
}
