package cipherlist

//go:generate go run ../internal/gen/ciphers ../internal/gen/ciphers/openssl-ciphers.tsv table.go
