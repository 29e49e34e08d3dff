package verify

import "crypto/x509"

// strictChecks are the RFC 5280 conformance checks of OpenSSL's
// -x509_strict (X509_V_FLAG_X509_STRICT) for chain position i, done only for
// chains of more than one certificate.
func (e *engine) strictChecks(i int, x *certInfo) {
	num := len(e.chain)
	if x.pathLen != -1 {
		if !x.ca {
			e.report(PathlenInvalidForNonCA, i, x)
		}
		if !x.kuPresent || x.ku&x509.KeyUsageCertSign == 0 {
			e.report(PathlenWithoutKUKeyCertSign, i, x)
		}
	}
	if x.ca && x.bcPresent && !x.bcCritical {
		e.report(CABasicConstraintsNotCritical, i, x)
	}
	if x.ca {
		if !x.kuPresent {
			e.report(CACertMissingKeyUsage, i, x)
		}
	} else if x.kuPresent && x.ku&x509.KeyUsageCertSign != 0 {
		e.report(KUKeyCertSignInvalidForNonCA, i, x)
	}
	if emptyName(x.c.RawIssuer) {
		e.report(IssuerNameEmpty, i, x)
	}
	subjEmpty := emptyName(x.c.RawSubject)
	if (x.ca || (x.kuPresent && x.ku&x509.KeyUsageCRLSign != 0) || !x.sanPresent) && subjEmpty {
		e.report(SubjectNameEmpty, i, x)
	}
	if subjEmpty && x.sanPresent && !x.sanCritical {
		e.report(EmptySubjectSANNotCritical, i, x)
	}
	if x.sanPresent && len(x.sans) == 0 {
		e.report(EmptySubjectAltName, i, x)
	}
	if x.sigAlgInconsistent {
		e.report(SignatureAlgorithmInconsistency, i, x)
	}
	if x.akidPresent && x.akidCritical {
		e.report(AuthorityKeyIdentifierCritical, i, x)
	}
	if x.skidPresent && x.skidCritical {
		e.report(SubjectKeyIdentifierCritical, i, x)
	}
	if x.c.Version >= 3 {
		if i+1 < num && !x.akidPresent {
			e.report(MissingAuthorityKeyIdentifier, i, x)
		}
		if x.ca && !x.skidPresent {
			e.report(MissingSubjectKeyIdentifier, i, x)
		}
	} else if x.extCount > 0 {
		e.report(ExtensionsRequireVersion3, i, x)
	}
}

// emptyName reports whether a DER Name has no attributes.
func emptyName(raw []byte) bool {
	// An empty SEQUENCE is 30 00.
	return len(raw) == 2 && raw[0] == 0x30 && raw[1] == 0
}
