// Package cipherlist compiles OpenSSL 3.0 cipher strings (the `ciphers`
// setting, SSL_CTX_set_cipher_list) into ordered lists of TLS <= 1.2 cipher
// suites, and parses TLS 1.3 `ciphersuites` strings.
//
// # Model
//
// The compiler works on OpenSSL 3.0's whole TLS <= 1.2 table as a default
// build with the default provider has it: 155 suites, including the DHE,
// DSS, anonymous, CCM, ARIA, CAMELLIA, PSK, SRP and NULL suites crypto/tls
// cannot speak (3DES, RC4, SEED, IDEA and GOST suites are not in that table,
// so their names select nothing, as in OpenSSL). Every suite carries
// OpenSSL's key-exchange, authentication, cipher and MAC classes, minimum
// protocol version, strength class and strength bits, so selection, order
// and @STRENGTH come out exactly as `openssl ciphers STRING` prints them
// (checked against the local openssl for more than a thousand strings).
// List.Negotiable and List.IDs then keep the 17 suites crypto/tls can
// negotiate, for tls.Config.CipherSuites.
//
// # Grammar
//
// A cipher string is a list of elements separated by ':', ',', ' ' or ';'.
// An element is a term or terms joined by '+' (all must match: "ECDHE+AESGCM"),
// optionally prefixed:
//
//	TERM     add the matching suites not yet in the list, at its end
//	!TERM    remove them for good; later elements cannot add them back
//	-TERM    remove them from the list; later elements may add them again
//	         (re-added, they come before other suites the same element adds)
//	+TERM    move the matching suites already in the list to its end
//	@STRENGTH        sort the list by strength bits, keeping the order within equal strength
//	@SECLEVEL=n      set the security level, n from 0 to 5 (List.SecLevel)
//
// Terms are suite names in OpenSSL spelling ("ECDHE-RSA-AES128-GCM-SHA256";
// IANA names are not accepted there, as in OpenSSL) or aliases: ALL (every
// suite except eNULL), COMPLEMENTOFALL, COMPLEMENTOFDEFAULT, HIGH, MEDIUM,
// LOW, FIPS; key exchange kRSA, kDHE/kEDH/DH, kECDHE/kEECDH/ECDH, kPSK,
// kRSAPSK, kECDHEPSK, kDHEPSK, kSRP; authentication aRSA, aDSS/DSS, aNULL,
// aECDSA/ECDSA, aPSK, aSRP; combinations DHE/EDH and ECDHE/EECDH
// (authenticated only), ADH, AECDH, RSA, PSK, SRP, NULL/eNULL; ciphers AES,
// AES128, AES256, AESGCM, AESCCM, AESCCM8, CHACHA20, CAMELLIA, CAMELLIA128,
// CAMELLIA256, ARIA, ARIAGCM, ARIA128, ARIA256, CBC, 3DES; MACs MD5,
// SHA1/SHA, SHA256, SHA384; protocol versions SSLv3, TLSv1/TLSv1.0, TLSv1.2
// (matching a suite's minimum version exactly). Names are case-sensitive.
// AliasNames lists them.
//
// A string starting with DEFAULT first applies OpenSSL's default
// ("ALL:!COMPLEMENTOFDEFAULT:!eNULL"); DEFAULT anywhere else is an unknown
// word. A string starting with SUITEB128, SUITEB128ONLY, SUITEB128C2 or
// SUITEB192 is replaced as a whole by the Suite B suites (List.SuiteB).
// The empty string means DEFAULT here (OpenSSL rejects it).
//
// OpenSSL's quirks are kept on purpose: unknown words and impossible
// combinations ("kRSA+kECDHE") are skipped silently up to the next separator
// (they are reported in List.Ignored); an element may follow another
// without separator when it starts with '!' or '@' ("HIGH!MD5@STRENGTH");
// in a '+' chain only the last term decides whether a single suite is meant;
// "COMPLEMENTOFDEFAULT+HIGH" equals HIGH. Errors, as in OpenSSL: a character
// outside letters, digits, '-', '.', '=' and the separators where a term
// must start (OpenSSL's "invalid command"), an empty term ("HIGH:!",
// "RSA+"), an unknown @command or a level outside 0..5, and a string that
// selects no suite ("no cipher match", errors.Is(err, ErrNoMatch)). A NUL
// byte is an error (OpenSSL would stop reading there).
//
// # Security level
//
// `openssl ciphers STRING` lists suites whatever the security level; a
// handshake only uses those the level allows. List.ForSecLevel applies
// OpenSSL 3.0's rules. Upstream OpenSSL 3.0 defaults to level 1
// (DefaultSecLevel); Debian and Ubuntu build it with level 2.
// List.ForVersions keeps the suites usable with a protocol range, as
// `openssl ciphers -s -tls1_2` does.
//
// # TLS 1.3 and crypto/tls
//
// Cipher strings never select TLS 1.3 suites; those come from the separate
// ciphersuites string (ParseCiphersuites). crypto/tls cannot restrict TLS
// 1.3 suites: it always offers and accepts TLS_AES_128_GCM_SHA256,
// TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256, whatever
// tls.Config.CipherSuites says. A caller enforcing a ciphersuites setting
// must check tls.ConnectionState.CipherSuite after the handshake and fail
// the connection when the negotiated TLS 1.3 suite is not in the list.
// OpenSSL's TLS_AES_128_CCM_SHA256 and TLS_AES_128_CCM_8_SHA256 are accepted
// by ParseCiphersuites but can never be negotiated by crypto/tls (Suite.Go
// is false).
//
// Likewise, since Go 1.17 crypto/tls orders TLS <= 1.2 suites itself and
// ignores the order of tls.Config.CipherSuites, so List's order is
// informative (what OpenSSL would prefer) but only the membership of
// List.IDs() reaches the handshake. Suites Go lists in
// tls.InsecureCipherSuites (RSA key exchange, CBC with SHA-256) are still
// negotiated when listed explicitly; Suite.GoInsecure marks them.
package cipherlist
