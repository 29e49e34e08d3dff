//go:build layout_text

package main

import (
	"encoding/xml"
	"text/template"
)

// Built with -tags layout_text, serverload also links encoding/xml and
// text/template: the same servers in a binary of a third layout
// (layout.go).
func init() {
	layoutLinked["encoding/xml"] = xml.Unmarshal
	layoutLinked["text/template"] = template.New
}
