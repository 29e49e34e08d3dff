package main

import (
	"fmt"
	"strings"

	"github.com/sslstream/sslstream"
)

// renegotiationOutcome reports, after the session, that the server
// renegotiated it ("Renegotiated: yes" with the verify result then), and
// adds to a session error caused by a refused renegotiation how to allow
// it.
func renegotiationOutcome(e *env, st *sslstream.Stream, o clientOptions, err error) error {
	if st.Renegotiated() && !o.quiet && !o.json {
		code, text := st.VerifyResult()
		fmt.Fprintf(e.stderr, "Renegotiated: yes\nVerify return code: %d (%s)\n", code, text)
	}
	if err != nil && st.Renegotiation() != sslstream.RenegotiateFreely && strings.Contains(err.Error(), "no renegotiation") {
		return fmt.Errorf("%w (the server asked to renegotiate; --renegotiation once or freely follows it)", err)
	}
	return err
}
