// Package cadir reads OpenSSL hashed certificate directories (CApath) and
// makes them, as `openssl rehash` does.
//
// In a hashed directory each CA certificate is reached through a link named
// `<hash>.<n>` and each CRL through `<hash>.r<n>`, where <hash> is the
// eight-hex-digit X509_NAME_hash (dn.Hash) of the certificate's subject or
// the CRL's issuer and n counts 0, 1, 2, ... for names that share a hash.
//
// Dir looks certificates and CRLs up lazily, the way OpenSSL's by_dir lookup
// does: Open only checks the directory, so a directory of 100,000 CAs costs
// nothing until a name is asked for; a lookup reads `<hash>.0`, `<hash>.1`,
// ... up to the first missing number, keeps the certificates whose subject
// equals the asked name (hash collisions are possible) and caches what it
// read per hash.
//
// Caching follows OpenSSL: a name that was found is answered from the cache
// from then on (files changed afterwards are not re-read); a name that was
// not found is not negatively cached: every such lookup checks once more
// for the next-numbered file of that hash (one stat call), so certificates
// added to the directory later are found. CRL lookups always check for
// further `.rN` files, as OpenSSL does.
//
// Rehash does what `openssl rehash DIR` of OpenSSL 3.0 does, with the same
// link names, the same treatment of existing links, duplicates and odd
// files, and the same warnings.
package cadir
