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

// scanPEM decodes every PEM block of data, in order, with the rules of
// OpenSSL's PEM reader (checked against openssl 3.0):
//
//   - a UTF-8 byte order mark at the start of data is skipped;
//   - text outside blocks is ignored;
//   - lines end in LF or CRLF; trailing blanks are ignored;
//   - BEGIN and END lines start in the first column;
//   - after BEGIN, an optional header section ("Name: value" lines, ended by
//     a blank line; a blank first line is an empty header section);
//   - then base64 lines (blanks inside them are ignored) up to the END line
//     of the same type; a blank line there is an error.
//
// A block with no END line, a mismatched END line, malformed headers or
// invalid base64 makes the whole file invalid, whatever its type, as in
// OpenSSL.
func scanPEM(data []byte) ([]pemBlock, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
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
		const (
			stateStart = iota
			stateHeaders
			stateBody
		)
		state := stateStart
		for ended := false; !ended; {
			l, ok := nextLine()
			if !ok {
				return nil, fmt.Errorf("truncated PEM: %q block at line %d has no END line", typ, blk.Line)
			}
			if strings.HasPrefix(l, "-----END ") || strings.HasPrefix(l, "-----BEGIN ") {
				endTyp, ok := pemBoundary(l, "-----END ")
				if !ok || endTyp != typ {
					return nil, fmt.Errorf("malformed PEM: %q block at line %d ends with %q at line %d", typ, blk.Line, l, lineNo)
				}
				if state == stateHeaders {
					return nil, fmt.Errorf("malformed PEM: %q block at line %d: headers not followed by a blank line", typ, blk.Line)
				}
				ended = true
				continue
			}
			blank := strings.TrimSpace(l) == ""
			switch state {
			case stateStart:
				if blank {
					state = stateBody
					continue
				}
				if strings.Contains(l, ":") {
					state = stateHeaders
				} else {
					state = stateBody
				}
			case stateHeaders:
				if blank {
					state = stateBody
					continue
				}
			case stateBody:
				if blank {
					return nil, fmt.Errorf("malformed PEM: %q block at line %d: blank line at line %d inside the base64 data", typ, blk.Line, lineNo)
				}
			}
			if state == stateHeaders {
				k, v, found := strings.Cut(l, ":")
				if !found {
					return nil, fmt.Errorf("malformed PEM: %q block at line %d: bad header line %d", typ, blk.Line, lineNo)
				}
				if blk.Headers == nil {
					blk.Headers = make(map[string]string)
				}
				blk.Headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
				continue
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

// pemBoundary parses "-----BEGIN TYPE-----" (or END) lines; the line has
// no trailing blanks and must start in the first column.
func pemBoundary(line, prefix string) (string, bool) {
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
