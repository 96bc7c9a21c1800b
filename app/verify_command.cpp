// `darwaza verify FILE`: checks a certificate, or an application's receipt, offline, exactly as
// anyone holding the public key can.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include "certificates/certificate.hpp"
#include "commands.hpp"
#include "core/clock.hpp"
#include "core/working_days.hpp"

namespace darwaza::cli {
namespace {

// A certificate is a few KiB; anything far larger is not one.
constexpr std::size_t kMaxCertificateFileBytes = 1024 * 1024;
constexpr int kExitValid = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitCannotCheck = 2;

std::optional<std::string> read_limited(std::istream& in, std::size_t max_bytes) {
  std::string out;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<std::size_t>(in.gcount()));
    if (out.size() > max_bytes) return std::nullopt;
  }
  return out;
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(s.find_last_not_of(ws) + 1);
  s.erase(0, s.find_first_not_of(ws));
  return s;
}

// Text from the document goes to a terminal: no control characters (escape sequences).
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string member_text(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? printable(it->get_ref<const std::string&>()) : std::string("?");
}

// The public key: a file holding it (a `.pub` file), or the base64 key itself.
std::optional<std::string> resolve_public_key(const std::string& given, const DataOptions& data) {
  const std::string path = given.empty() ? data.signing_key_path() + ".pub" : given;
  if (std::ifstream in(path, std::ios::binary); in) {
    auto text = read_limited(in, 4096);
    if (!text) {
      std::cerr << "darwaza: " << path << " is too large to be a public key file\n";
      return std::nullopt;
    }
    return trim(*text);
  }
  if (!given.empty() && certificates::key_id_for_public_key(given)) return given;
  if (given.empty()) std::cerr << "darwaza: cannot read the public key " << path << "; pass --public-key\n";
  else std::cerr << "darwaza: --public-key is neither a readable file nor a base64 Ed25519 public key\n";
  return std::nullopt;
}

// An application receipt: the receipt document, or a submission's whole answer holding one.
int verify_receipt(nlohmann::json doc, const std::string& public_key) {
  if (!doc.contains("signature") && doc["receipt"].is_object() && doc["receipt"].contains("signature"))
    doc = nlohmann::json(doc["receipt"]);
  if (Status s = certificates::verify_receipt(doc, public_key); !s.ok()) {
    std::cout << "INVALID: " << operator_message(s.error()) << "\n";
    return kExitInvalid;
  }
  const nlohmann::json& body = doc["receipt"];
  std::cout << "VALID: receipt " << member_text(body, "tracking_number") << " for application "
            << member_text(body, "application_id") << " (" << member_text(body, "service_id") << "), submitted at "
            << member_text(body, "submitted_at") << "\n";
  return kExitValid;
}

int run_verify(const std::string& file, const std::string& public_key_arg, const DataOptions& data) {
  std::optional<std::string> text;
  if (file == "-") {
    text = read_limited(std::cin, kMaxCertificateFileBytes);
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "darwaza: cannot read " << file << "\n";
      return kExitCannotCheck;
    }
    text = read_limited(in, kMaxCertificateFileBytes);
  }
  if (!text) {
    std::cout << "INVALID: the file is larger than " << kMaxCertificateFileBytes << " bytes\n";
    return kExitInvalid;
  }
  std::optional<std::string> public_key = resolve_public_key(public_key_arg, data);
  if (!public_key) return kExitCannotCheck;

  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::cout << "INVALID: not a JSON document\n";
    return kExitInvalid;
  }
  if (doc.is_object() && doc.contains("receipt") && !doc.contains("certificate")) return verify_receipt(doc, *public_key);
  if (Status s = certificates::verify_certificate(doc, *public_key); !s.ok()) {
    std::cout << "INVALID: " << operator_message(s.error()) << "\n";
    return kExitInvalid;
  }

  const nlohmann::json& body = doc["certificate"];
  const std::string today = pkt_date(SystemClock{}.now_ms());
  const std::string what = member_text(body, "type") + " " + member_text(body, "id");
  if (certificates::not_yet_valid(doc, today)) {
    std::cout << "INVALID: NOT YET VALID: " << what << " is valid from " << member_text(body, "valid_from") << "\n";
    return kExitInvalid;
  }
  if (certificates::expired(doc, today)) {
    std::cout << "INVALID: EXPIRED: " << what << " was valid until " << member_text(body, "valid_until") << "\n";
    return kExitInvalid;
  }
  const bool no_expiry = body["valid_until"].is_null();
  std::cout << "VALID: " << what << " issued to " << member_text(body["holder"], "name") << " by "
            << member_text(body, "agency") << ", "
            << (no_expiry ? std::string("valid with no expiry date") : "valid until " + member_text(body, "valid_until"))
            << "\n";
  return kExitValid;
}

}  // namespace

void register_verify(CLI::App& app, DataOptions& data) {
  struct Opts {
    std::string file;
    std::string public_key;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand(
      "verify", "Check a signed certificate offline: its signature, signing key and validity dates; or an\n"
                "application's receipt (the receipt, or the whole answer to a submission): its signature.\n"
                "Prints VALID: ... or INVALID: <reason>. Exit status 0 if valid; 1 if invalid, expired\n"
                "or not yet valid; 2 if the file or the public key cannot be read.");
  add_data_options(*cmd, data);
  cmd->add_option("FILE", o->file, "Certificate or receipt JSON file, or - for standard input")->required();
  cmd->add_option("--public-key", o->public_key,
                  "Public key: a .pub file or the base64 key itself (default: the --signing-key file's .pub, DATA/keys/signing.key.pub)");
  cmd->callback([&data, o] {
    int rc = run_verify(o->file, o->public_key, data);
    if (rc != kExitValid) throw CLI::RuntimeError(rc);
  });
}

}  // namespace darwaza::cli
