package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pkiFiles are the paths writePKI wrote.
type pkiFiles struct {
	caFile, serverCert, serverKey, clientCert, clientKey string
	otherCAFile, otherCert, otherKey                     string // an unrelated CA and a client certificate it issued
}

// writePKI writes a CA, a server certificate for localhost, a client
// certificate, and a client certificate from an unrelated CA, with
// crypto/x509 alone.
func writePKI(dir string) (pkiFiles, error) {
	var f pkiFiles
	now := time.Now()
	write := func(name, typ string, der []byte) (string, error) {
		path := filepath.Join(dir, name)
		return path, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
	}
	serial := int64(0)
	issue := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, nil, err
		}
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(24*time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			return nil, nil, nil, err
		}
		c, err := x509.ParseCertificate(der)
		return c, key, der, err
	}
	ca := func(cn string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	}
	leaf := func(cn string, eku x509.ExtKeyUsage) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{eku}}
	}
	writeLeaf := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, certName, keyName string) (string, string, error) {
		_, key, der, err := issue(tmpl, parent, parentKey)
		if err != nil {
			return "", "", err
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return "", "", err
		}
		c, err := write(certName, "CERTIFICATE", der)
		if err != nil {
			return "", "", err
		}
		k, err := write(keyName, "PRIVATE KEY", keyDER)
		return c, k, err
	}
	root, rootKey, rootDER, err := issue(ca("gRPC Example CA"), nil, nil)
	if err != nil {
		return f, err
	}
	other, otherKey, otherDER, err := issue(ca("Other CA"), nil, nil)
	if err != nil {
		return f, err
	}
	if f.caFile, err = write("ca.pem", "CERTIFICATE", rootDER); err != nil {
		return f, err
	}
	if f.otherCAFile, err = write("other-ca.pem", "CERTIFICATE", otherDER); err != nil {
		return f, err
	}
	if f.serverCert, f.serverKey, err = writeLeaf(leaf("localhost", x509.ExtKeyUsageServerAuth), root, rootKey, "server.pem", "server.key"); err != nil {
		return f, err
	}
	if f.clientCert, f.clientKey, err = writeLeaf(leaf("client.example", x509.ExtKeyUsageClientAuth), root, rootKey, "client.pem", "client.key"); err != nil {
		return f, err
	}
	f.otherCert, f.otherKey, err = writeLeaf(leaf("intruder.example", x509.ExtKeyUsageClientAuth), other, otherKey, "other.pem", "other.key")
	return f, err
}
