// Code generated from ../shared/reference/x509-verify-codes.tsv (OpenSSL 3.0 texts); DO NOT EDIT by hand.

package verify

// OpenSSL 3.0 X509_V_ERR_* verification codes, numbered as OpenSSL numbers them.
const (
	// OK is code 0: ok.
	OK = 0
	// Unspecified is code 1: unspecified certificate verification error.
	Unspecified = 1
	// UnableToGetIssuerCert is code 2: unable to get issuer certificate.
	UnableToGetIssuerCert = 2
	// UnableToGetCRL is code 3: unable to get certificate CRL.
	UnableToGetCRL = 3
	// UnableToDecryptCertSignature is code 4: unable to decrypt certificate's signature.
	UnableToDecryptCertSignature = 4
	// UnableToDecryptCRLSignature is code 5: unable to decrypt CRL's signature.
	UnableToDecryptCRLSignature = 5
	// UnableToDecodeIssuerPublicKey is code 6: unable to decode issuer public key.
	UnableToDecodeIssuerPublicKey = 6
	// CertSignatureFailure is code 7: certificate signature failure.
	CertSignatureFailure = 7
	// CRLSignatureFailure is code 8: CRL signature failure.
	CRLSignatureFailure = 8
	// CertNotYetValid is code 9: certificate is not yet valid.
	CertNotYetValid = 9
	// CertHasExpired is code 10: certificate has expired.
	CertHasExpired = 10
	// CRLNotYetValid is code 11: CRL is not yet valid.
	CRLNotYetValid = 11
	// CRLHasExpired is code 12: CRL has expired.
	CRLHasExpired = 12
	// ErrorInCertNotBeforeField is code 13: format error in certificate's notBefore field.
	ErrorInCertNotBeforeField = 13
	// ErrorInCertNotAfterField is code 14: format error in certificate's notAfter field.
	ErrorInCertNotAfterField = 14
	// ErrorInCRLLastUpdateField is code 15: format error in CRL's lastUpdate field.
	ErrorInCRLLastUpdateField = 15
	// ErrorInCRLNextUpdateField is code 16: format error in CRL's nextUpdate field.
	ErrorInCRLNextUpdateField = 16
	// OutOfMem is code 17: out of memory.
	OutOfMem = 17
	// DepthZeroSelfSignedCert is code 18: self-signed certificate.
	DepthZeroSelfSignedCert = 18
	// SelfSignedCertInChain is code 19: self-signed certificate in certificate chain.
	SelfSignedCertInChain = 19
	// UnableToGetIssuerCertLocally is code 20: unable to get local issuer certificate.
	UnableToGetIssuerCertLocally = 20
	// UnableToVerifyLeafSignature is code 21: unable to verify the first certificate.
	UnableToVerifyLeafSignature = 21
	// CertChainTooLong is code 22: certificate chain too long.
	CertChainTooLong = 22
	// CertRevoked is code 23: certificate revoked.
	CertRevoked = 23
	// NoIssuerPublicKey is code 24: issuer certificate doesn't have a public key.
	NoIssuerPublicKey = 24
	// PathLengthExceeded is code 25: path length constraint exceeded.
	PathLengthExceeded = 25
	// InvalidPurpose is code 26: unsuitable certificate purpose.
	InvalidPurpose = 26
	// CertUntrusted is code 27: certificate not trusted.
	CertUntrusted = 27
	// CertRejected is code 28: certificate rejected.
	CertRejected = 28
	// SubjectIssuerMismatch is code 29: subject issuer mismatch.
	SubjectIssuerMismatch = 29
	// AKIDSKIDMismatch is code 30: authority and subject key identifier mismatch.
	AKIDSKIDMismatch = 30
	// AKIDIssuerSerialMismatch is code 31: authority and issuer serial number mismatch.
	AKIDIssuerSerialMismatch = 31
	// KeyUsageNoCertSign is code 32: key usage does not include certificate signing.
	KeyUsageNoCertSign = 32
	// UnableToGetCRLIssuer is code 33: unable to get CRL issuer certificate.
	UnableToGetCRLIssuer = 33
	// UnhandledCriticalExtension is code 34: unhandled critical extension.
	UnhandledCriticalExtension = 34
	// KeyUsageNoCRLSign is code 35: key usage does not include CRL signing.
	KeyUsageNoCRLSign = 35
	// UnhandledCriticalCRLExtension is code 36: unhandled critical CRL extension.
	UnhandledCriticalCRLExtension = 36
	// InvalidNonCA is code 37: invalid non-CA certificate (has CA markings).
	InvalidNonCA = 37
	// ProxyPathLengthExceeded is code 38: proxy path length constraint exceeded.
	ProxyPathLengthExceeded = 38
	// KeyUsageNoDigitalSignature is code 39: key usage does not include digital signature.
	KeyUsageNoDigitalSignature = 39
	// ProxyCertificatesNotAllowed is code 40: proxy certificates not allowed, please set the appropriate flag.
	ProxyCertificatesNotAllowed = 40
	// InvalidExtension is code 41: invalid or inconsistent certificate extension.
	InvalidExtension = 41
	// InvalidPolicyExtension is code 42: invalid or inconsistent certificate policy extension.
	InvalidPolicyExtension = 42
	// NoExplicitPolicy is code 43: no explicit policy.
	NoExplicitPolicy = 43
	// DifferentCRLScope is code 44: different CRL scope.
	DifferentCRLScope = 44
	// UnsupportedExtensionFeature is code 45: unsupported extension feature.
	UnsupportedExtensionFeature = 45
	// UnnestedResource is code 46: RFC 3779 resource not subset of parent's resources.
	UnnestedResource = 46
	// PermittedViolation is code 47: permitted subtree violation.
	PermittedViolation = 47
	// ExcludedViolation is code 48: excluded subtree violation.
	ExcludedViolation = 48
	// SubtreeMinMax is code 49: name constraints minimum and maximum not supported.
	SubtreeMinMax = 49
	// ApplicationVerification is code 50: application verification failure.
	ApplicationVerification = 50
	// UnsupportedConstraintType is code 51: unsupported name constraint type.
	UnsupportedConstraintType = 51
	// UnsupportedConstraintSyntax is code 52: unsupported or invalid name constraint syntax.
	UnsupportedConstraintSyntax = 52
	// UnsupportedNameSyntax is code 53: unsupported or invalid name syntax.
	UnsupportedNameSyntax = 53
	// CRLPathValidationError is code 54: CRL path validation error.
	CRLPathValidationError = 54
	// PathLoop is code 55: path loop.
	PathLoop = 55
	// SuiteBInvalidVersion is code 56: Suite B: certificate version invalid.
	SuiteBInvalidVersion = 56
	// SuiteBInvalidAlgorithm is code 57: Suite B: invalid public key algorithm.
	SuiteBInvalidAlgorithm = 57
	// SuiteBInvalidCurve is code 58: Suite B: invalid ECC curve.
	SuiteBInvalidCurve = 58
	// SuiteBInvalidSignatureAlgorithm is code 59: Suite B: invalid signature algorithm.
	SuiteBInvalidSignatureAlgorithm = 59
	// SuiteBLOSNotAllowed is code 60: Suite B: curve not allowed for this LOS.
	SuiteBLOSNotAllowed = 60
	// SuiteBCannotSignP384WithP256 is code 61: Suite B: cannot sign P-384 with P-256.
	SuiteBCannotSignP384WithP256 = 61
	// HostnameMismatch is code 62: hostname mismatch.
	HostnameMismatch = 62
	// EmailMismatch is code 63: email address mismatch.
	EmailMismatch = 63
	// IPAddressMismatch is code 64: IP address mismatch.
	IPAddressMismatch = 64
	// DANENoMatch is code 65: no matching DANE TLSA records.
	DANENoMatch = 65
	// EEKeyTooSmall is code 66: EE certificate key too weak.
	EEKeyTooSmall = 66
	// CAKeyTooSmall is code 67: CA certificate key too weak.
	CAKeyTooSmall = 67
	// CAMDTooWeak is code 68: CA signature digest algorithm too weak.
	CAMDTooWeak = 68
	// InvalidCall is code 69: invalid certificate verification context.
	InvalidCall = 69
	// StoreLookup is code 70: issuer certificate lookup error.
	StoreLookup = 70
	// NoValidSCTs is code 71: Certificate Transparency required, but no valid SCTs found.
	NoValidSCTs = 71
	// ProxySubjectNameViolation is code 72: proxy subject name violation.
	ProxySubjectNameViolation = 72
	// OCSPVerifyNeeded is code 73: OCSP verification needed.
	OCSPVerifyNeeded = 73
	// OCSPVerifyFailed is code 74: OCSP verification failed.
	OCSPVerifyFailed = 74
	// OCSPCertUnknown is code 75: OCSP unknown cert.
	OCSPCertUnknown = 75
	// UnsupportedSignatureAlgorithm is code 76: Cannot find certificate signature algorithm.
	UnsupportedSignatureAlgorithm = 76
	// SignatureAlgorithmMismatch is code 77: subject signature algorithm and issuer public key algorithm mismatch.
	SignatureAlgorithmMismatch = 77
	// SignatureAlgorithmInconsistency is code 78: cert info signature and signature algorithm mismatch.
	SignatureAlgorithmInconsistency = 78
	// InvalidCA is code 79: invalid CA certificate.
	InvalidCA = 79
	// PathlenInvalidForNonCA is code 80: Path length invalid for non-CA cert.
	PathlenInvalidForNonCA = 80
	// PathlenWithoutKUKeyCertSign is code 81: Path length given without key usage keyCertSign.
	PathlenWithoutKUKeyCertSign = 81
	// KUKeyCertSignInvalidForNonCA is code 82: Key usage keyCertSign invalid for non-CA cert.
	KUKeyCertSignInvalidForNonCA = 82
	// IssuerNameEmpty is code 83: Issuer name empty.
	IssuerNameEmpty = 83
	// SubjectNameEmpty is code 84: Subject name empty.
	SubjectNameEmpty = 84
	// MissingAuthorityKeyIdentifier is code 85: Missing Authority Key Identifier.
	MissingAuthorityKeyIdentifier = 85
	// MissingSubjectKeyIdentifier is code 86: Missing Subject Key Identifier.
	MissingSubjectKeyIdentifier = 86
	// EmptySubjectAltName is code 87: Empty Subject Alternative Name extension.
	EmptySubjectAltName = 87
	// EmptySubjectSANNotCritical is code 88: Subject empty and Subject Alt Name extension not critical.
	EmptySubjectSANNotCritical = 88
	// CABasicConstraintsNotCritical is code 89: Basic Constraints of CA cert not marked critical.
	CABasicConstraintsNotCritical = 89
	// AuthorityKeyIdentifierCritical is code 90: Authority Key Identifier marked critical.
	AuthorityKeyIdentifierCritical = 90
	// SubjectKeyIdentifierCritical is code 91: Subject Key Identifier marked critical.
	SubjectKeyIdentifierCritical = 91
	// CACertMissingKeyUsage is code 92: CA cert does not include key usage extension.
	CACertMissingKeyUsage = 92
	// ExtensionsRequireVersion3 is code 93: Using cert extension requires at least X509v3.
	ExtensionsRequireVersion3 = 93
	// ECKeyExplicitParams is code 94: Certificate public key has explicit ECC parameters.
	ECKeyExplicitParams = 94
)

// codeTexts holds X509_verify_cert_error_string's text for each code.
var codeTexts = [...]string{
	0:  "ok",
	1:  "unspecified certificate verification error",
	2:  "unable to get issuer certificate",
	3:  "unable to get certificate CRL",
	4:  "unable to decrypt certificate's signature",
	5:  "unable to decrypt CRL's signature",
	6:  "unable to decode issuer public key",
	7:  "certificate signature failure",
	8:  "CRL signature failure",
	9:  "certificate is not yet valid",
	10: "certificate has expired",
	11: "CRL is not yet valid",
	12: "CRL has expired",
	13: "format error in certificate's notBefore field",
	14: "format error in certificate's notAfter field",
	15: "format error in CRL's lastUpdate field",
	16: "format error in CRL's nextUpdate field",
	17: "out of memory",
	18: "self-signed certificate",
	19: "self-signed certificate in certificate chain",
	20: "unable to get local issuer certificate",
	21: "unable to verify the first certificate",
	22: "certificate chain too long",
	23: "certificate revoked",
	24: "issuer certificate doesn't have a public key",
	25: "path length constraint exceeded",
	26: "unsuitable certificate purpose",
	27: "certificate not trusted",
	28: "certificate rejected",
	29: "subject issuer mismatch",
	30: "authority and subject key identifier mismatch",
	31: "authority and issuer serial number mismatch",
	32: "key usage does not include certificate signing",
	33: "unable to get CRL issuer certificate",
	34: "unhandled critical extension",
	35: "key usage does not include CRL signing",
	36: "unhandled critical CRL extension",
	37: "invalid non-CA certificate (has CA markings)",
	38: "proxy path length constraint exceeded",
	39: "key usage does not include digital signature",
	40: "proxy certificates not allowed, please set the appropriate flag",
	41: "invalid or inconsistent certificate extension",
	42: "invalid or inconsistent certificate policy extension",
	43: "no explicit policy",
	44: "different CRL scope",
	45: "unsupported extension feature",
	46: "RFC 3779 resource not subset of parent's resources",
	47: "permitted subtree violation",
	48: "excluded subtree violation",
	49: "name constraints minimum and maximum not supported",
	50: "application verification failure",
	51: "unsupported name constraint type",
	52: "unsupported or invalid name constraint syntax",
	53: "unsupported or invalid name syntax",
	54: "CRL path validation error",
	55: "path loop",
	56: "Suite B: certificate version invalid",
	57: "Suite B: invalid public key algorithm",
	58: "Suite B: invalid ECC curve",
	59: "Suite B: invalid signature algorithm",
	60: "Suite B: curve not allowed for this LOS",
	61: "Suite B: cannot sign P-384 with P-256",
	62: "hostname mismatch",
	63: "email address mismatch",
	64: "IP address mismatch",
	65: "no matching DANE TLSA records",
	66: "EE certificate key too weak",
	67: "CA certificate key too weak",
	68: "CA signature digest algorithm too weak",
	69: "invalid certificate verification context",
	70: "issuer certificate lookup error",
	71: "Certificate Transparency required, but no valid SCTs found",
	72: "proxy subject name violation",
	73: "OCSP verification needed",
	74: "OCSP verification failed",
	75: "OCSP unknown cert",
	76: "Cannot find certificate signature algorithm",
	77: "subject signature algorithm and issuer public key algorithm mismatch",
	78: "cert info signature and signature algorithm mismatch",
	79: "invalid CA certificate",
	80: "Path length invalid for non-CA cert",
	81: "Path length given without key usage keyCertSign",
	82: "Key usage keyCertSign invalid for non-CA cert",
	83: "Issuer name empty",
	84: "Subject name empty",
	85: "Missing Authority Key Identifier",
	86: "Missing Subject Key Identifier",
	87: "Empty Subject Alternative Name extension",
	88: "Subject empty and Subject Alt Name extension not critical",
	89: "Basic Constraints of CA cert not marked critical",
	90: "Authority Key Identifier marked critical",
	91: "Subject Key Identifier marked critical",
	92: "CA cert does not include key usage extension",
	93: "Using cert extension requires at least X509v3",
	94: "Certificate public key has explicit ECC parameters",
}
