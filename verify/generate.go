package verify

//go:generate go run ../internal/gen/verifycodes ../internal/gen/verifycodes/x509-verify-codes.tsv codes.go
