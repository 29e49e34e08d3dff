package main

import (
	"encoding/json"
	"fmt"
	"net"

	"github.com/sslstream/sslstream"
)

// event logs one server event: a text line, or with --json one JSON object
// per line with the event's name ("listening", "connection",
// "handshake_failed", "error", "reload", "reload_failed", "stopping") and
// its fields.
func (s *server) event(name string, fields map[string]any, format string, a ...any) {
	if !s.json {
		s.logf(format, a...)
		return
	}
	obj := map[string]any{"event": name}
	for k, v := range fields {
		obj[k] = v
	}
	if _, ok := obj["message"]; !ok {
		msg := fmt.Sprintf(format, a...)
		if n := len(msg); n > 0 && msg[n-1] == '\n' {
			msg = msg[:n-1]
		}
		obj["message"] = msg
	}
	b, err := json.Marshal(obj)
	if err != nil {
		s.logf(format, a...)
		return
	}
	s.logf("%s\n", b)
}

// connectionFields are the JSON fields of a completed handshake, the same
// facts as the text line of serverSummary.
func connectionFields(peer net.Addr, st *sslstream.Stream) map[string]any {
	cs := st.ConnectionState()
	code, text := st.VerifyResult()
	f := map[string]any{
		"peer":          peer.String(),
		"protocol":      sslstream.ProtocolName(cs.Version),
		"cipher":        cipherName(cs.CipherSuite),
		"verify_result": code,
		"verify_text":   text,
		"resumed":       st.Resumed(),
	}
	if c, err := st.PeerCertificate(); err == nil && c != nil {
		f["client_subject"] = c.SubjectString()
	}
	if cs.NegotiatedProtocol != "" {
		f["alpn"] = cs.NegotiatedProtocol
	}
	if cs.ServerName != "" {
		f["server_name"] = cs.ServerName
	}
	if g := sslstream.GroupName(cs.CurveID); g != "" {
		f["group"] = g
	}
	return f
}
