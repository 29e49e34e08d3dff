package main

import "net"

// readAheadSize is what a readAheadConn asks the socket for at a time: as
// much as a busy loopback socket holds, many TLS records.
const readAheadSize = 256 << 10

// readAheadConn reads its connection in large chunks and serves smaller
// Reads from them. crypto/tls asks for little more than one record at a
// time; when the peer sends faster than the records are decrypted and
// written out, each of those Reads is a system call, and each one that
// finds the socket momentarily empty parks the goroutine in the network
// poller (an epoll wait and, often, a thread woken on a futex). Reading
// what is there in one go makes those rarer. The piped session (one
// connection) uses it; --echo connections do not, since the buffer would
// sit under every idle connection.
type readAheadConn struct {
	net.Conn
	buf  []byte
	r, w int
	err  error // the error of the Read that filled buf, once buf is served
}

func newReadAheadConn(c net.Conn) *readAheadConn {
	return &readAheadConn{Conn: c}
}

// Read serves p from the buffer, filling it with one Read of the
// connection when it is empty; an error that came with data is returned
// once that data is served.
func (c *readAheadConn) Read(p []byte) (int, error) {
	if c.r == c.w {
		if err := c.err; err != nil {
			c.err = nil
			return 0, err
		}
		if len(p) >= readAheadSize {
			return c.Conn.Read(p)
		}
		if c.buf == nil {
			c.buf = make([]byte, readAheadSize)
		}
		n, err := c.Conn.Read(c.buf)
		if n == 0 {
			return 0, err
		}
		c.r, c.w, c.err = 0, n, err
	}
	n := copy(p, c.buf[c.r:c.w])
	c.r += n
	return n, nil
}
