package main

import (
	"crypto/tls"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/sslstream/sslstream/internal/safefile"
)

// sessionPEMType is the PEM type of a --sess-out file. It is not
// OpenSSL's "SSL SESSION PARAMETERS": crypto/tls can only resume from its
// own encoding of a session (tls.SessionState.Bytes), so the files of the
// two programs are not interchangeable.
const sessionPEMType = "SSLSTREAM TLS SESSION"

// maxSessionFile bounds a --sess-in file.
const maxSessionFile = 64 << 10

// encodeSession turns a client session into the --sess-out file's bytes:
// one PEM block holding the ticket's length (4 bytes), the ticket and the
// state. The file holds the session's secrets, like OpenSSL's.
func encodeSession(cs *tls.ClientSessionState, server string) ([]byte, error) {
	ticket, state, err := cs.ResumptionState()
	if err != nil {
		return nil, err
	}
	if state == nil || len(ticket) == 0 {
		return nil, errors.New("the session has no ticket to resume with")
	}
	sb, err := state.Bytes()
	if err != nil {
		return nil, err
	}
	body := binary.BigEndian.AppendUint32(nil, uint32(len(ticket)))
	body = append(append(body, ticket...), sb...)
	return pem.EncodeToMemory(&pem.Block{Type: sessionPEMType, Headers: map[string]string{"Server": server}, Bytes: body}), nil
}

// decodeSession reads a --sess-out file back into a session to offer.
func decodeSession(path string) (*tls.ClientSessionState, error) {
	data, err := safefile.Read(path, maxSessionFile)
	if err != nil {
		return nil, fmt.Errorf("--sess-in: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != sessionPEMType {
		return nil, fmt.Errorf("--sess-in %s: no %q PEM block (files written by openssl -sess_out cannot be read: crypto/tls resumes only its own sessions)", path, sessionPEMType)
	}
	b := block.Bytes
	if len(b) < 4 || int(binary.BigEndian.Uint32(b)) > len(b)-4 {
		return nil, fmt.Errorf("--sess-in %s: truncated session", path)
	}
	n := int(binary.BigEndian.Uint32(b))
	ticket, sb := b[4:4+n], b[4+n:]
	state, err := tls.ParseSessionState(sb)
	if err != nil {
		return nil, fmt.Errorf("--sess-in %s: %w", path, err)
	}
	cs, err := tls.NewResumptionState(append([]byte(nil), ticket...), state)
	if err != nil {
		return nil, fmt.Errorf("--sess-in %s: %w", path, err)
	}
	return cs, nil
}

// writeSession saves the session the cache holds for key into path.
func writeSession(cache tls.ClientSessionCache, key, path string) error {
	cs, ok := cache.Get(key)
	if !ok || cs == nil {
		return fmt.Errorf("--sess-out %s: the server sent no session ticket to save", path)
	}
	data, err := encodeSession(cs, key)
	if err != nil {
		return fmt.Errorf("--sess-out %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("--sess-out: %w", err)
	}
	return nil
}
