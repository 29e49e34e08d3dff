package x509text

import "golang.org/x/crypto/cryptobyte"

// sctList prints the CT precertificate SCT list; not yet decoded, so it
// falls back to OpenSSL's raw form.
func sctList(in cryptobyte.String, indent int) (string, bool) {
	return "", false
}
