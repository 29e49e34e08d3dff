package verify

import (
	"crypto/x509"
	"fmt"
	"github.com/sslstream/sslstream/internal/dercheck"
	"math/big"
	"sort"
	"strings"

	"github.com/sslstream/sslstream/x509text"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// This file is OpenSSL 3.0's certificate policy checking (crypto/x509's
// pcy_cache.c, pcy_map.c, pcy_node.c, pcy_tree.c and check_policy in
// x509_vfy.c): the valid policy tree of RFC 5280 6.1, built as OpenSSL
// builds it, with its bound on the size of the tree.

// policyTreeNodesMax is OpenSSL's OPENSSL_POLICY_TREE_NODES_MAX: the most
// nodes one policy tree may ever hold (pruned nodes count too), added
// against CVE-2023-0464. A tree that needs more fails the verification as
// OpenSSL's memory failure does (code 17).
const policyTreeNodesMax = 1000

// anyPolicyDER is the content octets of anyPolicy, 2.5.29.32.0.
var anyPolicyDER = string([]byte{0x55, 0x1d, 0x20, 0x00})

// ParsePolicyOID parses a policy identifier as openssl's -policy takes it:
// a dotted OID such as 1.3.6.1.4.1.99999.1, or anyPolicy (also spelt
// "X509v3 Any Policy", OpenSSL's long name).
func ParsePolicyOID(s string) (x509.OID, error) {
	t := strings.TrimSpace(s)
	if t == "anyPolicy" || t == "X509v3 Any Policy" {
		t = "2.5.29.32.0"
	}
	oid, err := x509.ParseOID(t)
	if err != nil {
		return x509.OID{}, fmt.Errorf("policy %q: not an OID (want dotted numbers, e.g. 1.3.6.1.4.1.99999.1, or anyPolicy)", s)
	}
	return oid, nil
}

// policyChecking reports whether Options ask for policy checking: any of
// the policy options implies it, as X509_VERIFY_PARAM_set_flags does.
func (o *Options) policyChecking() bool {
	return o.PolicyCheck || o.ExplicitPolicy || o.InhibitAnyPolicy || o.InhibitPolicyMapping || len(o.Policies) > 0
}

// Flags of policyData, as OpenSSL's POLICY_DATA_FLAG_*.
const (
	pdMapped    = 0x1 // issuerDomainPolicy of a mapping, in the certificate
	pdMappedAny = 0x2 // issuerDomainPolicy of a mapping, through anyPolicy
	pdMapMask   = pdMapped | pdMappedAny
)

// policyData is OpenSSL's X509_POLICY_DATA: one policy of a certificate
// (or one made for the tree), shared by the nodes that carry it.
type policyData struct {
	oid      string // content octets of the OID
	flags    int
	critical bool     // the certificatePolicies extension is critical
	expected []string // expected_policy_set of a mapped policy
	quals    []byte   // the qualifiers' DER (nil: none), for printing
}

// policyCache is OpenSSL's X509_POLICY_CACHE of one certificate.
type policyCache struct {
	anyPolicy *policyData
	data      []*policyData
	hasData   bool // cache->data != NULL
	anySkip   int64
	explSkip  int64
	mapSkip   int64
	invalid   bool // EXFLAG_INVALID_POLICY
	// sorted: as OpenSSL's stack of the data, sorted by a lookup and
	// unsorted by an append (the order the tree's nodes are made in).
	sorted bool
}

func (pc *policyCache) find(oid string) *policyData {
	if !pc.sorted {
		sortPolicyData(pc.data)
		pc.sorted = true
	}
	for _, d := range pc.data {
		if d.oid == oid {
			return d
		}
	}
	return nil
}

// newPolicyCache is policy_cache_new: the policy extensions of ci as
// OpenSSL decodes them. A certificate whose extensions OpenSSL cannot
// decode, or that break its rules, is invalid (code 42 when policies are
// checked).
func newPolicyCache(ci *certInfo) *policyCache {
	pc := &policyCache{anySkip: -1, explSkip: -1, mapSkip: -1, invalid: ci.policyInvalid}
	var cpols, pmaps, pcons, inhAny []byte
	var cpolsCrit bool
	var hasCpols, hasPmaps, hasPcons, hasInhAny bool
	for _, e := range ci.c.Extensions {
		switch extKind(e.Id) {
		case extCertificatePolicies:
			if hasCpols {
				pc.invalid = true // X509_get_ext_d2i: more than one
			}
			cpols, cpolsCrit, hasCpols = e.Value, e.Critical, true
		case extPolicyMappings:
			if hasPmaps {
				pc.invalid = true
			}
			pmaps, hasPmaps = e.Value, true
		case extPolicyConstraints:
			if hasPcons {
				pc.invalid = true
			}
			pcons, hasPcons = e.Value, true
		case extInhibitAnyPolicy:
			if hasInhAny {
				pc.invalid = true
			}
			inhAny, hasInhAny = e.Value, true
		}
	}
	// requireExplicitPolicy first: it counts even without policies.
	if hasPcons {
		expl, inh, ok := parsePolicyConstraints(pcons)
		if !ok {
			pc.invalid = true
			return pc
		}
		if expl != nil {
			if expl.Sign() < 0 {
				pc.invalid = true
				return pc
			}
			pc.explSkip = asn1IntegerGet(expl)
		}
		if inh != nil {
			if inh.Sign() < 0 {
				pc.invalid = true
				return pc
			}
			pc.mapSkip = asn1IntegerGet(inh)
		}
	}
	if !hasCpols {
		return pc
	}
	infos, ok := parseCertificatePolicies(cpols)
	if !ok {
		pc.invalid = true
		return pc
	}
	if len(infos) == 0 {
		// An empty list: no policies, and the mappings and inhibit
		// any policy are not looked at (policy_cache_create fails).
		return pc
	}
	pc.hasData = true
	pc.data = []*policyData{}
	for _, pi := range infos {
		d := &policyData{oid: pi.oid, critical: cpolsCrit, quals: pi.quals}
		if d.oid == anyPolicyDER {
			if pc.anyPolicy != nil {
				pc.invalid = true
				pc.data, pc.hasData = nil, false
				return pc
			}
			pc.anyPolicy = d
			continue
		}
		if pc.find(d.oid) != nil {
			pc.invalid = true
			pc.data, pc.hasData = nil, false
			return pc
		}
		pc.data = append(pc.data, d)
		pc.sorted = false
	}
	sortPolicyData(pc.data)
	pc.sorted = true
	if hasPmaps {
		maps, ok := parsePolicyMappings(pmaps)
		if !ok || len(maps) == 0 {
			pc.invalid = true
			return pc
		}
		for _, m := range maps {
			if m[0] == anyPolicyDER || m[1] == anyPolicyDER {
				pc.invalid = true
				return pc
			}
			d := pc.find(m[0])
			if d == nil {
				if pc.anyPolicy == nil {
					continue
				}
				d = &policyData{oid: m[0], critical: pc.anyPolicy.critical, quals: pc.anyPolicy.quals, flags: pdMappedAny}
				pc.data = append(pc.data, d)
				pc.sorted = false
			} else {
				d.flags |= pdMapped
			}
			d.expected = append(d.expected, m[1])
		}
	}
	if hasInhAny {
		n, ok := parseASN1Integer(inhAny)
		if !ok || n.Sign() < 0 {
			pc.invalid = true
			return pc
		}
		pc.anySkip = asn1IntegerGet(n)
	}
	return pc
}

// asn1IntegerGet is ASN1_INTEGER_get for a non-negative value: -1 when it
// does not fit a long.
func asn1IntegerGet(n *big.Int) int64 {
	if !n.IsInt64() {
		return -1
	}
	return n.Int64()
}

// oidLess orders OIDs as OBJ_cmp: by length, then by content.
func oidLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func sortPolicyData(ds []*policyData) {
	sort.SliceStable(ds, func(i, j int) bool { return oidLess(ds[i].oid, ds[j].oid) })
}

// policyInfo is one PolicyInformation.
type policyInfo struct {
	oid   string
	quals []byte
}

// readOID reads an OBJECT IDENTIFIER as c2i_ASN1_OBJECT accepts it: not
// empty, no subidentifier starting with 0x80, the last one ended.
func readOID(s *cryptobyte.String) (string, bool) {
	var v cryptobyte.String
	if !s.ReadASN1(&v, cbasn1.OBJECT_IDENTIFIER) || !dercheck.ValidOID(v) {
		return "", false
	}
	return string(v), true
}

// parseCertificatePolicies decodes certificatePolicies as OpenSSL's
// CERTIFICATEPOLICIES template does, qualifiers included (bytes after the
// outer SEQUENCE are ignored, as X509V3_EXT_d2i ignores them).
func parseCertificatePolicies(v []byte) ([]policyInfo, bool) {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, false
	}
	var out []policyInfo
	for !seq.Empty() {
		var pi cryptobyte.String
		if !seq.ReadASN1(&pi, cbasn1.SEQUENCE) {
			return nil, false
		}
		oid, ok := readOID(&pi)
		if !ok {
			return nil, false
		}
		info := policyInfo{oid: oid}
		if !pi.Empty() {
			var quals cryptobyte.String
			if !pi.ReadASN1Element(&quals, cbasn1.SEQUENCE) || !pi.Empty() {
				return nil, false
			}
			if !validQualifiers(quals) {
				return nil, false
			}
			info.quals = []byte(quals)
		}
		out = append(out, info)
	}
	return out, true
}

var (
	oidQtCPS     = string([]byte{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01})
	oidQtUnotice = string([]byte{0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x02})
)

// validQualifiers checks a SEQUENCE OF PolicyQualifierInfo element.
func validQualifiers(el cryptobyte.String) bool {
	var seq cryptobyte.String
	if !el.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return false
	}
	for !seq.Empty() {
		var q cryptobyte.String
		if !seq.ReadASN1(&q, cbasn1.SEQUENCE) {
			return false
		}
		id, ok := readOID(&q)
		if !ok {
			return false
		}
		switch id {
		case oidQtCPS:
			var s cryptobyte.String
			if !q.ReadASN1(&s, cbasn1.IA5String) || !q.Empty() {
				return false
			}
		case oidQtUnotice:
			var un cryptobyte.String
			if !q.ReadASN1(&un, cbasn1.SEQUENCE) || !q.Empty() || !validUserNotice(un) {
				return false
			}
		default:
			var any cryptobyte.String
			var tag cbasn1.Tag
			if !q.ReadAnyASN1Element(&any, &tag) || !q.Empty() {
				return false
			}
		}
	}
	return true
}

// isDisplayText: DisplayText's string types (IA5, Visible, BMP, UTF8).
func isDisplayText(tag cbasn1.Tag) bool {
	switch tag {
	case cbasn1.IA5String, cbasn1.Tag(26), cbasn1.Tag(30), cbasn1.UTF8String:
		return true
	}
	return false
}

func readDisplayText(s *cryptobyte.String) bool {
	var v cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1(&v, &tag) || !isDisplayText(tag) {
		return false
	}
	return tag != cbasn1.Tag(30) || len(v)%2 == 0
}

func validUserNotice(un cryptobyte.String) bool {
	if un.PeekASN1Tag(cbasn1.SEQUENCE) {
		var ref cryptobyte.String
		un.ReadASN1(&ref, cbasn1.SEQUENCE)
		if !readDisplayText(&ref) {
			return false
		}
		var nums cryptobyte.String
		if !ref.ReadASN1(&nums, cbasn1.SEQUENCE) || !ref.Empty() {
			return false
		}
		for !nums.Empty() {
			var n big.Int
			if !nums.ReadASN1Integer(&n) {
				return false
			}
		}
	}
	if !un.Empty() && !readDisplayText(&un) {
		return false
	}
	return un.Empty()
}

// parsePolicyConstraints decodes PolicyConstraints; nil for an absent
// field. Neither field present is invalid (OpenSSL's rule).
func parsePolicyConstraints(v []byte) (expl, inh *big.Int, ok bool) {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	for i, tag := range []cbasn1.Tag{cbasn1.Tag(0).ContextSpecific(), cbasn1.Tag(1).ContextSpecific()} {
		if !seq.PeekASN1Tag(tag) {
			continue
		}
		var body cryptobyte.String
		if !seq.ReadASN1(&body, tag) {
			return nil, nil, false
		}
		n, ok := integerBody(body)
		if !ok {
			return nil, nil, false
		}
		if i == 0 {
			expl = n
		} else {
			inh = n
		}
	}
	if !seq.Empty() || expl == nil && inh == nil {
		return nil, nil, false
	}
	return expl, inh, true
}

// parsePolicyMappings decodes PolicyMappings: pairs of issuer and subject
// domain policies.
func parsePolicyMappings(v []byte) ([][2]string, bool) {
	in := cryptobyte.String(v)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, false
	}
	var out [][2]string
	for !seq.Empty() {
		var m cryptobyte.String
		if !seq.ReadASN1(&m, cbasn1.SEQUENCE) {
			return nil, false
		}
		iss, ok1 := readOID(&m)
		sub, ok2 := readOID(&m)
		if !ok1 || !ok2 || !m.Empty() {
			return nil, false
		}
		out = append(out, [2]string{iss, sub})
	}
	return out, true
}

// integerBody decodes the content octets of an INTEGER (implicitly
// tagged), refusing what c2i_ASN1_INTEGER refuses: no content, padding.
func integerBody(b []byte) (*big.Int, bool) {
	if !dercheck.MinimalInteger(b) {
		return nil, false
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	return n, true
}

func parseASN1Integer(v []byte) (*big.Int, bool) {
	in := cryptobyte.String(v)
	n := new(big.Int)
	if !in.ReadASN1Integer(n) {
		return nil, false
	}
	return n, true
}

// policyNode is OpenSSL's X509_POLICY_NODE.
type policyNode struct {
	data   *policyData
	parent *policyNode
	nchild int
}

// policyLevel is one level of the tree: the trust anchor's (0), then one
// per certificate down to the leaf.
type policyLevel struct {
	cache      *policyCache
	nodes      []*policyNode
	anyPolicy  *policyNode
	inhibitAny bool
	inhibitMap bool
}

// policyTree is OpenSSL's X509_POLICY_TREE.
type policyTree struct {
	levels   []policyLevel
	count    int
	max      int
	auth     []*policyNode
	user     []*policyNode
	anyUser  bool // POLICY_FLAG_ANY_POLICY: the user set holds anyPolicy
	explicit bool // an explicit policy was required
}

// X509_policy_check's outcomes.
const (
	pcyFailure  = -2 // no explicit policy
	pcyInvalid  = -1 // invalid or inconsistent extensions
	pcyInternal = 0  // the tree outgrew policyTreeNodesMax
	pcyValid    = 1
)

// tree_init's bits.
const (
	pcyTreeValid    = 1
	pcyTreeEmpty    = 2
	pcyTreeExplicit = 4
)

// addNode is ossl_policy_level_add_node; nil when the tree is full (or a
// second anyPolicy would be added to a level).
func (t *policyTree) addNode(lv *policyLevel, d *policyData, parent *policyNode) *policyNode {
	if t.max > 0 && t.count >= t.max {
		return nil
	}
	n := &policyNode{data: d, parent: parent}
	if lv != nil {
		if d.oid == anyPolicyDER {
			if lv.anyPolicy != nil {
				return nil
			}
			lv.anyPolicy = n
		} else {
			lv.nodes = append(lv.nodes, n)
		}
	}
	t.count++
	if parent != nil {
		parent.nchild++
	}
	return n
}

// nodeMatch is ossl_policy_node_match.
func nodeMatch(lv *policyLevel, n *policyNode, oid string) bool {
	if lv.inhibitMap || n.data.flags&pdMapMask == 0 {
		return n.data.oid == oid
	}
	for _, e := range n.data.expected {
		if e == oid {
			return true
		}
	}
	return false
}

// policyCheck is X509_policy_check over the chain (the trust anchor at
// the top is not a level of its own). It returns one of pcy*, and the
// tree when one was kept.
func (e *engine) policyCheck() (int, *policyTree, []*policyCache) {
	chain := e.chain
	n := len(chain) - 1
	caches := make([]*policyCache, len(chain))
	if n <= 0 {
		return pcyValid, nil, caches // only a trust anchor
	}
	for i := n - 1; i >= 0; i-- {
		caches[i] = newPolicyCache(chain[i])
	}
	init, tree := e.treeInit(caches)
	if init <= 0 {
		return init, nil, caches
	}
	if init&pcyTreeExplicit == 0 {
		if init&pcyTreeEmpty != 0 {
			return pcyValid, nil, caches
		}
	} else if init&pcyTreeEmpty != 0 {
		return pcyFailure, &policyTree{explicit: true}, caches
	}
	tree.explicit = init&pcyTreeExplicit != 0
	ret := tree.evaluate()
	if ret <= 0 {
		return pcyInternal, nil, caches
	}
	if ret == pcyTreeEmpty {
		if tree.explicit {
			return pcyFailure, &policyTree{explicit: true}, caches
		}
		return pcyValid, nil, caches
	}
	authNodes := tree.authoritySet()
	sort.SliceStable(authNodes, func(i, j int) bool { return oidLess(authNodes[i].data.oid, authNodes[j].data.oid) })
	if !tree.userSet(e.opts.Policies, authNodes) {
		return pcyInternal, nil, caches
	}
	if tree.explicit && len(tree.userPolicies()) == 0 {
		return pcyFailure, tree, caches
	}
	return pcyValid, tree, caches
}

// treeInit is tree_init: 0 < bits of pcyTree*, or pcyInvalid.
func (e *engine) treeInit(caches []*policyCache) (int, *policyTree) {
	chain := e.chain
	n := len(chain) - 1
	explicit, anySkip, mapSkip := int64(n+1), int64(n+1), int64(n+1)
	if e.opts.ExplicitPolicy {
		explicit = 0
	}
	if e.opts.InhibitAnyPolicy {
		anySkip = 0
	}
	if e.opts.InhibitPolicyMapping {
		mapSkip = 0
	}
	ret := pcyTreeValid
	for i := n - 1; i >= 0 && (explicit > 0 || ret&pcyTreeEmpty == 0); i-- {
		pc := caches[i]
		if pc.invalid {
			return pcyInvalid, nil
		}
		if ret&pcyTreeValid != 0 && !pc.hasData {
			ret = pcyTreeEmpty
		}
		if explicit > 0 {
			if !chain[i].selfIssued {
				explicit--
			}
			if pc.explSkip >= 0 && pc.explSkip < explicit {
				explicit = pc.explSkip
			}
		}
	}
	if explicit == 0 {
		ret |= pcyTreeExplicit
	}
	if ret&pcyTreeValid == 0 {
		return ret, nil
	}
	t := &policyTree{max: policyTreeNodesMax, levels: make([]policyLevel, n+1)}
	if t.addNode(&t.levels[0], &policyData{oid: anyPolicyDER}, nil) == nil {
		return pcyInternal, nil
	}
	lv := 0
	for i := n - 1; i >= 0; i-- {
		pc := caches[i]
		lv++
		l := &t.levels[lv]
		l.cache = pc
		if pc.anyPolicy == nil {
			l.inhibitAny = true
		}
		si := chain[i].selfIssued
		if anySkip == 0 {
			// anyPolicy still matches in a self-issued CA.
			if !si || i == 0 {
				l.inhibitAny = true
			}
		} else {
			if !si {
				anySkip--
			}
			if pc.anySkip >= 0 && pc.anySkip < anySkip {
				anySkip = pc.anySkip
			}
		}
		if mapSkip == 0 {
			l.inhibitMap = true
		} else {
			if !si {
				mapSkip--
			}
			if pc.mapSkip >= 0 && pc.mapSkip < mapSkip {
				mapSkip = pc.mapSkip
			}
		}
	}
	return ret, t
}

// evaluate is tree_evaluate: pcyTreeValid, pcyTreeEmpty, or 0 when the
// tree is full.
func (t *policyTree) evaluate() int {
	for i := 1; i < len(t.levels); i++ {
		curr, last := &t.levels[i], &t.levels[i-1]
		if !t.linkNodes(curr, last) {
			return 0
		}
		if !curr.inhibitAny && !t.linkAny(curr, last) {
			return 0
		}
		if r := t.prune(i); r != pcyTreeValid {
			return r
		}
	}
	return pcyTreeValid
}

// linkNodes is tree_link_nodes (RFC 5280 6.1.3 (d)(1)).
func (t *policyTree) linkNodes(curr, last *policyLevel) bool {
	for _, d := range curr.cache.data {
		matched := false
		for _, node := range last.nodes {
			if nodeMatch(last, node, d.oid) {
				if t.addNode(curr, d, node) == nil {
					return false
				}
				matched = true
			}
		}
		if !matched && last.anyPolicy != nil {
			if t.addNode(curr, d, last.anyPolicy) == nil {
				return false
			}
		}
	}
	return true
}

// linkAny is tree_link_any (RFC 5280 6.1.3 (d)(2)).
func (t *policyTree) linkAny(curr, last *policyLevel) bool {
	for _, node := range last.nodes {
		if !t.linkUnmatched(curr, last, node) {
			return false
		}
	}
	if last.anyPolicy != nil && t.addNode(curr, curr.cache.anyPolicy, last.anyPolicy) == nil {
		return false
	}
	return true
}

// linkUnmatched is tree_link_unmatched.
func (t *policyTree) linkUnmatched(curr, last *policyLevel, node *policyNode) bool {
	if last.inhibitMap || node.data.flags&pdMapped == 0 {
		if node.nchild > 0 {
			return true
		}
		return t.addUnmatched(curr, node.data.oid, node)
	}
	if node.nchild == len(node.data.expected) {
		return true
	}
	for _, oid := range node.data.expected {
		found := false
		for _, c := range curr.nodes {
			if c.parent == node && c.data.oid == oid {
				found = true
				break
			}
		}
		if found {
			continue
		}
		if !t.addUnmatched(curr, oid, node) {
			return false
		}
	}
	return true
}

// addUnmatched is tree_add_unmatched: a node for oid with anyPolicy's
// qualifiers.
func (t *policyTree) addUnmatched(curr *policyLevel, oid string, node *policyNode) bool {
	d := &policyData{oid: oid, critical: node.data.critical, quals: curr.cache.anyPolicy.quals}
	return t.addNode(curr, d, node) != nil
}

// prune is tree_prune after level i was linked.
func (t *policyTree) prune(i int) int {
	curr := &t.levels[i]
	if curr.inhibitMap {
		kept := curr.nodes[:0]
		for _, n := range curr.nodes {
			if n.data.flags&pdMapMask != 0 {
				n.parent.nchild--
				continue
			}
			kept = append(kept, n)
		}
		clearTail(curr.nodes, len(kept))
		curr.nodes = kept
	}
	for j := i - 1; ; j-- {
		lv := &t.levels[j]
		kept := lv.nodes[:0]
		for _, n := range lv.nodes {
			if n.nchild == 0 {
				n.parent.nchild--
				continue
			}
			kept = append(kept, n)
		}
		clearTail(lv.nodes, len(kept))
		lv.nodes = kept
		if lv.anyPolicy != nil && lv.anyPolicy.nchild == 0 {
			if lv.anyPolicy.parent != nil {
				lv.anyPolicy.parent.nchild--
			}
			lv.anyPolicy = nil
		}
		if j == 0 {
			if lv.anyPolicy == nil {
				return pcyTreeEmpty
			}
			return pcyTreeValid
		}
	}
}

func clearTail(s []*policyNode, from int) {
	for k := from; k < len(s); k++ {
		s[k] = nil
	}
}

// addAuthNode is tree_add_auth_node: once per policy OID.
func addAuthNode(list []*policyNode, n *policyNode) []*policyNode {
	for _, m := range list {
		if m.data.oid == n.data.oid {
			return list
		}
	}
	return append(list, n)
}

// authoritySet is tree_calculate_authority_set; it returns the nodes the
// user set is looked up in.
func (t *policyTree) authoritySet() []*policyNode {
	last := &t.levels[len(t.levels)-1]
	var sep []*policyNode
	useSep := false
	if last.anyPolicy != nil {
		t.auth = addAuthNode(t.auth, last.anyPolicy)
		useSep = true
	}
	for i := 1; i < len(t.levels); i++ {
		anyptr := t.levels[i-1].anyPolicy
		if anyptr == nil {
			break
		}
		for _, n := range t.levels[i].nodes {
			if n.parent == anyptr {
				if useSep {
					sep = addAuthNode(sep, n)
				} else {
					t.auth = addAuthNode(t.auth, n)
				}
			}
		}
	}
	if useSep {
		return sep
	}
	return t.auth
}

// userSet is tree_calculate_user_set; false when the tree is full.
func (t *policyTree) userSet(policies []x509.OID, auth []*policyNode) bool {
	if len(policies) == 0 {
		return true
	}
	oids := make([]string, len(policies))
	for i, p := range policies {
		b, err := p.MarshalBinary()
		if err != nil {
			return true
		}
		oids[i] = string(b)
	}
	for _, o := range oids {
		if o == anyPolicyDER {
			t.anyUser = true
			return true
		}
	}
	anyPolicy := t.levels[len(t.levels)-1].anyPolicy
	for _, o := range oids {
		var node *policyNode
		for _, a := range auth {
			if a.data.oid == o {
				node = a
				break
			}
		}
		if node == nil {
			if anyPolicy == nil {
				continue
			}
			d := &policyData{oid: o, critical: anyPolicy.data.critical, quals: anyPolicy.data.quals}
			if node = t.addNode(nil, d, anyPolicy.parent); node == nil {
				return false
			}
		}
		t.user = append(t.user, node)
	}
	return true
}

// userPolicies is X509_policy_tree_get0_user_policies.
func (t *policyTree) userPolicies() []*policyNode {
	if t == nil {
		return nil
	}
	if t.anyUser {
		return t.auth
	}
	return t.user
}

// checkPolicy is check_policy of x509_vfy.c, run last (after name
// constraints) when policies are checked. ncDepth is the depth OpenSSL's
// X509_STORE_CTX holds by then: 0, or the depth of the last name
// constraints problem. It reports false when the verification stops
// there without a callback (the tree outgrew its bound).
func (e *engine) checkPolicy(ncDepth int) bool {
	if e.crlPath {
		return true // not for the chain of a CRL's issuer
	}
	ret, tree, caches := e.policyCheck()
	if ret == pcyValid || ret == pcyFailure {
		e.policyTree = policiesPrint(tree)
	}
	switch ret {
	case pcyInternal:
		e.problems = append(e.problems, Problem{Code: OutOfMem, Depth: ncDepth, Text: Text(OutOfMem), Aborted: true})
		return false
	case pcyInvalid:
		for i, pc := range caches {
			if pc != nil && pc.invalid {
				e.report(InvalidPolicyExtension, i, e.chain[i])
			}
		}
	case pcyFailure:
		e.report(NoExplicitPolicy, ncDepth, nil)
	}
	return true
}

// policiesPrint is what openssl verify prints of the tree (apps'
// policies_print): whether an explicit policy was required, then the
// authority and the user policy sets.
func policiesPrint(t *policyTree) string {
	var b strings.Builder
	explicit := "False"
	if t != nil && t.explicit {
		explicit = "True"
	}
	b.WriteString("Require explicit Policy: " + explicit + "\n")
	var auth []*policyNode
	if t != nil {
		auth = t.auth
	}
	nodesPrint(&b, "Authority", auth)
	nodesPrint(&b, "User", t.userPolicies())
	return b.String()
}

func nodesPrint(b *strings.Builder, name string, nodes []*policyNode) {
	b.WriteString(name + " Policies:")
	if len(nodes) == 0 {
		b.WriteString(" <empty>\n")
		return
	}
	b.WriteString("\n")
	for _, n := range nodes {
		// X509_POLICY_NODE_print at indent 2.
		b.WriteString("  Policy: " + oidName(n.data.oid) + "\n")
		if n.data.critical {
			b.WriteString("    Critical\n")
		} else {
			b.WriteString("    Non Critical\n")
		}
		if n.data.quals == nil {
			b.WriteString("    No Qualifiers\n")
			continue
		}
		if q, ok := x509text.PolicyQualifiers(n.data.quals, 4); ok {
			b.WriteString(q)
		}
	}
}

// oidName is i2a_ASN1_OBJECT of content octets: OpenSSL's name, or the
// dotted form.
func oidName(der string) string {
	var o x509.OID
	if err := o.UnmarshalBinary([]byte(der)); err != nil {
		return "<INVALID>"
	}
	return x509text.OIDName(o.String())
}
