package keyfile

import "github.com/sslstream/sslstream/internal/safefile"

// maxFileSize bounds what the Load functions read: far above any real
// certificate bundle (the Mozilla root store is about 250 KB), it stops a
// mistaken path (a log file, a device) from exhausting memory.
const maxFileSize = 64 << 20

// readLimited reads a certificate or key file of at most maxFileSize bytes;
// only regular files are read (a FIFO or device is refused at once instead
// of blocking). The result is never nil on success, even for an empty file.
func readLimited(path string) ([]byte, error) {
	return safefile.Read(path, maxFileSize)
}
