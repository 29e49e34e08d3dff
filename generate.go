package sslstream

//go:generate go run ./internal/gen/sslreasons internal/gen/sslreasons/ssl-error-codes.tsv internal/gen/sslreasons/exported.tsv
