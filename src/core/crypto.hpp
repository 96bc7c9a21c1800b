// Thin wrappers over libsodium: random identifiers and tokens, SHA-256, BLAKE2b, argon2id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace darwaza::crypto {

// Must be called once before any other function here (idempotent).
void init();

// n random bytes, hex encoded (2n chars).
std::string random_hex(std::size_t n_bytes);
// n random bytes, base64url encoded without padding.
std::string random_token(std::size_t n_bytes);
// Prefixed random identifier with ~100 bits of entropy, lower-case base32: "usr_k3j...".
std::string random_id(std::string_view prefix);
// Prefixed identifier that sorts by creation time: 10 characters of the Unix time in ms, then 16
// random ones (80 bits), in the same 32 symbols as random_id but in ASCII order, so ids made later
// compare greater (to the ms; ids of one ms are in random order). For rows written at volume: their
// primary-key index and the indexes that lead with the id grow at one end instead of touching a
// random page per row, which keeps the pages a commit writes few. Not a secret: ids never grant access.
std::string time_ordered_id(std::string_view prefix, std::int64_t unix_ms);
// Random bytes for identifiers (unguessable, not secret keys): the system's generator, drawn 512
// bytes at a time per thread instead of one system call per identifier; every byte is handed out once.
void identifier_random_bytes(unsigned char* out, std::size_t n);

std::string sha256_hex(std::string_view data);
// BLAKE2b with a 256-bit digest (libsodium's generichash), hex: several times faster than
// libsodium's SHA-256, for hashing at volume (the audit chain).
std::string blake2b256_hex(std::string_view data);
// Whether blake2b256_hex(data) == hex, without allocating.
bool blake2b256_hex_equals(std::string_view data, std::string_view hex);
// Keyed BLAKE2b-256: 32 raw bytes, a MAC of `data` under `key` or a sub-key derived from a
// secret `key` with a fixed context string as `data`. The key must be 16 to 64 bytes.
std::string keyed_blake2b256(std::string_view key, std::string_view data);
// base64url without padding (RFC 4648 §5).
std::string base64url(std::string_view bytes);
// Standard base64 with padding (RFC 4648 §4); line breaks and spaces are skipped. nullopt when
// `text` is not base64.
std::optional<std::string> base64_decode(std::string_view text);
bool constant_time_equal(std::string_view a, std::string_view b);

struct PasswordParams {
  // argon2id. Defaults follow OWASP's password storage guidance (19 MiB, t=2, p=1):
  // about 20-40 ms per hash on one core of a 2020s server, so a login node does
  // dozens of logins per second per core while an offline guess costs the same.
  unsigned long long ops_limit = 2;
  std::size_t mem_limit_bytes = 19u * 1024u * 1024u;
};

// Encoded argon2id hash string ($argon2id$v=19$m=...,t=...,p=1$salt$hash); params live in it.
std::string hash_password(std::string_view password, const PasswordParams& params);
bool verify_password(std::string_view encoded_hash, std::string_view password);

}  // namespace darwaza::crypto
