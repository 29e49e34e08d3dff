package x509text

import (
	"encoding/asn1"
	"sort"
	"strconv"
	"strings"
)

// longNames maps object identifiers to the long names OpenSSL 3.0 prints
// (OBJ_obj2txt without numeric form) for algorithms, extended key usages,
// access methods and policies. An OID not in the table prints in dotted form.
var longNames = map[string]string{
	// Signature and public key algorithms.
	"1.2.840.113549.1.1.1":    "rsaEncryption",
	"1.2.840.113549.1.1.2":    "md2WithRSAEncryption",
	"1.2.840.113549.1.1.4":    "md5WithRSAEncryption",
	"1.2.840.113549.1.1.5":    "sha1WithRSAEncryption",
	"1.2.840.113549.1.1.8":    "mgf1",
	"1.2.840.113549.1.1.10":   "rsassaPss",
	"1.2.840.113549.1.1.11":   "sha256WithRSAEncryption",
	"1.2.840.113549.1.1.12":   "sha384WithRSAEncryption",
	"1.2.840.113549.1.1.13":   "sha512WithRSAEncryption",
	"1.2.840.113549.1.1.14":   "sha224WithRSAEncryption",
	"1.2.840.113549.1.1.15":   "sha512-224WithRSAEncryption",
	"1.2.840.113549.1.1.16":   "sha512-256WithRSAEncryption",
	"1.2.840.10045.2.1":       "id-ecPublicKey",
	"1.2.840.10045.4.1":       "ecdsa-with-SHA1",
	"1.2.840.10045.4.3.1":     "ecdsa-with-SHA224",
	"1.2.840.10045.4.3.2":     "ecdsa-with-SHA256",
	"1.2.840.10045.4.3.3":     "ecdsa-with-SHA384",
	"1.2.840.10045.4.3.4":     "ecdsa-with-SHA512",
	"1.3.101.110":             "X25519",
	"1.3.101.111":             "X448",
	"1.3.101.112":             "ED25519",
	"1.3.101.113":             "ED448",
	"1.2.840.10040.4.1":       "dsaEncryption",
	"1.2.840.10040.4.3":       "dsaWithSHA1",
	"2.16.840.1.101.3.4.3.1":  "dsa_with_SHA224",
	"2.16.840.1.101.3.4.3.2":  "dsa_with_SHA256",
	"1.3.14.3.2.26":           "sha1",
	"1.2.840.113549.2.5":      "md5",
	"2.16.840.1.101.3.4.2.1":  "sha256",
	"2.16.840.1.101.3.4.2.2":  "sha384",
	"2.16.840.1.101.3.4.2.3":  "sha512",
	"2.16.840.1.101.3.4.2.4":  "sha224",
	"2.16.840.1.101.3.4.2.5":  "sha512-224",
	"2.16.840.1.101.3.4.2.6":  "sha512-256",
	"1.2.840.10045.3.1.7":     "prime256v1",
	"1.3.132.0.33":            "secp224r1",
	"1.3.132.0.34":            "secp384r1",
	"1.3.132.0.35":            "secp521r1",
	"1.3.132.0.10":            "secp256k1",
	"1.3.36.3.3.2.8.1.1.7":    "brainpoolP256r1",
	"1.3.36.3.3.2.8.1.1.11":   "brainpoolP384r1",
	"1.3.36.3.3.2.8.1.1.13":   "brainpoolP512r1",
	"2.5.29.32.0":             "X509v3 Any Policy",
	"1.3.6.1.5.5.7.2.1":       "Policy Qualifier CPS",
	"1.3.6.1.5.5.7.2.2":       "Policy Qualifier User Notice",
	"1.3.6.1.5.5.7.48.1":      "OCSP",
	"1.3.6.1.5.5.7.48.2":      "CA Issuers",
	"1.3.6.1.5.5.7.48.3":      "AD Time Stamping",
	"1.3.6.1.5.5.7.48.5":      "CA Repository",
	"1.3.6.1.5.5.7.48.10":     "ad dvcs",
	"1.3.6.1.5.5.7.3.1":       "TLS Web Server Authentication",
	"1.3.6.1.5.5.7.3.2":       "TLS Web Client Authentication",
	"1.3.6.1.5.5.7.3.3":       "Code Signing",
	"1.3.6.1.5.5.7.3.4":       "E-mail Protection",
	"1.3.6.1.5.5.7.3.5":       "IPSec End System",
	"1.3.6.1.5.5.7.3.6":       "IPSec Tunnel",
	"1.3.6.1.5.5.7.3.7":       "IPSec User",
	"1.3.6.1.5.5.7.3.8":       "Time Stamping",
	"1.3.6.1.5.5.7.3.9":       "OCSP Signing",
	"1.3.6.1.5.5.7.3.17":      "ipsec Internet Key Exchange",
	"2.5.29.37.0":             "Any Extended Key Usage",
	"1.3.6.1.4.1.311.2.1.21":  "Microsoft Individual Code Signing",
	"1.3.6.1.4.1.311.2.1.22":  "Microsoft Commercial Code Signing",
	"1.3.6.1.4.1.311.10.3.1":  "Microsoft Trust List Signing",
	"1.3.6.1.4.1.311.10.3.3":  "Microsoft Server Gated Crypto",
	"1.3.6.1.4.1.311.10.3.4":  "Microsoft Encrypted File System",
	"1.3.6.1.4.1.311.20.2.2":  "Microsoft Smartcard Login",
	"2.16.840.1.113730.4.1":   "Netscape Server Gated Crypto",
	"1.3.6.1.4.1.11129.2.4.4": "CT Precertificate Signer",
	"1.3.6.1.4.1.311.20.2.3":  "Microsoft User Principal Name",
	// More names openssl 3.0 prints for OIDs that appear in certificates
	// (learnt from `openssl asn1parse -genstr OID:...` on this machine).
	"1.3.6.1.4.1.11129.2.4.2": "CT Precertificate SCTs",
	"1.3.6.1.4.1.11129.2.4.3": "CT Precertificate Poison",
	"1.3.6.1.4.1.11129.2.4.5": "CT Certificate SCTs",
	"1.3.6.1.4.1.311.2.1.14":  "Microsoft Extension Request",
	"1.3.6.1.5.5.7.1.1":       "Authority Information Access",
	"1.3.6.1.5.5.7.1.10":      "ac-proxying",
	"1.3.6.1.5.5.7.1.11":      "Subject Information Access",
	"1.3.6.1.5.5.7.1.14":      "Proxy Certificate Information",
	"1.3.6.1.5.5.7.1.2":       "Biometric Info",
	"1.3.6.1.5.5.7.1.24":      "TLS Feature",
	"1.3.6.1.5.5.7.1.28":      "sbgp-ipAddrBlockv2",
	"1.3.6.1.5.5.7.1.29":      "sbgp-autonomousSysNumv2",
	"1.3.6.1.5.5.7.1.4":       "ac-auditEntity",
	"1.3.6.1.5.5.7.1.5":       "ac-targeting",
	"1.3.6.1.5.5.7.1.6":       "aaControls",
	"1.3.6.1.5.5.7.1.7":       "sbgp-ipAddrBlock",
	"1.3.6.1.5.5.7.1.8":       "sbgp-autonomousSysNum",
	"1.3.6.1.5.5.7.1.9":       "sbgp-routerIdentifier",
	"1.3.6.1.5.5.7.2.3":       "textNotice",
	"1.3.6.1.5.5.7.3.10":      "dvcs",
	"1.3.6.1.5.5.7.3.18":      "Ctrl/provision WAP Access",
	"1.3.6.1.5.5.7.3.19":      "Ctrl/Provision WAP Termination",
	"1.3.6.1.5.5.7.3.21":      "SSH Client",
	"1.3.6.1.5.5.7.3.22":      "SSH Server",
	"1.3.6.1.5.5.7.3.23":      "Send Router",
	"1.3.6.1.5.5.7.3.24":      "Send Proxied Router",
	"1.3.6.1.5.5.7.3.25":      "Send Owner",
	"1.3.6.1.5.5.7.3.26":      "Send Proxied Owner",
	"1.3.6.1.5.5.7.3.27":      "CMC Certificate Authority",
	"1.3.6.1.5.5.7.3.28":      "CMC Registration Authority",
	"1.3.6.1.5.5.7.3.29":      "CMC Archive Server",
	"1.3.6.1.5.5.7.3.30":      "BGPsec Router",
	"1.3.6.1.5.5.7.3.31":      "Brand Indicator for Message Identification",
	"1.3.6.1.5.5.7.3.32":      "Certificate Management Key Generation Authority",
	"1.3.6.1.5.5.7.48.1.1":    "Basic OCSP Response",
	"1.3.6.1.5.5.7.48.1.10":   "path",
	"1.3.6.1.5.5.7.48.1.11":   "Trust Root",
	"1.3.6.1.5.5.7.48.1.2":    "OCSP Nonce",
	"1.3.6.1.5.5.7.48.1.3":    "OCSP CRL ID",
	"1.3.6.1.5.5.7.48.1.4":    "Acceptable OCSP Responses",
	"1.3.6.1.5.5.7.48.1.5":    "OCSP No Check",
	"1.3.6.1.5.5.7.48.1.6":    "OCSP Archive Cutoff",
	"1.3.6.1.5.5.7.48.1.7":    "OCSP Service Locator",
	"1.3.6.1.5.5.7.48.1.8":    "Extended OCSP Status",
	"1.3.6.1.5.5.7.48.1.9":    "valid",
	"1.3.6.1.5.5.7.48.11":     "Signed Object",
	"1.3.6.1.5.5.7.48.13":     "RPKI Notify",
	"1.3.6.1.5.5.7.48.4":      "ad dvcs",
	"1.3.6.1.5.5.7.8.1":       "id-on-personalData",
	"1.3.6.1.5.5.7.8.3":       "Permanent Identifier",
	"1.3.6.1.5.5.7.8.5":       "XmppAddr",
	"1.3.6.1.5.5.7.8.7":       "SRVName",
	"1.3.6.1.5.5.7.8.8":       "NAIRealm",
	"1.3.6.1.5.5.7.8.9":       "Smtp UTF8 Mailbox",
	"2.16.840.1.113730.1.1":   "Netscape Cert Type",
	"2.16.840.1.113730.1.13":  "Netscape Comment",
	"2.5.29.14":               "X509v3 Subject Key Identifier",
	"2.5.29.15":               "X509v3 Key Usage",
	"2.5.29.16":               "X509v3 Private Key Usage Period",
	"2.5.29.17":               "X509v3 Subject Alternative Name",
	"2.5.29.18":               "X509v3 Issuer Alternative Name",
	"2.5.29.19":               "X509v3 Basic Constraints",
	"2.5.29.20":               "X509v3 CRL Number",
	"2.5.29.21":               "X509v3 CRL Reason Code",
	"2.5.29.23":               "Hold Instruction Code",
	"2.5.29.24":               "Invalidity Date",
	"2.5.29.27":               "X509v3 Delta CRL Indicator",
	"2.5.29.28":               "X509v3 Issuing Distribution Point",
	"2.5.29.29":               "X509v3 Certificate Issuer",
	"2.5.29.30":               "X509v3 Name Constraints",
	"2.5.29.31":               "X509v3 CRL Distribution Points",
	"2.5.29.32":               "X509v3 Certificate Policies",
	"2.5.29.33":               "X509v3 Policy Mappings",
	"2.5.29.35":               "X509v3 Authority Key Identifier",
	"2.5.29.36":               "X509v3 Policy Constraints",
	"2.5.29.37":               "X509v3 Extended Key Usage",
	"2.5.29.46":               "X509v3 Freshest CRL",
	"2.5.29.54":               "X509v3 Inhibit Any Policy",
	"2.5.29.55":               "X509v3 AC Targeting",
	"2.5.29.56":               "X509v3 No Revocation Available",
}

// Extension types this package decodes.
var (
	oidSubjectKeyID     = "2.5.29.14"
	oidKeyUsage         = "2.5.29.15"
	oidSubjectAltName   = "2.5.29.17"
	oidIssuerAltName    = "2.5.29.18"
	oidBasicConstraints = "2.5.29.19"
	oidNameConstraints  = "2.5.29.30"
	oidCRLDistPoints    = "2.5.29.31"
	oidCertPolicies     = "2.5.29.32"
	oidPolicyMappings   = "2.5.29.33"
	oidAuthorityKeyID   = "2.5.29.35"
	oidPolicyConstr     = "2.5.29.36"
	oidExtKeyUsage      = "2.5.29.37"
	oidFreshestCRL      = "2.5.29.46"
	oidInhibitAnyPolicy = "2.5.29.54"
	oidAuthorityInfo    = "1.3.6.1.5.5.7.1.1"
	oidSubjectInfo      = "1.3.6.1.5.5.7.1.11"
	oidTLSFeature       = "1.3.6.1.5.5.7.1.24"
	oidOCSPNoCheck      = "1.3.6.1.5.5.7.48.1.5"
	oidSCTList          = "1.3.6.1.4.1.11129.2.4.2"
	oidCTPoison         = "1.3.6.1.4.1.11129.2.4.3"
	oidNSCertType       = "2.16.840.1.113730.1.1"
	oidNSComment        = "2.16.840.1.113730.1.13"
	oidPrivKeyUsage     = "2.5.29.16"
	oidCRLNumber        = "2.5.29.20"
	oidDeltaCRL         = "2.5.29.27"
	oidCertIssuer       = "2.5.29.29"
)

// extNames gives, for each extension OpenSSL 3.0 names, its short name
// (what `openssl x509 -ext` takes) and long name (what -text prints).
var extNames = map[string][2]string{
	oidSubjectKeyID:          {"subjectKeyIdentifier", "X509v3 Subject Key Identifier"},
	oidKeyUsage:              {"keyUsage", "X509v3 Key Usage"},
	oidPrivKeyUsage:          {"privateKeyUsagePeriod", "X509v3 Private Key Usage Period"},
	oidSubjectAltName:        {"subjectAltName", "X509v3 Subject Alternative Name"},
	oidIssuerAltName:         {"issuerAltName", "X509v3 Issuer Alternative Name"},
	oidBasicConstraints:      {"basicConstraints", "X509v3 Basic Constraints"},
	oidNameConstraints:       {"nameConstraints", "X509v3 Name Constraints"},
	oidCRLDistPoints:         {"crlDistributionPoints", "X509v3 CRL Distribution Points"},
	oidCertPolicies:          {"certificatePolicies", "X509v3 Certificate Policies"},
	oidPolicyMappings:        {"policyMappings", "X509v3 Policy Mappings"},
	oidAuthorityKeyID:        {"authorityKeyIdentifier", "X509v3 Authority Key Identifier"},
	oidPolicyConstr:          {"policyConstraints", "X509v3 Policy Constraints"},
	oidExtKeyUsage:           {"extendedKeyUsage", "X509v3 Extended Key Usage"},
	oidFreshestCRL:           {"freshestCRL", "X509v3 Freshest CRL"},
	oidInhibitAnyPolicy:      {"inhibitAnyPolicy", "X509v3 Inhibit Any Policy"},
	oidCRLNumber:             {"crlNumber", "X509v3 CRL Number"},
	oidDeltaCRL:              {"deltaCRL", "X509v3 Delta CRL Indicator"},
	oidCertIssuer:            {"certificateIssuer", "X509v3 Certificate Issuer"},
	"2.5.29.9":               {"subjectDirectoryAttributes", "X509v3 Subject Directory Attributes"},
	oidAuthorityInfo:         {"authorityInfoAccess", "Authority Information Access"},
	oidSubjectInfo:           {"subjectInfoAccess", "Subject Information Access"},
	oidTLSFeature:            {"tlsfeature", "TLS Feature"},
	oidOCSPNoCheck:           {"noCheck", "OCSP No Check"},
	oidSCTList:               {"ct_precert_scts", "CT Precertificate SCTs"},
	oidCTPoison:              {"ct_precert_poison", "CT Precertificate Poison"},
	oidNSCertType:            {"nsCertType", "Netscape Cert Type"},
	oidNSComment:             {"nsComment", "Netscape Comment"},
	"2.16.840.1.113730.1.2":  {"nsBaseUrl", "Netscape Base Url"},
	"2.16.840.1.113730.1.3":  {"nsRevocationUrl", "Netscape Revocation Url"},
	"2.16.840.1.113730.1.4":  {"nsCaRevocationUrl", "Netscape CA Revocation Url"},
	"2.16.840.1.113730.1.7":  {"nsRenewalUrl", "Netscape Renewal Url"},
	"2.16.840.1.113730.1.8":  {"nsCaPolicyUrl", "Netscape CA Policy Url"},
	"2.16.840.1.113730.1.12": {"nsSslServerName", "Netscape SSL Server Name"},
	"1.3.6.1.5.5.7.1.3":      {"qcStatements", "qcStatements"},
	"2.23.42.7.0":            {"setCext-hashedRoot", "setCext-hashedRoot"},
}

// oidText is OpenSSL's i2a_ASN1_OBJECT: the long name when OpenSSL has one,
// else the dotted form.
func oidText(oid asn1.ObjectIdentifier) string {
	s := oid.String()
	if n, ok := longNames[s]; ok {
		return n
	}
	if n, ok := extNames[s]; ok {
		return n[1]
	}
	return s
}

// OIDName returns the name OpenSSL 3.0 prints for a dotted OID
// (OBJ_obj2txt without numeric form), or the OID itself when OpenSSL has
// no name for it.
func OIDName(dotted string) string {
	if n, ok := longNames[dotted]; ok {
		return n
	}
	if n, ok := extNames[dotted]; ok {
		return n[1]
	}
	return dotted
}

// ExtensionShortName returns the short name by which `openssl x509 -ext`
// selects an extension (subjectAltName, basicConstraints, ...), or "" when
// OpenSSL has no name for it.
func ExtensionShortName(oid asn1.ObjectIdentifier) string {
	return extNames[oid.String()][0]
}

// curves gives the NIST name of the named curves openssl prints one for.
var nistCurves = map[string]string{
	"1.2.840.10045.3.1.7": "P-256",
	"1.3.132.0.33":        "P-224",
	"1.3.132.0.34":        "P-384",
	"1.3.132.0.35":        "P-521",
}

// curveBits is the bit size of each curve's order, as "Public-Key: (N bit)".
var curveBits = map[string]int{
	"1.2.840.10045.3.1.7":   256,
	"1.3.132.0.33":          224,
	"1.3.132.0.34":          384,
	"1.3.132.0.35":          521,
	"1.3.132.0.10":          256,
	"1.3.36.3.3.2.8.1.1.7":  256,
	"1.3.36.3.3.2.8.1.1.11": 384,
	"1.3.36.3.3.2.8.1.1.13": 512,
}

// knownExtensionOIDs lists the extensions the package has names for.
func knownExtensionOIDs() []asn1.ObjectIdentifier {
	var out []asn1.ObjectIdentifier
	for s := range extNames {
		var oid asn1.ObjectIdentifier
		for _, part := range strings.Split(s, ".") {
			n, err := strconv.Atoi(part)
			if err != nil {
				return out
			}
			oid = append(oid, n)
		}
		out = append(out, oid)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
