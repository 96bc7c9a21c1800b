#include "certificates/signing.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sodium.h>

#include "core/crypto.hpp"

namespace darwaza::certificates {

static_assert(crypto_sign_SECRETKEYBYTES == 64 && crypto_sign_PUBLICKEYBYTES == 32 &&
              crypto_sign_SEEDBYTES == 32 && crypto_sign_BYTES == 64);

namespace {
ErrorSpec spec_of(Errc code) {
  switch (code) {
    case Errc::key_file_unreadable: return {ErrorKind::internal, "signing-key-unreadable", "Signing key unreadable", "The signing key file could not be read."};
    case Errc::key_file_insecure: return {ErrorKind::internal, "signing-key-insecure", "Signing key file not private", "The signing key file is readable by group or others."};
    case Errc::key_file_malformed: return {ErrorKind::internal, "signing-key-malformed", "Signing key file malformed", "The signing key file is not a valid Darwaza signing key."};
    case Errc::key_file_unwritable: return {ErrorKind::internal, "signing-key-unwritable", "Signing key not created", "The signing key file could not be created."};
    case Errc::malformed_certificate: return {ErrorKind::invalid_request, "certificate-malformed", "Malformed certificate", "This is not a well-formed Darwaza certificate."};
    case Errc::invalid_public_key: return {ErrorKind::invalid_request, "invalid-public-key", "Invalid public key", "The public key is not a base64 Ed25519 public key."};
    case Errc::wrong_key: return {ErrorKind::validation, "certificate-wrong-key", "Signed with another key", "The certificate was signed with a different key than the one given."};
    case Errc::bad_signature: return {ErrorKind::validation, "certificate-bad-signature", "Signature does not match", "The signature does not match the certificate: it was altered or forged."};
    case Errc::expired: return {ErrorKind::validation, "certificate-expired", "Certificate expired", "The certificate is past its validity date."};
    case Errc::not_yet_valid: return {ErrorKind::validation, "certificate-not-yet-valid", "Certificate not yet valid", "The certificate's validity has not started."};
    case Errc::malformed_receipt: return {ErrorKind::invalid_request, "receipt-malformed", "Malformed receipt", "This is not a well-formed Darwaza application receipt."};
  }
  return {ErrorKind::internal, "internal", "Internal error", ""};
}
}  // namespace

Error error(Errc code, std::string detail) { return make_error(spec_of(code), std::move(detail)); }

namespace {

constexpr int kB64Url = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr mode_t kKeyFileMode = 0600;
constexpr mode_t kPublicFileMode = 0644;
constexpr mode_t kKeyDirMode = 0700;

std::string b64url(const unsigned char* data, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, kB64Url), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, kB64Url);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

// Decodes exactly `n` bytes of base64 in one of `variants`; false on any other input.
bool b64_decode_exact(std::string_view in, unsigned char* out, std::size_t n, std::initializer_list<int> variants) {
  for (int variant : variants) {
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out, n, in.data(), in.size(), nullptr, &len, &end, variant) == 0 &&
        end == in.data() + in.size() && len == n) {
      return true;
    }
  }
  sodium_memzero(out, n);
  return false;
}

// Public keys arrive from people and other tools, so any RFC 4648 spelling is accepted.
bool decode_public_key(std::string_view b64, unsigned char* out) {
  return b64_decode_exact(b64, out, crypto_sign_PUBLICKEYBYTES,
                          {kB64Url, sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_ORIGINAL,
                           sodium_base64_VARIANT_ORIGINAL_NO_PADDING});
}

std::string key_id_of(const unsigned char* public_key) {
  std::string_view raw(reinterpret_cast<const char*>(public_key), crypto_sign_PUBLICKEYBYTES);
  return crypto::sha256_hex(raw).substr(0, kKeyIdHexChars);
}

std::string errno_text(int err) { return std::strerror(err); }

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() { if (fd_ >= 0) ::close(fd_); }

 private:
  int fd_;
};

// umask is process-wide; holding it at 077 only while we create a secret file means another
// thread creating a file in this window gets a stricter mode, never a looser one.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : old_(::umask(mask)) {}
  UmaskGuard(const UmaskGuard&) = delete;
  UmaskGuard& operator=(const UmaskGuard&) = delete;
  ~UmaskGuard() { ::umask(old_); }

 private:
  mode_t old_;
};

// A std::string that is wiped when it goes out of scope (it may hold the secret seed).
struct SecretString {
  std::string s;
  ~SecretString() { if (!s.empty()) sodium_memzero(s.data(), s.size()); }
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Writes `contents` to a new file beside `path` with exactly `mode`, and flushes it to disk.
// Returns the temporary file's name, or an error text.
Result<std::string> write_temp_file(const std::string& path, std::string_view contents, mode_t mode) {
  std::string tmp = path + ".tmp-" + crypto::random_hex(6);
  int fd;
  {
    UmaskGuard umask_guard(077);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, kKeyFileMode);
  }
  if (fd < 0) return error(Errc::key_file_unwritable, fmt::format("cannot create {}: {}", tmp, errno_text(errno)));
  bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, contents) && ::fsync(fd) == 0;
  int err = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(tmp.c_str());
    return error(Errc::key_file_unwritable, fmt::format("cannot write {}: {}", tmp, errno_text(err)));
  }
  return tmp;
}

Status write_public_file(const std::string& path, const std::string& public_b64) {
  auto tmp = write_temp_file(path, public_b64 + "\n", kPublicFileMode);
  if (!tmp.ok()) return tmp.take_error();
  if (::rename(tmp->c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp->c_str());
    return error(Errc::key_file_unwritable, fmt::format("cannot write {}: {}", path, errno_text(err)));
  }
  return ok_status();
}

// The .pub file is a convenience copy; the key file is authoritative. Rewritten if missing or stale.
// The public key file's text without its line end; nullopt (errno set) when it cannot be opened.
std::optional<std::string> read_public_file(const std::string& pub_path) {
  int fd = ::open(pub_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  FdCloser closer(fd);
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf);
  std::string_view text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

Status ensure_public_file(const std::string& key_path, const SigningKey& key) {
  const std::string pub_path = key_path + ".pub";
  const std::string want = key.public_key_b64();
  if (read_public_file(pub_path) == want) return ok_status();
  return write_public_file(pub_path, want);
}

Status ensure_parent_dir(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return ok_status();
  std::error_code ec;
  if (std::filesystem::exists(parent, ec)) return ok_status();
  std::filesystem::create_directories(parent, ec);
  if (ec) return error(Errc::key_file_unwritable, fmt::format("cannot create folder {}: {}", parent.string(), ec.message()));
  ::chmod(parent.c_str(), kKeyDirMode);
  return ok_status();
}

// What a key file holds. Wipes its copy of the seed when destroyed.
struct KeyFileContents {
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  std::string public_key;  // as stored; empty if absent
  std::string key_id;      // as stored; empty if absent
  KeyFileContents() = default;
  KeyFileContents(const KeyFileContents&) = default;
  KeyFileContents& operator=(const KeyFileContents&) = default;
  ~KeyFileContents() { sodium_memzero(seed.data(), seed.size()); }
};

Result<KeyFileContents> parse_key_file(const std::string& path, std::string& text) {
  auto bad = [&](std::string_view why) { return error(Errc::key_file_malformed, fmt::format("{}: {}", path, why)); };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return bad("not a JSON object");
  auto str = [&](const char* name) -> std::string* {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? &it->get_ref<std::string&>() : nullptr;
  };
  const std::string* alg = str("alg");
  if (!alg || *alg != "Ed25519") return bad("\"alg\" is not \"Ed25519\"");
  std::string* seed_b64 = str("secret_seed");
  if (!seed_b64) return bad("no \"secret_seed\"");
  KeyFileContents out;
  bool seed_ok = b64_decode_exact(*seed_b64, out.seed.data(), out.seed.size(), {kB64Url});
  sodium_memzero(seed_b64->data(), seed_b64->size());
  if (!seed_ok) return bad("\"secret_seed\" is not 32 bytes of base64url");
  if (const std::string* pk = str("public_key")) out.public_key = *pk;
  if (const std::string* id = str("key_id")) out.key_id = *id;
  return out;
}

Result<KeyFileContents> read_key_file(const std::string& path, int fd) {
  FdCloser closer(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return error(Errc::key_file_unreadable, fmt::format("cannot stat {}: {}", path, errno_text(errno)));
  if (!S_ISREG(st.st_mode)) return error(Errc::key_file_malformed, fmt::format("{} is not a regular file", path));
  // Like ssh with its private keys: a key others could have read may already be copied.
  if ((st.st_mode & 077) != 0) {
    return error(Errc::key_file_insecure,
                 fmt::format("refusing to use signing key {}: its mode is {:04o}, so group or others can read it "
                             "and it may have leaked. If you are sure it has not, run `chmod 600 {}`; "
                             "otherwise move it away so that a new key is created",
                             path, st.st_mode & 07777, path));
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileBytes) {
    return error(Errc::key_file_malformed, fmt::format("{} is larger than {} bytes", path, kMaxKeyFileBytes));
  }
  SecretString text;
  text.s.resize(kMaxKeyFileBytes);
  std::size_t have = 0;
  while (have < text.s.size()) {
    ssize_t n = ::read(fd, text.s.data() + have, text.s.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error(Errc::key_file_unreadable, fmt::format("cannot read {}: {}", path, errno_text(errno)));
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  text.s.resize(have);
  return parse_key_file(path, text.s);
}

std::string key_file_text(const SigningKey& key, const unsigned char* seed) {
  nlohmann::json j = {
      {"alg", "Ed25519"},
      {"key_id", key.key_id()},
      {"public_key", key.public_key_b64()},
      {"secret_seed", b64url(seed, crypto_sign_SEEDBYTES)},
  };
  return j.dump(2) + "\n";
}

}  // namespace

SigningKey SigningKey::from_seed(const unsigned char* seed) {
  SigningKey k;
  crypto_sign_seed_keypair(k.public_.data(), k.secret_.data(), seed);
  k.key_id_ = key_id_of(k.public_.data());
  return k;
}

SigningKey SigningKey::generate() {
  crypto::init();
  unsigned char seed[crypto_sign_SEEDBYTES];
  randombytes_buf(seed, sizeof seed);
  SigningKey k = from_seed(seed);
  sodium_memzero(seed, sizeof seed);
  return k;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

std::string SigningKey::public_key_b64() const { return b64url(public_.data(), public_.size()); }

std::string SigningKey::derive_secret(std::string_view context) const {
  if (!can_sign_) throw std::logic_error("derive_secret: this key is a public key only");
  const std::string_view seed(reinterpret_cast<const char*>(secret_.data()), crypto_sign_SEEDBYTES);
  return crypto::keyed_blake2b256(seed, context);
}

std::string SigningKey::sign(std::string_view msg) const {
  if (!can_sign_) throw std::logic_error("sign: this key is a public key only");
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), secret_.data());
  return b64url(sig, sizeof sig);
}

Result<SigningKey> SigningKey::read_opened(const std::string& path, int fd) {
  auto contents = read_key_file(path, fd);
  if (!contents.ok()) return contents.take_error();
  SigningKey key = from_seed(contents->seed.data());
  if ((!contents->public_key.empty() && contents->public_key != key.public_key_b64()) ||
      (!contents->key_id.empty() && contents->key_id != key.key_id())) {
    return error(Errc::key_file_malformed, fmt::format("{}: \"public_key\" or \"key_id\" does not belong to \"secret_seed\"", path));
  }
  // Best effort: the key may sit on a read-only secret mount, and the key file is what counts.
  (void)ensure_public_file(path, key);
  return key;
}

Result<SigningKey> SigningKey::load_public(const std::string& key_path) {
  crypto::init();
  const std::string pub_path = key_path + ".pub";
  auto text = read_public_file(pub_path);
  if (!text)
    return error(Errc::key_file_unreadable,
                 fmt::format("cannot open {}: {} (the platform's public key, beside its key file on every other node)",
                             pub_path, errno_text(errno)));
  SigningKey k;
  if (!decode_public_key(*text, k.public_.data()))
    return error(Errc::key_file_malformed, fmt::format("{}: not an Ed25519 public key", pub_path));
  k.key_id_ = key_id_of(k.public_.data());
  k.can_sign_ = false;
  return k;
}

Result<SigningKey> SigningKey::load_or_create(const std::string& path) {
  crypto::init();
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) return read_opened(path, fd);
    if (errno != ENOENT) return error(Errc::key_file_unreadable, fmt::format("cannot open {}: {}", path, errno_text(errno)));

    // First use. Write the whole key to a temporary file, then link() it into place: link never
    // replaces an existing file, so if another process created the key meanwhile we load theirs.
    if (Status s = ensure_parent_dir(path); !s.ok()) return s.take_error();
    unsigned char seed[crypto_sign_SEEDBYTES];
    randombytes_buf(seed, sizeof seed);
    SigningKey key = from_seed(seed);
    SecretString text{key_file_text(key, seed)};
    sodium_memzero(seed, sizeof seed);
    auto tmp = write_temp_file(path, text.s, kKeyFileMode);
    if (!tmp.ok()) return tmp.take_error();
    int rc = ::link(tmp->c_str(), path.c_str());
    int err = errno;
    ::unlink(tmp->c_str());
    if (rc != 0 && err == EEXIST) continue;  // lost the race: load the winner's key
    if (rc != 0) return error(Errc::key_file_unwritable, fmt::format("cannot create {}: {}", path, errno_text(err)));
    if (Status s = ensure_public_file(path, key); !s.ok()) return s.take_error();
    return key;
  }
  return error(Errc::key_file_unreadable, fmt::format("{} appeared and vanished while being created", path));
}

std::optional<std::string> key_id_for_public_key(std::string_view public_key_b64) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  if (!decode_public_key(public_key_b64, pk)) return std::nullopt;
  return key_id_of(pk);
}

std::string to_b64url(const unsigned char* data, std::size_t n) { return b64url(data, n); }

bool from_b64url_exact(std::string_view in, unsigned char* out, std::size_t n) {
  return b64_decode_exact(in, out, n, {kB64Url});
}

bool verify_signature(std::string_view public_key_b64, std::string_view msg, std::string_view sig_b64) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sig[crypto_sign_BYTES];
  // Signatures are only ever written as base64url: one spelling per signature.
  if (!decode_public_key(public_key_b64, pk) || !b64_decode_exact(sig_b64, sig, sizeof sig, {kB64Url})) return false;
  return crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), pk) == 0;
}

namespace {

// JavaScript's Number.MAX_SAFE_INTEGER: larger integers lose precision in JSON.parse.
constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

void check_canonical(const nlohmann::json& v, std::string& path) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::number_float:
      throw std::invalid_argument("canonical JSON: number with a fraction or exponent at " +
                                  (path.empty() ? "/" : path) + "; write decimals and money as strings");
    case T::number_integer:
    case T::number_unsigned: {
      bool safe = v.is_number_unsigned() ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxSafeInteger)
                                         : (v.get<std::int64_t>() <= kMaxSafeInteger && v.get<std::int64_t>() >= -kMaxSafeInteger);
      if (!safe) throw std::invalid_argument("canonical JSON: integer beyond ±(2^53-1) at " + (path.empty() ? "/" : path));
      return;
    }
    case T::binary:
    case T::discarded:
      throw std::invalid_argument("canonical JSON: value at " + (path.empty() ? "/" : path) + " has no JSON text form");
    case T::object:
      for (const auto& [key, member] : v.items()) {
        std::size_t len = path.size();
        path += '/';
        path += key;
        check_canonical(member, path);
        path.resize(len);
      }
      return;
    case T::array: {
      std::size_t i = 0;
      for (const auto& element : v) {
        std::size_t len = path.size();
        path += '/';
        path += std::to_string(i++);
        check_canonical(element, path);
        path.resize(len);
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace

std::string canonical_json(const nlohmann::json& value) {
  std::string path;
  check_canonical(value, path);
  try {
    return value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::type_error& e) {
    throw std::invalid_argument(std::string("canonical JSON: ") + e.what());  // invalid UTF-8
  }
}

}  // namespace darwaza::certificates
