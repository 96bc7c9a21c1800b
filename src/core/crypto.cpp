#include "core/crypto.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <sodium.h>

namespace darwaza::crypto {

void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_hex(std::size_t n) {
  std::vector<unsigned char> buf(n);
  randombytes_buf(buf.data(), n);
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), buf.data(), n);
  out.resize(n * 2);
  return out;
}

std::string base64url(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), " \r\n\t",
                        &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string random_token(std::size_t n) {
  std::string buf(n, '\0');
  randombytes_buf(buf.data(), n);
  return base64url(buf);
}

// Same source, same strength as a call per identifier: only the call is batched (a submission
// makes four identifiers). Secrets (random_token) keep their own calls.
void identifier_random_bytes(unsigned char* out, std::size_t n) {
  thread_local unsigned char pool[512];
  thread_local std::size_t left = 0;
  while (n > 0) {
    if (left == 0) {
      randombytes_buf(pool, sizeof pool);
      left = sizeof pool;
    }
    const std::size_t take = std::min(n, left);
    std::memcpy(out, pool + (sizeof pool - left), take);
    sodium_memzero(pool + (sizeof pool - left), take);  // a byte handed out is not kept
    left -= take;
    out += take;
    n -= take;
  }
}

std::string random_id(std::string_view prefix) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // 32 symbols, no l/o/0/1
  constexpr std::size_t kChars = 20;                                      // 100 bits
  std::string out(prefix);
  out.push_back('_');
  unsigned char buf[kChars];
  identifier_random_bytes(buf, sizeof buf);
  for (unsigned char b : buf) out.push_back(kAlphabet[b & 31u]);
  return out;
}

std::string time_ordered_id(std::string_view prefix, std::int64_t unix_ms) {
  static constexpr char kSorted[] = "23456789abcdefghijkmnpqrstuvwxyz";  // random_id's symbols, ASCII order
  constexpr int kTimeChars = 10;                                        // 50 bits: ms until the year 37,648
  constexpr std::size_t kRandomChars = 16;                              // 80 bits
  const auto t = static_cast<std::uint64_t>(std::max<std::int64_t>(unix_ms, 0));
  std::string out(prefix);
  out.push_back('_');
  for (int i = kTimeChars - 1; i >= 0; --i) out.push_back(kSorted[(t >> (5 * i)) & 31u]);
  unsigned char buf[kRandomChars];
  identifier_random_bytes(buf, sizeof buf);
  for (unsigned char b : buf) out.push_back(kSorted[b & 31u]);
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

std::string blake2b256_hex(std::string_view data) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof digest * 2);
}

bool blake2b256_hex_equals(std::string_view data, std::string_view hex) {
  unsigned char digest[32];
  if (hex.size() != sizeof digest * 2) return false;
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  char mine[sizeof digest * 2 + 1];
  sodium_bin2hex(mine, sizeof mine, digest, sizeof digest);
  return hex == std::string_view(mine, sizeof digest * 2);
}

std::string keyed_blake2b256(std::string_view key, std::string_view data) {
  if (key.size() < crypto_generichash_KEYBYTES_MIN || key.size() > crypto_generichash_KEYBYTES_MAX)
    throw std::invalid_argument("keyed_blake2b256: key must be 16 to 64 bytes");
  std::string digest(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return digest;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hash_password(std::string_view password, const PasswordParams& p) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), p.ops_limit, p.mem_limit_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::bad_alloc();  // the only failure mode is running out of memory
  }
  return out;
}

bool verify_password(std::string_view encoded, std::string_view password) {
  std::string h(encoded);  // needs NUL termination
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

}  // namespace darwaza::crypto
