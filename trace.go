package sslstream

import (
	"context"
	"crypto/tls"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sslstream/sslstream/dn"
)

// streamTrace writes the structured handshake trace of one stream (the
// trace feature). A nil *streamTrace traces nothing; every method accepts
// it.
type streamTrace struct {
	log   *slog.Logger
	once  sync.Once
	start atomic.Int64 // unix nanoseconds of begin
	ended atomic.Bool
}

func newStreamTrace(cfg *config) *streamTrace {
	if cfg.feat == nil || cfg.feat.trace == nil {
		return nil
	}
	return &streamTrace{log: cfg.feat.trace}
}

func (t *streamTrace) elapsed() time.Duration {
	return time.Duration(time.Now().UnixNano() - t.start.Load())
}

func (t *streamTrace) record(s *Stream, msg string, attrs ...slog.Attr) {
	role := "client"
	if s.server {
		role = "server"
	}
	base := []slog.Attr{slog.String("role", role), slog.Duration("elapsed", t.elapsed())}
	if a := s.conn.NetConn().RemoteAddr(); a != nil {
		base = append(base, slog.String("peer", a.String()))
	}
	t.log.LogAttrs(context.Background(), slog.LevelInfo, "tls "+msg, append(base, attrs...)...)
}

// begin records the start of the handshake (for a client, with what its
// ClientHello offers); only the first call counts.
func (t *streamTrace) begin(s *Stream) {
	if t == nil {
		return
	}
	t.once.Do(func() {
		t.start.Store(time.Now().UnixNano())
		if s.server {
			t.record(s, "handshake start")
			return
		}
		cfg := s.cfg
		attrs := []slog.Attr{
			slog.String("versions", ProtocolName(cfg.tls.MinVersion)+"-"+ProtocolName(cfg.tls.MaxVersion)),
			slog.Int("cipher_suites", len(cfg.tls.CipherSuites)+len(cfg.suites13)),
		}
		if cfg.serverName != "" {
			attrs = append(attrs, slog.String("server_name", cfg.serverName))
		}
		if len(cfg.tls.NextProtos) > 0 {
			attrs = append(attrs, slog.Any("alpn_offered", cfg.tls.NextProtos))
		}
		if len(cfg.groups) > 0 {
			attrs = append(attrs, slog.String("groups", groupList(cfg.groups)))
		}
		attrs = append(attrs, slog.Bool("session_cache", cfg.tls.ClientSessionCache != nil))
		t.record(s, "handshake start", attrs...)
	})
}

// onClientHello is the server's hook after choosing the configuration for
// a ClientHello: the trace.
func (s *Stream) onClientHello(hello *tls.ClientHelloInfo, t *tls.Config) *tls.Config {
	tr := s.trace
	if tr == nil {
		return t
	}
	tr.begin(s)
	var versions []string
	for _, v := range clientVersions(hello) { // as crypto/tls reads them
		versions = append(versions, ProtocolName(v))
	}
	attrs := []slog.Attr{
		slog.Any("versions", versions),
		slog.Int("cipher_suites", len(hello.CipherSuites)),
	}
	if hello.ServerName != "" {
		attrs = append(attrs, slog.String("server_name", hello.ServerName))
	}
	if len(hello.SupportedProtos) > 0 {
		attrs = append(attrs, slog.Any("alpn_offered", hello.SupportedProtos))
	}
	tr.record(s, "ClientHello received", attrs...)
	if len(t.Certificates) > 0 && t.Certificates[0].Leaf != nil {
		leaf := t.Certificates[0].Leaf
		tr.record(s, "certificate chosen", slog.String("subject", dn.String(leaf.RawSubject)),
			slog.Int("chain", len(t.Certificates[0].Certificate)))
	}
	return t
}

// verified records the verification of the peer's certificate.
func (t *streamTrace) verified(s *Stream, o *verifyOutcome) {
	if t == nil {
		return
	}
	t.begin(s)
	if !o.present {
		t.record(s, "peer certificate verified", slog.Bool("present", false))
		return
	}
	r := o.result
	attrs := []slog.Attr{
		slog.Bool("present", true),
		slog.Int("verify_result", o.reported),
		slog.String("verify_text", o.textOf(o.reported)),
		slog.Int("first_error", r.Code),
		slog.Int("depth", r.Depth),
	}
	if len(r.Chain) > 0 {
		attrs = append(attrs, slog.String("subject", dn.String(r.Chain[0].RawSubject)), slog.Int("chain", len(r.Chain)))
	}
	if r.TrustSource != "" {
		attrs = append(attrs, slog.String("trust", r.TrustSource))
	}
	if len(r.CRLsUsed) > 0 {
		attrs = append(attrs, slog.Any("crls", r.CRLsUsed))
	}
	t.record(s, "peer certificate verified", attrs...)
}

// end records the outcome of the handshake; only the first call counts.
func (t *streamTrace) end(s *Stream, err *Error) {
	if t == nil || t.ended.Swap(true) {
		return
	}
	if err != nil {
		t.record(s, "handshake failed", slog.String("error", err.Error()))
		return
	}
	cs := s.conn.ConnectionState()
	code, _ := s.VerifyResult()
	attrs := []slog.Attr{
		slog.String("version", ProtocolName(cs.Version)),
		slog.String("cipher", tls.CipherSuiteName(cs.CipherSuite)),
		slog.Bool("resumed", cs.DidResume),
		slog.Int("verify_result", code),
	}
	if g := GroupName(cs.CurveID); g != "" {
		attrs = append(attrs, slog.String("group", g), slog.Bool("hello_retry_request", cs.HelloRetryRequest))
	}
	if cs.NegotiatedProtocol != "" {
		attrs = append(attrs, slog.String("alpn", cs.NegotiatedProtocol))
	}
	if s.ECHOffered() {
		attrs = append(attrs, slog.Bool("ech_accepted", cs.ECHAccepted)) // ech.go
	}
	if cs.ServerName != "" {
		attrs = append(attrs, slog.String("server_name", cs.ServerName))
	}
	t.record(s, "handshake done", attrs...)
}
