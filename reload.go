package sslstream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sslstream/sslstream/cadir"
)

// live is the reloadable state of a context: the current immutable config
// behind an atomic pointer, and the settings it was made from. A reload
// builds a complete new config and swaps the pointer; connections already
// made keep the config they started with.
type live struct {
	cur      atomic.Pointer[config]
	mu       sync.Mutex // serializes reloads and guards settings
	settings Settings
	server   bool
	gen      atomic.Uint64
}

func (l *live) init(c *config, s Settings) error {
	l.settings = cloneSettings(s)
	l.server = c.server
	l.cur.Store(c)
	return nil
}

// cfg returns the current config.
func (l *live) cfg() *config { return l.cur.Load() }

// cloneSettings copies s so that later changes by the caller to pointed-to
// values or slices do not reach the context.
func cloneSettings(s Settings) Settings {
	if s.MaxDepth != nil {
		s.MaxDepth = new(*s.MaxDepth)
	}
	if s.PreferServerCipherOrder != nil {
		s.PreferServerCipherOrder = new(*s.PreferServerCipherOrder)
	}
	if s.SessionTickets != nil {
		s.SessionTickets = new(*s.SessionTickets)
	}
	s.ExtraCertificates = append([]CertificateFiles(nil), s.ExtraCertificates...)
	s.ALPN = append([]string(nil), s.ALPN...)
	s.Groups = append([]tls.CurveID(nil), s.Groups...)
	if s.ClientCANames != nil {
		s.ClientCANames = new(*s.ClientCANames)
	}
	return s
}

// reload builds a config from s (nil = the current settings) and swaps it
// in; on failure the current config stays.
func (l *live) reload(s *Settings) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	settings := l.settings
	if s != nil {
		settings = cloneSettings(*s)
	}
	n, err := newConfig(settings, l.server)
	if err != nil {
		return fmt.Errorf("reload: the previous configuration stays in use: %w", err)
	}
	old := l.cur.Load()
	if l.server {
		// The context's own rotating ticket keys survive a reload, so
		// that sessions issued before it still resume after it; a key
		// file is read again.
		if n.tickets != nil && n.tickets.file == "" && old.tickets != nil && old.tickets.file == "" {
			n.tickets = old.tickets
		}
	} else if old.tls.ClientSessionCache != nil && n.tls.ClientSessionCache != nil {
		// Sessions are re-verified when resumed, so the cache may outlive
		// the trust settings it was filled under.
		n.tls.ClientSessionCache = old.tls.ClientSessionCache
	}
	l.settings = settings
	l.cur.Store(n)
	l.gen.Add(1)
	return nil
}

// Reload re-reads the certificate, key, CA file and directory, CRLs and
// every other setting from the settings the context was made (or last
// updated) with, and makes them current in one atomic step: connections
// made afterwards use the new material, established ones are undisturbed.
// If anything fails to load, the previous configuration stays in use and
// the error (an *Error inside, naming the file or setting) says why.
func (c *ServerContext) Reload() error { return c.reload(nil) }

// Reload re-reads the client context's files and settings; see
// (*ServerContext).Reload. The session cache is kept.
func (c *ClientContext) Reload() error { return c.reload(nil) }

// Update replaces the context's settings with s and reloads, atomically:
// on error nothing changes.
func (c *ServerContext) Update(s Settings) error { return c.reload(&s) }

// Update replaces the client context's settings with s and reloads; on
// error nothing changes.
func (c *ClientContext) Update(s Settings) error { return c.reload(&s) }

// Generation counts the successful reloads and updates of the context.
func (c *ServerContext) Generation() uint64 { return c.gen.Load() }

// Generation counts the successful reloads and updates of the context.
func (c *ClientContext) Generation() uint64 { return c.gen.Load() }

// Settings returns a copy of the settings in effect.
func (c *ServerContext) Settings() Settings { return c.currentSettings() }

// Settings returns a copy of the settings in effect.
func (c *ClientContext) Settings() Settings { return c.currentSettings() }

func (l *live) currentSettings() Settings {
	l.mu.Lock()
	defer l.mu.Unlock()
	return cloneSettings(l.settings)
}

// exportLive is ServerContext.TLSConfig: each handshake uses the config
// current when its ClientHello arrives.
func (l *live) exportLive() *tls.Config { return exportServerConfig(l.cfg) }

// WatchOptions configures (*ServerContext).Watch and (*ClientContext).Watch.
type WatchOptions struct {
	// Interval between two looks at the files; 0 = one second.
	Interval time.Duration
	// OnError, if not nil, is called with each failed reload (the
	// previous configuration stays in use) and each file that cannot be
	// examined.
	OnError func(error)
	// OnReload, if not nil, is called after each successful reload with
	// the files whose change caused it.
	OnReload func(changed []string)
}

// Watch polls the files named by the context's settings (certificate, key,
// extra certificates, ca-file, crl-file, ca-directory and its entries, the
// chain-ca-* and verify-ca-* files and directories, ca-store) for
// changes of size or modification time, and reloads the context when one
// changed. It blocks until ctx ends and returns ctx.Err(); run it in a
// goroutine. A reload that fails keeps the last good configuration, is
// reported to OnError and is retried when a file changes again. No
// dependency is needed: it uses os.Stat only.
func (c *ServerContext) Watch(ctx context.Context, opts WatchOptions) error {
	return c.watch(ctx, opts)
}

// Watch polls the client context's files and reloads on change; see
// (*ServerContext).Watch.
func (c *ClientContext) Watch(ctx context.Context, opts WatchOptions) error {
	return c.watch(ctx, opts)
}

// fileStamp is what the watcher compares.
type fileStamp struct {
	size    int64
	mtime   time.Time
	missing bool
}

func (l *live) watchedFiles() (files, dirs []string) {
	s := l.currentSettings()
	for _, f := range []string{s.Certificate, s.Key, s.CertificateChain, s.CAFile, s.ChainCAFile, s.VerifyCAFile, s.CRLFile, s.StatusFile, s.SessionTicketKeys, s.ECHKeys, echConfigFile(s.ECHConfig)} {
		if f != "" {
			files = append(files, f)
		}
	}
	for _, e := range s.ExtraCertificates {
		for _, f := range []string{e.Certificate, e.Key} {
			if f != "" {
				files = append(files, f)
			}
		}
	}
	for _, d := range []string{s.CADirectory, s.ChainCADirectory, s.VerifyCADirectory} {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	for _, uri := range []string{s.CAStore, s.ChainCAStore, s.VerifyCAStore} {
		if uri == "" {
			continue
		}
		if p, err := cadir.StorePath(uri); err == nil {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				dirs = append(dirs, p)
			} else {
				files = append(files, p)
			}
		}
	}
	return files, dirs
}

// snapshot stats the watched files; errors other than absence are
// reported.
func (l *live) snapshot(report func(error)) map[string]fileStamp {
	files, dirs := l.watchedFiles()
	m := make(map[string]fileStamp)
	stat := func(p string) {
		fi, err := os.Stat(p)
		switch {
		case errors.Is(err, os.ErrNotExist):
			m[p] = fileStamp{missing: true}
		case err != nil:
			report(fmt.Errorf("watch %q: %w", p, err))
		default:
			m[p] = fileStamp{size: fi.Size(), mtime: fi.ModTime()}
		}
	}
	for _, f := range files {
		stat(f)
	}
	for _, d := range dirs {
		stat(d)
		entries, err := os.ReadDir(d)
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				report(fmt.Errorf("watch ca-directory %q: %w", d, err))
			}
			continue
		}
		for _, e := range entries {
			stat(filepath.Join(d, e.Name()))
		}
	}
	return m
}

func changedFiles(old, cur map[string]fileStamp) []string {
	var out []string
	for p, s := range cur {
		if o, ok := old[p]; !ok || o != s {
			out = append(out, p)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func (l *live) watch(ctx context.Context, opts WatchOptions) error {
	every := opts.Interval
	if every <= 0 {
		every = time.Second
	}
	report := func(err error) {
		if opts.OnError != nil {
			opts.OnError(err)
		}
	}
	last := l.snapshot(report)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		cur := l.snapshot(report)
		changed := changedFiles(last, cur)
		if len(changed) == 0 {
			continue
		}
		last = cur
		if err := l.reload(nil); err != nil {
			report(err)
			continue
		}
		if opts.OnReload != nil {
			opts.OnReload(changed)
		}
	}
}
