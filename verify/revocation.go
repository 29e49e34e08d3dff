package verify

import (
	"bytes"
	"crypto/x509"

	"github.com/sslstream/sslstream/crl"
	"github.com/sslstream/sslstream/dn"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// CRL score bits, as OpenSSL's get_crl_score computes them.
const (
	scoreNoCritical = 0x100
	scoreScope      = 0x080
	scoreTime       = 0x040
	scoreIssuerName = 0x020
	scoreValid      = scoreNoCritical | scoreTime | scoreScope
	scoreIssuerCert = 0x018
	scoreSamePath   = 0x008
	scoreAKID       = 0x004
	scoreTimeDelta  = 0x002
)

// idpInfo is a parsed issuing distribution point extension.
type idpInfo struct {
	present                    bool
	invalid                    bool
	dp                         distPoint
	onlyUser, onlyCA, onlyAttr bool
	indirect                   bool
	hasReasons                 bool
	reasons                    uint32
}

func parseIDP(l *x509.RevocationList) idpInfo {
	var idp idpInfo
	idp.reasons = allReasons
	for _, ext := range l.Extensions {
		if extKind(ext.Id) != extIssuingDistributionPoint {
			continue
		}
		idp.present = true
		// An extension that does not decode is ignored, as OpenSSL
		// ignores it (it flags the CRL EXFLAG_INVALID, which no CRL
		// check consults): the CRL is used as if it had no IDP.
		absent := idpInfo{reasons: allReasons}
		in := cryptobyte.String(ext.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return absent
		}
		var name, user, ca, reasons, indirect, attr cryptobyte.String
		var hasName, hasUser, hasCA, hasReasons, hasIndirect, hasAttr bool
		if !seq.ReadOptionalASN1(&name, &hasName, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
			!seq.ReadOptionalASN1(&user, &hasUser, cbasn1.Tag(1).ContextSpecific()) ||
			!seq.ReadOptionalASN1(&ca, &hasCA, cbasn1.Tag(2).ContextSpecific()) ||
			!seq.ReadOptionalASN1(&reasons, &hasReasons, cbasn1.Tag(3).ContextSpecific()) ||
			!seq.ReadOptionalASN1(&indirect, &hasIndirect, cbasn1.Tag(4).ContextSpecific()) ||
			!seq.ReadOptionalASN1(&attr, &hasAttr, cbasn1.Tag(5).ContextSpecific()) || !seq.Empty() {
			return absent
		}
		if hasName && !readDistPointName(name, &idp.dp) {
			return absent
		}
		isTrue := func(b cryptobyte.String) bool { return len(b) == 1 && b[0] != 0 }
		idp.onlyUser = hasUser && isTrue(user)
		idp.onlyCA = hasCA && isTrue(ca)
		idp.onlyAttr = hasAttr && isTrue(attr)
		idp.indirect = hasIndirect && isTrue(indirect)
		n := 0
		for _, b := range []bool{idp.onlyUser, idp.onlyCA, idp.onlyAttr} {
			if b {
				n++
			}
		}
		if n > 1 {
			idp.invalid = true
		}
		if hasReasons {
			idp.hasReasons = true
			idp.reasons = readReasons(reasons)
		}
		return idp
	}
	return idp
}

// crlCandidate is a CRL with the score OpenSSL gives it for one certificate.
type crlCandidate struct {
	c       *crl.CRL
	score   int
	issuer  *certInfo
	reasons uint32
	idp     idpInfo
	// delta is the delta CRL combined with c (UseDeltas), nil when none.
	delta *crl.CRL
}

// checkRevocation is OpenSSL's check_revocation: the leaf (crl-check peer)
// or every certificate, the trust anchor included (crl-check all).
func (e *engine) checkRevocation() {
	if e.opts.CRLCheck == CRLNone {
		return
	}
	last := 0
	if e.opts.CRLCheck == CRLAll {
		last = len(e.chain) - 1
	} else if e.crlPath {
		return // the leaf of a CRL issuer's chain is no end entity
	}
	for i := 0; i <= last; i++ {
		e.checkCertCRL(i)
	}
}

// checkCertCRL is OpenSSL's check_cert (CRL part) for chain position i.
func (e *engine) checkCertCRL(i int) {
	x := e.chain[i]
	if x.proxy {
		return
	}
	reasons := uint32(0)
	for reasons != allReasons {
		lastReasons := reasons
		best := e.getCRL(i, reasons)
		if best == nil {
			if !e.crlAllowed(UnableToGetCRL, i, nil) {
				e.report(UnableToGetCRL, i, x)
			}
			return
		}
		e.noteCRL(best.c)
		reasons = best.reasons
		e.checkCRL(i, best)
		removed := false
		if best.delta != nil {
			// cert_crl of the delta first: an entry removeFromCRL
			// there means the base is not consulted.
			e.noteCRL(best.delta)
			e.checkDeltaCRL(i, best)
			removed = e.certCRL(i, best.delta)
		}
		if !removed {
			e.certCRL(i, best.c)
		}
		if lastReasons == reasons {
			if !e.crlAllowed(UnableToGetCRL, i, nil) {
				e.report(UnableToGetCRL, i, x)
			}
			return
		}
	}
}

func (e *engine) noteCRL(c *crl.CRL) {
	for _, s := range e.crlsUsed {
		if s == c.Source {
			return
		}
	}
	e.crlsUsed = append(e.crlsUsed, c.Source)
}

// getCRL is OpenSSL's get_crl_delta: get_crl_sk over the verification's
// own CRLs (Options.CRLFileFirst: the first source, as openssl verify's
// -CRLfile), and only when that yields no fully valid CRL over the store's
// (the other sources, searched together). The second search starts from the
// first one's score and reasons: a store CRL must score at least as well
// (a tie replaces the first one whatever its date), and once the first CRL
// covered every reason a CRL of the same scope has no new reason to give
// and is not taken at all.
func (e *engine) getCRL(i int, reasons uint32) *crlCandidate {
	srcs := e.opts.CRLs
	passes := [][]CRLSource{srcs}
	if e.opts.CRLFileFirst && len(srcs) > 1 {
		passes = [][]CRLSource{srcs[:1], srcs[1:]}
	}
	var best *crlCandidate
	minScore := 0 // get_crl_sk's *pscore
	for _, pass := range passes {
		var list []*crl.CRL
		for _, src := range pass {
			if src == nil {
				continue
			}
			l, err := e.crlsOf(src, e.chain[i].c.RawIssuer)
			if err != nil {
				continue
			}
			list = append(list, l...)
		}
		var found *crlCandidate
		bestScore := minScore
		for _, c := range list {
			if c == nil || c.List == nil {
				continue
			}
			cand := e.crlScore(i, c, reasons)
			if cand == nil || cand.score == 0 || cand.score < bestScore {
				continue
			}
			if found != nil && cand.score == bestScore && !c.List.ThisUpdate.After(found.c.List.ThisUpdate) {
				continue
			}
			found, bestScore = cand, cand.score
		}
		if found == nil {
			continue
		}
		best, minScore, reasons = found, found.score, found.reasons
		best.delta = e.deltaFor(i, best.c, list)
		if best.delta != nil && len(e.crlTimeCodes(best.delta)) == 0 {
			minScore |= scoreTimeDelta
		}
		if found.score >= scoreValid {
			break
		}
	}
	return best
}

// allCRLs is a CRLSource that can list every CRL it holds, as a *crl.Store
// (crl-file) can: OpenSSL searches all CRLs given with -CRLfile, whatever
// their issuer, which matters for indirect CRLs.
type allCRLs interface {
	All() []*crl.CRL
}

// crlsOf returns the CRLs of src that may cover a certificate of issuer
// rawIssuer: those of that issuer, or with ExtendedCRL every CRL of a
// source that lists them all (an indirect CRL has another issuer).
func (e *engine) crlsOf(src CRLSource, rawIssuer []byte) ([]*crl.CRL, error) {
	if e.opts.ExtendedCRL {
		if a, ok := src.(allCRLs); ok {
			return a.All(), nil
		}
	}
	return src.CRLs(rawIssuer)
}

// crlTimeCode returns 0 when the CRL is current at the verification time,
// else CRLNotYetValid or CRLHasExpired.
func (e *engine) crlTimeCodes(c *crl.CRL) []int {
	var codes []int
	if e.skipTimes() {
		return nil
	}
	if c.List.ThisUpdate.After(e.now) {
		codes = append(codes, CRLNotYetValid)
	}
	if !c.List.NextUpdate.IsZero() && !c.List.NextUpdate.After(e.now) {
		codes = append(codes, CRLHasExpired)
	}
	return codes
}

// crlAKID returns the CRL's authority key identifier as certInfo fields.
func crlAKID(c *crl.CRL) *certInfo {
	ci := &certInfo{}
	for _, ext := range c.List.Extensions {
		if extKind(ext.Id) == extAuthorityKeyID {
			ci.akidPresent = true
			if !ci.parseAKID(ext.Value) {
				ci.akidKeyIDPresent = false
			}
		}
	}
	return ci
}

// crlScore is OpenSSL's get_crl_score.
func (e *engine) crlScore(i int, c *crl.CRL, reasons uint32) *crlCandidate {
	x := e.chain[i]
	cand := &crlCandidate{c: c, idp: parseIDP(c.List)}
	if cand.idp.invalid {
		return nil
	}
	switch {
	case !e.opts.ExtendedCRL:
		// Indirect CRLs and CRLs of some reasons only need extended
		// CRL support; a delta CRL is taken for a complete one.
		if cand.idp.indirect || cand.idp.hasReasons {
			return nil
		}
	case cand.idp.hasReasons:
		if cand.idp.reasons&^reasons == 0 {
			return nil // no new reasons
		}
	case isDelta(c):
		return nil // deltas are looked for once a base is chosen
	}
	score := 0
	if dn.Equal(x.c.RawIssuer, c.List.RawIssuer) {
		score = scoreIssuerName
	} else if !cand.idp.indirect {
		return nil
	}
	if e.opts.Strict && (c.List.Number == nil || c.AlgorithmMismatch) {
		// RFC 5280 5.2.3: conforming CRLs carry a CRL number; 5.1.1.2:
		// the inner signature algorithm is the outer one (OpenSSL does
		// not compare them for CRLs).
		return nil
	}
	if !c.UnhandledCriticalExtension() {
		score |= scoreNoCritical
	}
	if len(e.crlTimeCodes(c)) == 0 {
		score |= scoreTime
	}
	// crl_akid_check: the issuer is the next certificate of the chain (the
	// certificate itself at the top), else a later one with the CRL's name.
	akid := crlAKID(c)
	cidx := i
	if cidx != len(e.chain)-1 {
		cidx++
	}
	if score&scoreIssuerName != 0 && checkAKID(e.chain[cidx], akid) == OK {
		score |= scoreAKID | scoreIssuerCert
		cand.issuer = e.chain[cidx]
	} else {
		for cidx++; cidx < len(e.chain); cidx++ {
			ci := e.chain[cidx]
			if !dn.Equal(ci.c.RawSubject, c.List.RawIssuer) {
				continue
			}
			if checkAKID(ci, akid) == OK {
				score |= scoreAKID | scoreSamePath
				cand.issuer = ci
				break
			}
		}
	}
	if score&scoreAKID == 0 && e.opts.ExtendedCRL {
		if ci := e.untrustedCRLIssuer(c.List.RawIssuer, akid); ci != nil {
			score |= scoreAKID
			cand.issuer = ci
		}
	}
	if score&scoreAKID == 0 {
		return nil
	}
	if ok, crlReasons := crldpCheck(x, cand.idp, c, score); ok {
		if crlReasons&^reasons == 0 {
			return nil
		}
		reasons |= crlReasons
		score |= scoreScope
	}
	cand.score = score
	cand.reasons = reasons
	return cand
}

// crldpCheck is OpenSSL's crl_crldp_check: is the certificate within the
// CRL's scope?
func crldpCheck(x *certInfo, idp idpInfo, c *crl.CRL, score int) (bool, uint32) {
	if idp.onlyAttr {
		return false, 0
	}
	if x.ca {
		if idp.onlyUser {
			return false, 0
		}
	} else if idp.onlyCA {
		return false, 0
	}
	reasons := idp.reasons
	for _, dp := range x.crldp {
		if crldpCheckIssuer(dp, c, score) {
			if !idp.present || idpCheckDP(dp, idp.dp) {
				return true, reasons & dp.reasons
			}
		}
	}
	return (!idp.present || !idp.dp.hasName) && score&scoreIssuerName != 0, reasons
}

func crldpCheckIssuer(dp distPoint, c *crl.CRL, score int) bool {
	if dp.crlIssuer == nil {
		return score&scoreIssuerName != 0
	}
	for _, g := range dp.crlIssuer {
		if g.typ == genDir && dn.Equal(g.value, c.List.RawIssuer) {
			return true
		}
	}
	return false
}

// idpCheckDP is OpenSSL's idp_check_dp (relative names compared as
// encoded).
func idpCheckDP(a, b distPoint) bool {
	if !a.hasName || !b.hasName {
		return true
	}
	if a.isRel || b.isRel {
		if a.isRel && b.isRel {
			return bytes.Equal(a.relative, b.relative)
		}
		return false
	}
	for _, ga := range a.fullName {
		for _, gb := range b.fullName {
			if ga.typ == gb.typ && bytes.Equal(ga.value, gb.value) {
				return true
			}
		}
	}
	return false
}

// checkCRL is OpenSSL's check_crl: the CRL's issuer may sign CRLs, covers
// the certificate, is current, and signed it.
func (e *engine) checkCRL(i int, cand *crlCandidate) {
	x := e.chain[i]
	issuer := cand.issuer
	if issuer == nil {
		return
	}
	if issuer.kuPresent && issuer.ku&x509.KeyUsageCRLSign == 0 {
		e.report(KeyUsageNoCRLSign, i, x)
	}
	if cand.score&scoreScope == 0 {
		e.report(DifferentCRLScope, i, x)
	}
	if cand.score&scoreSamePath == 0 && !e.checkCRLPath(issuer) {
		e.report(CRLPathValidationError, i, x)
	}
	if cand.score&scoreTime == 0 {
		// A current delta CRL makes OpenSSL ignore the base's
		// expiry (CRL_SCORE_TIME_DELTA).
		deltaCurrent := cand.delta != nil && len(e.crlTimeCodes(cand.delta)) == 0
		for _, code := range e.crlTimeCodes(cand.c) {
			if code == CRLHasExpired && deltaCurrent {
				continue
			}
			if !e.crlAllowed(code, i, cand.c) {
				e.report(code, i, x)
			}
		}
	}
	if !issuer.pubKeyOK {
		e.report(UnableToDecodeIssuerPublicKey, i, x)
		return
	}
	l := cand.c.List
	if !e.sigs.checkCRL(issuer.c, cand.c, func() bool {
		return checkSignatureBy(issuer, l.SignatureAlgorithm, l.Raw, l.RawTBSRevocationList, l.Signature) == nil
	}) {
		e.report(CRLSignatureFailure, i, x)
	}
}

// certCRL is OpenSSL's cert_crl: is the certificate on the list? It
// returns true when the certificate's entry has reason removeFromCRL
// (OpenSSL's return value 2).
func (e *engine) certCRL(i int, c *crl.CRL) (removed bool) {
	x := e.chain[i]
	if c.UnhandledCriticalExtension() {
		e.report(UnhandledCriticalCRLExtension, i, x)
	}
	for _, entry := range c.LookupAll(x.c.SerialNumber) {
		if !entryIssuerMatches(c, entry, x.c.RawIssuer) {
			continue
		}
		if entry.ReasonCode == 8 { // removeFromCRL
			return true
		}
		e.report(CertRevoked, i, x)
		return false
	}
	return false
}

// entryIssuerMatches is crl_revoked_issuer_match: an entry belongs to the
// certificate issuer of its certificateIssuer extension (its own or an
// earlier entry's), else to the CRL's issuer.
func entryIssuerMatches(c *crl.CRL, entry crl.Revoked, rawIssuer []byte) bool {
	if entry.Issuer == nil {
		return dn.Equal(rawIssuer, c.List.RawIssuer)
	}
	gens, ok := parseGeneralNames(entry.Issuer, true)
	if !ok {
		return false
	}
	for _, g := range gens {
		if g.typ == genDir && dn.Equal(rawIssuer, g.value) {
			return true
		}
	}
	return false
}
