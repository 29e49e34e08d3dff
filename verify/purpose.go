package verify

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
)

// purposeNames are OpenSSL 3.0's -purpose names, in its order. ("codesign"
// arrived in OpenSSL 3.2; 3.0 refuses it, and so does ParsePurpose.)
var purposeNames = []struct {
	name string
	p    Purpose
}{
	{"sslclient", PurposeSSLClient},
	{"sslserver", PurposeSSLServer},
	{"nssslserver", PurposeNSSSLServer},
	{"smimesign", PurposeSMIMESign},
	{"smimeencrypt", PurposeSMIMEEncrypt},
	{"crlsign", PurposeCRLSign},
	{"any", PurposeAny},
	{"ocsphelper", PurposeOCSPHelper},
	{"timestampsign", PurposeTimestampSign},
}

// PurposeNames returns OpenSSL 3.0's purpose names, as `openssl verify
// -help` lists them.
func PurposeNames() []string {
	out := make([]string, len(purposeNames))
	for i, n := range purposeNames {
		out[i] = n.name
	}
	return out
}

// ParsePurpose returns the purpose OpenSSL 3.0 calls name (as -purpose
// takes it: "sslserver", "smimesign", ...).
func ParsePurpose(name string) (Purpose, error) {
	for _, n := range purposeNames {
		if n.name == name {
			return n.p, nil
		}
	}
	return PurposeAny, fmt.Errorf("verify: unknown purpose %q (OpenSSL 3.0 knows %v)", name, PurposeNames())
}

// OpenSSL's extended key usage bits (XKU_*), Netscape cert type bits
// (NS_*) beyond those in info.go.
const (
	xkuSSLServer = 1 << iota
	xkuSSLClient
	xkuSMIME
	xkuCodeSign
	xkuSGC
	xkuOCSPSign
	xkuTimestamp
	xkuDVCS
	xkuAnyEKU

	nsSMIME   = 0x20
	nsSMIMECA = 0x02
)

var oidDVCS = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 10}

// xkuBits is OpenSSL's ex_xkusage: the known extended key usages of ci
// (unknown ones set no bit).
func xkuBits(ci *certInfo) int {
	var b int
	for _, u := range ci.c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageServerAuth:
			b |= xkuSSLServer
		case x509.ExtKeyUsageClientAuth:
			b |= xkuSSLClient
		case x509.ExtKeyUsageEmailProtection:
			b |= xkuSMIME
		case x509.ExtKeyUsageCodeSigning:
			b |= xkuCodeSign
		case x509.ExtKeyUsageMicrosoftServerGatedCrypto, x509.ExtKeyUsageNetscapeServerGatedCrypto:
			b |= xkuSGC
		case x509.ExtKeyUsageOCSPSigning:
			b |= xkuOCSPSign
		case x509.ExtKeyUsageTimeStamping:
			b |= xkuTimestamp
		case x509.ExtKeyUsageAny:
			b |= xkuAnyEKU
		}
	}
	for _, o := range ci.c.UnknownExtKeyUsage {
		if o.Equal(oidDVCS) {
			b |= xkuDVCS
		}
	}
	return b
}

// checkPurpose is X509_check_purpose(x, purpose, requireCA): 1 suitable,
// 0 not, other positive values "suitable, but not as strict mode wants"
// (an S/MIME certificate marked for SSL clients only, a CA recognised by
// keyUsage or as a version 1 root).
func checkPurpose(ci *certInfo, p Purpose, requireCA bool) int {
	xkuReject := func(bits int) bool { return ci.ekuPresent && xkuBits(ci)&bits == 0 }
	kuReject := func(ku x509.KeyUsage) bool { return ci.kuPresent && ci.ku&ku == 0 }
	nsReject := func(ns byte) bool { return ci.nsPresent && ci.ns&ns == 0 }
	b2i := func(ok bool) int {
		if ok {
			return 1
		}
		return 0
	}
	switch p {
	case PurposeSSLClient:
		if xkuReject(xkuSSLClient) {
			return 0
		}
		if requireCA {
			return b2i(checkSSLCA(ci))
		}
		return b2i(!kuReject(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement) && !nsReject(nsSSLClient))
	case PurposeSSLServer, PurposeNSSSLServer:
		if xkuReject(xkuSSLServer | xkuSGC) {
			return 0
		}
		if requireCA {
			return b2i(checkSSLCA(ci))
		}
		if nsReject(nsSSLServer) || kuReject(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment|x509.KeyUsageKeyAgreement) {
			return 0
		}
		if p == PurposeNSSSLServer && kuReject(x509.KeyUsageKeyEncipherment) {
			return 0
		}
		return 1
	case PurposeSMIMESign, PurposeSMIMEEncrypt:
		r := smimePurpose(ci, requireCA, xkuReject(xkuSMIME))
		if r == 0 || requireCA {
			return r
		}
		if p == PurposeSMIMESign && kuReject(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) {
			return 0
		}
		if p == PurposeSMIMEEncrypt && kuReject(x509.KeyUsageKeyEncipherment) {
			return 0
		}
		return r
	case PurposeCRLSign:
		if requireCA {
			if r := checkCA(ci); r != 2 {
				return r
			}
			return 0
		}
		return b2i(!kuReject(x509.KeyUsageCRLSign))
	case PurposeOCSPHelper:
		if requireCA {
			return checkCA(ci)
		}
		return 1 // the leaf is OCSP_basic_verify's business
	case PurposeTimestampSign:
		if requireCA {
			return checkCA(ci)
		}
		const sigBits = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		if ci.kuPresent && (ci.ku&^sigBits != 0 || ci.ku&sigBits == 0) {
			return 0
		}
		if !ci.ekuPresent || xkuBits(ci) != xkuTimestamp || !ci.ekuCritical {
			return 0
		}
		return 1
	}
	return 1
}

// smimePurpose is OpenSSL's purpose_smime, the checks S/MIME signing and
// encryption share.
func smimePurpose(ci *certInfo, requireCA, xkuRejected bool) int {
	if xkuRejected {
		return 0
	}
	if requireCA {
		r := checkCA(ci)
		if r == 0 {
			return 0
		}
		if r != 5 || ci.ns&nsSMIMECA != 0 {
			return r
		}
		return 0
	}
	if ci.nsPresent {
		if ci.ns&nsSMIME != 0 {
			return 1
		}
		if ci.ns&nsSSLClient != 0 {
			return 2 // OpenSSL's workaround for old certificates
		}
		return 0
	}
	return 1
}

// purposeOK is check_purpose: a trusted certificate's explicit trust for
// the purpose settles it (explicit rejection fails it); otherwise
// X509_check_purpose decides, its "suitable with reservations" answers
// failing only in strict mode.
func (e *engine) purposeOK(depth int, ci *certInfo, requireCA bool) bool {
	if depth >= e.numUntrusted {
		switch e.checkTrustOf(ci, true) {
		case trustTrusted:
			return true
		case trustRejected:
			return false
		}
	}
	r := -1 // X509_check_purpose's answer when the extensions do not decode
	if !ci.invalid {
		r = checkPurpose(ci, e.opts.Purpose, requireCA)
	}
	switch r {
	case 1:
		return true
	case 0:
		return false
	}
	return !e.opts.Strict
}
