// Offline-verifiable signatures: the platform's Ed25519 signing key, kept in an owner-only file,
// detached signatures over canonical JSON, and the module's error codes. Anyone holding the
// public key (published as `<key file>.pub`) can check a signature without calling Darwaza.
// All binary values (keys, signatures) are base64url without padding (RFC 4648 §5).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace darwaza::certificates {

enum class Errc {
  key_file_unreadable,   // I/O error opening or reading the key file
  key_file_insecure,     // key file readable by group or others
  key_file_malformed,    // not a Darwaza signing key, or seed and public key disagree
  key_file_unwritable,   // could not create the key file or its .pub
  malformed_certificate, // not a certificate document of the expected shape
  invalid_public_key,    // the verifier's public key is not a base64 Ed25519 key
  wrong_key,             // signed with a different key than the one given
  bad_signature,         // signature does not match: tampered or forged
  expired,
  not_yet_valid,
  malformed_receipt,     // not an application receipt of the expected shape
};

Error error(Errc code, std::string detail = {});

// Largest key file we read; a real one is about 200 bytes.
constexpr std::size_t kMaxKeyFileBytes = 4096;
// Length of a key id: the first 16 hex characters (64 bits) of SHA-256(raw public key).
constexpr std::size_t kKeyIdHexChars = 16;

class SigningKey {
 public:
  // Loads the key at `path`, or creates it (and its parent folder, owner-only) on first use.
  // The key file is JSON: {"alg":"Ed25519","key_id":"…","public_key":"…","secret_seed":"…"}
  // with mode 0600; an existing file that group or others may access is refused. Also writes
  // `<path>.pub` (mode 0644): the public key on one line, ready for `darwaza verify --public-key`.
  // Safe against a concurrent first start: exactly one key wins and both processes use it.
  static Result<SigningKey> load_or_create(const std::string& path);
  // The public key only, from `<key_path>.pub`: for a node that checks signatures and never makes
  // one (serve --read-only), so that it holds no secret. sign() and derive_secret() then throw.
  static Result<SigningKey> load_public(const std::string& key_path);
  // False for a key loaded by load_public.
  bool can_sign() const { return can_sign_; }
  // A fresh key that lives only in memory (tests, tooling).
  static SigningKey generate();

  SigningKey(const SigningKey&) = default;
  SigningKey(SigningKey&&) noexcept = default;
  SigningKey& operator=(const SigningKey&) = default;
  SigningKey& operator=(SigningKey&&) noexcept = default;
  ~SigningKey();  // wipes the secret key

  const std::string& key_id() const { return key_id_; }
  std::string public_key_b64() const;
  // Detached Ed25519 signature (64 bytes), base64url.
  std::string sign(std::string_view msg) const;
  // A 32-byte secret for another purpose, derived from the seed under a fixed `context`: every
  // node holding the same key file derives the same secret, and it reveals nothing of the seed.
  std::string derive_secret(std::string_view context) const;

 private:
  SigningKey() = default;
  static SigningKey from_seed(const unsigned char* seed);
  // Reads the key file open on `fd` (and closes it).
  static Result<SigningKey> read_opened(const std::string& path, int fd);

  std::array<unsigned char, 64> secret_{};  // libsodium layout: seed || public key
  std::array<unsigned char, 32> public_{};
  std::string key_id_;
  bool can_sign_ = true;
};

// True if `sig_b64` is a valid Ed25519 signature of `msg` by `public_key_b64`. Never throws;
// any undecodable input is simply "not valid".
bool verify_signature(std::string_view public_key_b64, std::string_view msg, std::string_view sig_b64);

// Base64url without padding (RFC 4648 §5), the spelling of every binary value Darwaza signs or
// publishes; and its reverse for exactly `n` bytes (false on anything else).
std::string to_b64url(const unsigned char* data, std::size_t n);
bool from_b64url_exact(std::string_view in, unsigned char* out, std::size_t n);

// The key id of a base64/base64url public key; nullopt if it is not a 32-byte key.
std::optional<std::string> key_id_for_public_key(std::string_view public_key_b64);

// The byte string a signature covers. Rules, so that any verifier can rebuild it:
//  - no whitespace; object members sorted by key in byte order of their UTF-8 (nlohmann::json
//    objects are std::map, so dump() sorts);
//  - strings as UTF-8, not \u-escaped; only '"', '\\' and control characters are escaped
//    (\b \f \n \r \t, otherwise \u00xx in lower-case hex); invalid UTF-8 is refused;
//  - numbers must be integers within ±(2^53 − 1), so JavaScript verifiers read them exactly.
//    Floats are refused: amounts of money and other decimals belong in strings.
// For documents whose keys are ASCII, as all of Darwaza's are, the result is byte-for-byte the
// RFC 8785 (JCS) canonical form. Throws std::invalid_argument, naming the offending path.
std::string canonical_json(const nlohmann::json& value);

}  // namespace darwaza::certificates
