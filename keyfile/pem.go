package keyfile

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
)

// pemBlock is one decoded PEM block.
type pemBlock struct {
	Type    string
	Headers map[string]string // RFC 1421 headers such as Proc-Type and DEK-Info
	Bytes   []byte
	Line    int // 1-based line number of the BEGIN line
}

// isPEM reports whether data looks like PEM: it contains a BEGIN line.
// Detection is by content only, so text before the first block (as written by
// "openssl x509 -text") is allowed.
func isPEM(data []byte) bool {
	return bytes.Contains(data, []byte("-----BEGIN "))
}

// scanPEM decodes every PEM block of data, in order. Text outside blocks is
// ignored, as OpenSSL does. Lines may end in LF or CRLF and trailing blanks
// are ignored. A block without its END line, with a mismatched END line or
// with invalid base64 is an error (OpenSSL also refuses such a file).
func scanPEM(data []byte) ([]pemBlock, error) {
	var blocks []pemBlock
	lineNo := 0
	rest := data
	nextLine := func() (string, bool) {
		if len(rest) == 0 {
			return "", false
		}
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		lineNo++
		return strings.TrimRight(string(line), " \t\r"), true
	}
	for {
		line, ok := nextLine()
		if !ok {
			return blocks, nil
		}
		typ, ok := pemBoundary(line, "-----BEGIN ")
		if !ok {
			continue
		}
		blk := pemBlock{Type: typ, Line: lineNo}
		var b64 strings.Builder
		inHeaders := true
		ended := false
		for !ended {
			l, ok := nextLine()
			if !ok {
				return nil, fmt.Errorf("truncated PEM: %q block at line %d has no END line", typ, blk.Line)
			}
			if strings.HasPrefix(l, "-----END ") || strings.HasPrefix(l, "-----BEGIN ") {
				endTyp, ok := pemBoundary(l, "-----END ")
				if !ok || endTyp != typ {
					return nil, fmt.Errorf("malformed PEM: %q block at line %d ends with %q at line %d", typ, blk.Line, l, lineNo)
				}
				ended = true
				continue
			}
			if inHeaders {
				if l == "" {
					// Blank line: end of headers (or stray blank line).
					if blk.Headers != nil {
						inHeaders = false
					}
					continue
				}
				if k, v, found := strings.Cut(l, ":"); found {
					if blk.Headers == nil {
						blk.Headers = make(map[string]string)
					}
					blk.Headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
					continue
				}
				inHeaders = false
			}
			for _, c := range []byte(l) {
				if c != ' ' && c != '\t' && c != '\r' {
					b64.WriteByte(c)
				}
			}
		}
		der, err := base64.StdEncoding.DecodeString(b64.String())
		if err != nil {
			return nil, fmt.Errorf("corrupt PEM: %q block at line %d is not valid base64", typ, blk.Line)
		}
		blk.Bytes = der
		blocks = append(blocks, blk)
	}
}

// pemBoundary parses "-----BEGIN TYPE-----" (or END) lines.
func pemBoundary(line, prefix string) (string, bool) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, prefix) || !strings.HasSuffix(line, "-----") || len(line) < len(prefix)+5 {
		return "", false
	}
	return line[len(prefix) : len(line)-5], true
}

// pemTypes lists the block types of blocks, for error messages.
func pemTypes(blocks []pemBlock) string {
	if len(blocks) == 0 {
		return "none"
	}
	var parts []string
	for _, b := range blocks {
		parts = append(parts, b.Type)
	}
	return strings.Join(parts, ", ")
}

// zeroBlocks clears the decoded bytes of every block that may hold secret
// data. Certificate blocks are left alone: parsed certificates keep
// referencing them (x509.Certificate.Raw).
func zeroBlocks(blocks []pemBlock) {
	for i := range blocks {
		if !isCertPEMType(blocks[i].Type) {
			clear(blocks[i].Bytes)
		}
	}
}
