//go:build tools

// This file pins the project's dependencies before the packages that use them
// import them; it is never built.
package sslstream

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/youmark/pkcs8"
	_ "go.uber.org/goleak"
	_ "golang.org/x/crypto/pbkdf2"
	_ "software.sslmate.com/src/go-pkcs12"
)
