//go:build layout_nethttp

package main

import "net/http"

// Built with -tags layout_nethttp, serverload also links net/http's
// server: the same servers in a binary of another layout (layout.go).
func init() { layoutLinked["net/http"] = http.ListenAndServe }
