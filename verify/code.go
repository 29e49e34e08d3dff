package verify

// Code is an OpenSSL 3.0 certificate verification code (X509_V_ERR_*), as
// Result.Code, Result.FinalCode and Problem.Code hold it (they are plain
// ints, so that existing code comparing them with numbers keeps working).
// The constants OK, Unspecified, UnableToGetIssuerCert, ... name every code.
type Code int

// String returns OpenSSL 3.0's X509_verify_cert_error_string text for c,
// e.g. Code(20).String() == "unable to get local issuer certificate"; a
// code OpenSSL does not define gives "unknown certificate verification
// error".
func (c Code) String() string { return Text(int(c)) }

// Continuable reports whether `openssl verify` continues after printing an
// error with this code (see the package function Continuable).
func (c Code) Continuable() bool { return Continuable(int(c)) }
