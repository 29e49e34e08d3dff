package verify

// The verification flags of OpenSSL's X509_VERIFY_PARAM that change single
// checks: -check_ss_sig and -no_check_time.

// skipTimes reports whether validity periods go unchecked: NoCheckTime
// without an explicit Time (X509_V_FLAG_NO_CHECK_TIME loses to
// X509_V_FLAG_USE_CHECK_TIME in OpenSSL).
func (e *engine) skipTimes() bool {
	return e.opts.NoCheckTime && e.opts.Time.IsZero()
}

// checkSelfSig reports whether internal_verify checks the signature of
// xi, the self-issued certificate at the top of the chain, with its own
// key: only under CheckSelfSignature, and only when it is self-signed
// (EXFLAG_SS: names, key identifiers and key type fit).
func (e *engine) checkSelfSig(xi *certInfo) bool {
	return e.opts.CheckSelfSignature && xi.selfSigned
}
