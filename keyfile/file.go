package keyfile

import (
	"fmt"
	"io"
	"os"
)

// maxFileSize bounds what the Load functions read: far above any real
// certificate bundle (the Mozilla root store is about 250 KB), it stops a
// mistaken path (a log file, a device) from exhausting memory.
const maxFileSize = 64 << 20

// readLimited reads a certificate or key file of at most maxFileSize bytes.
// The result is never nil on success, even for an empty file.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("is a directory")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		clear(data)
		return nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}
