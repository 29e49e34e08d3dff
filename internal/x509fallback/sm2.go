package x509fallback

import (
	"encoding/binary"
	"math/big"
	"math/bits"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// SM2 signature verification (GB/T 32918.2) with the SM3 digest
// (GB/T 32905), as OpenSSL 3.0 verifies SM2-with-SM3 certificate
// signatures: a certificate without a distinguishing identifier set is
// verified with an empty one (as openssl x509 and req sign without -sm2-id).
// Public data only: nothing here needs constant time.

func hexInt(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 16)
	return n
}

var sm2 = struct{ p, a, b, n, gx, gy *big.Int }{
	p:  hexInt("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF"),
	a:  hexInt("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"),
	b:  hexInt("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"),
	n:  hexInt("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123"),
	gx: hexInt("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"),
	gy: hexInt("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"),
}

// sm2DefaultID is the distinguishing identifier OpenSSL 3.0 verifies
// certificates with.
const sm2DefaultID = ""

type point struct{ x, y *big.Int } // nil x: the point at infinity

func (q point) inf() bool { return q.x == nil }

func sm2Add(p1, p2 point) point {
	if p1.inf() {
		return p2
	}
	if p2.inf() {
		return p1
	}
	p := sm2.p
	var l *big.Int
	if p1.x.Cmp(p2.x) == 0 {
		if new(big.Int).Add(p1.y, p2.y).Mod(new(big.Int).Add(p1.y, p2.y), p).Sign() == 0 {
			return point{}
		}
		// (3x^2 + a) / 2y
		num := new(big.Int).Mul(p1.x, p1.x)
		num.Mul(num, big.NewInt(3)).Add(num, sm2.a)
		den := new(big.Int).Lsh(p1.y, 1)
		l = num.Mul(num, den.ModInverse(den.Mod(den, p), p))
	} else {
		num := new(big.Int).Sub(p2.y, p1.y)
		den := new(big.Int).Sub(p2.x, p1.x)
		l = num.Mul(num, den.ModInverse(den.Mod(den, p), p))
	}
	l.Mod(l, p)
	x3 := new(big.Int).Mul(l, l)
	x3.Sub(x3, p1.x).Sub(x3, p2.x).Mod(x3, p)
	y3 := new(big.Int).Sub(p1.x, x3)
	y3.Mul(y3, l).Sub(y3, p1.y).Mod(y3, p)
	return point{x3, y3}
}

func sm2Mul(q point, k *big.Int) point {
	r := point{}
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = sm2Add(r, r)
		if k.Bit(i) == 1 {
			r = sm2Add(r, q)
		}
	}
	return r
}

// sm2Point decodes an uncompressed point on the SM2 curve.
func sm2Point(b []byte) (point, bool) {
	if len(b) != 65 || b[0] != 4 {
		return point{}, false
	}
	x, y := new(big.Int).SetBytes(b[1:33]), new(big.Int).SetBytes(b[33:])
	if x.Cmp(sm2.p) >= 0 || y.Cmp(sm2.p) >= 0 {
		return point{}, false
	}
	// y^2 = x^3 + ax + b
	l := new(big.Int).Mul(y, y)
	l.Mod(l, sm2.p)
	r := new(big.Int).Mul(x, x)
	r.Mul(r, x)
	r.Add(r, new(big.Int).Mul(sm2.a, x)).Add(r, sm2.b).Mod(r, sm2.p)
	return point{x, y}, l.Cmp(r) == 0
}

func verifySM2(pub []byte, msg, sig []byte) bool {
	q, ok := sm2Point(pub)
	if !ok {
		return false
	}
	in := cryptobyte.String(sig)
	var seq cryptobyte.String
	r, s := new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Integer(r) || !seq.ReadASN1Integer(s) || !seq.Empty() {
		return false
	}
	if r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(sm2.n) >= 0 || s.Cmp(sm2.n) >= 0 {
		return false
	}
	z := newSM3()
	z.Write([]byte{0, 8 * byte(len(sm2DefaultID))})
	z.Write([]byte(sm2DefaultID))
	for _, v := range []*big.Int{sm2.a, sm2.b, sm2.gx, sm2.gy, q.x, q.y} {
		z.Write(v.FillBytes(make([]byte, 32)))
	}
	h := newSM3()
	h.Write(z.Sum(nil))
	h.Write(msg)
	e := new(big.Int).SetBytes(h.Sum(nil))
	t := new(big.Int).Add(r, s)
	t.Mod(t, sm2.n)
	if t.Sign() == 0 {
		return false
	}
	pt := sm2Add(sm2Mul(point{sm2.gx, sm2.gy}, s), sm2Mul(q, t))
	if pt.inf() {
		return false
	}
	rr := e.Add(e, pt.x)
	rr.Mod(rr, sm2.n)
	return rr.Cmp(r) == 0
}

// sm3 is the SM3 digest.
type sm3 struct {
	v   [8]uint32
	buf []byte
	n   uint64
}

func newSM3() *sm3 {
	return &sm3{v: [8]uint32{0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e}}
}

func (d *sm3) Write(p []byte) {
	d.n += uint64(len(p))
	d.buf = append(d.buf, p...)
	for len(d.buf) >= 64 {
		d.block(d.buf[:64])
		d.buf = d.buf[64:]
	}
}

func (d *sm3) Sum(b []byte) []byte {
	c := *d
	c.buf = append([]byte(nil), d.buf...)
	n := c.n
	pad := []byte{0x80}
	for (len(c.buf)+len(pad))%64 != 56 {
		pad = append(pad, 0)
	}
	pad = binary.BigEndian.AppendUint64(pad, n*8)
	c.Write(pad)
	for _, w := range c.v {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	return b
}

func (d *sm3) block(p []byte) {
	var w [68]uint32
	var w1 [64]uint32
	for i := 0; i < 16; i++ {
		w[i] = binary.BigEndian.Uint32(p[4*i:])
	}
	p1 := func(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 15) ^ bits.RotateLeft32(x, 23) }
	p0 := func(x uint32) uint32 { return x ^ bits.RotateLeft32(x, 9) ^ bits.RotateLeft32(x, 17) }
	for j := 16; j < 68; j++ {
		w[j] = p1(w[j-16]^w[j-9]^bits.RotateLeft32(w[j-3], 15)) ^ bits.RotateLeft32(w[j-13], 7) ^ w[j-6]
	}
	for j := 0; j < 64; j++ {
		w1[j] = w[j] ^ w[j+4]
	}
	a, b, c, dd, e, f, g, h := d.v[0], d.v[1], d.v[2], d.v[3], d.v[4], d.v[5], d.v[6], d.v[7]
	for j := 0; j < 64; j++ {
		t := uint32(0x79cc4519)
		if j >= 16 {
			t = 0x7a879d8a
		}
		ss1 := bits.RotateLeft32(bits.RotateLeft32(a, 12)+e+bits.RotateLeft32(t, j%32), 7)
		ss2 := ss1 ^ bits.RotateLeft32(a, 12)
		var ff, gg uint32
		if j < 16 {
			ff, gg = a^b^c, e^f^g
		} else {
			ff, gg = (a&b)|(a&c)|(b&c), (e&f)|(^e&g)
		}
		tt1 := ff + dd + ss2 + w1[j]
		tt2 := gg + h + ss1 + w[j]
		dd, c, b, a = c, bits.RotateLeft32(b, 9), a, tt1
		h, g, f, e = g, bits.RotateLeft32(f, 19), e, p0(tt2)
	}
	d.v[0] ^= a
	d.v[1] ^= b
	d.v[2] ^= c
	d.v[3] ^= dd
	d.v[4] ^= e
	d.v[5] ^= f
	d.v[6] ^= g
	d.v[7] ^= h
}
