#include "certificates/certificate.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace darwaza::certificates {
namespace {

using nlohmann::json;

bool is_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// "YYYY-MM-DD", a real calendar date.
bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!is_digits(s.substr(0, 4)) || !is_digits(s.substr(5, 2)) || !is_digits(s.substr(8, 2))) return false;
  int y = to_int(s.substr(0, 4)), m = to_int(s.substr(5, 2)), d = to_int(s.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM).
bool is_rfc3339(std::string_view s) {
  if (s.size() < 20 || !is_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't')) return false;
  std::string_view t = s.substr(11);
  if (t[2] != ':' || t[5] != ':' || !is_digits(t.substr(0, 2)) || !is_digits(t.substr(3, 2)) || !is_digits(t.substr(6, 2))) {
    return false;
  }
  if (to_int(t.substr(0, 2)) > 23 || to_int(t.substr(3, 2)) > 59 || to_int(t.substr(6, 2)) > 60) return false;
  t.remove_prefix(8);
  if (!t.empty() && t[0] == '.') {
    std::size_t n = 1;
    while (n < t.size() && t[n] >= '0' && t[n] <= '9') ++n;
    if (n == 1) return false;
    t.remove_prefix(n);
  }
  if (t == "Z" || t == "z") return true;
  return t.size() == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':' && is_digits(t.substr(1, 2)) &&
         is_digits(t.substr(4, 2)) && to_int(t.substr(1, 2)) <= 23 && to_int(t.substr(4, 2)) <= 59;
}

bool is_key_id(std::string_view s) {
  if (s.size() != kKeyIdHexChars) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Error malformed(std::string why) { return error(Errc::malformed_certificate, "malformed certificate: " + std::move(why)); }

// The string member `name` of `obj`, non-empty; null if absent or of another type.
const std::string* text_member(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return nullptr;
  return &it->get_ref<const std::string&>();
}

Status check_holder(const json& holder) {
  if (!holder.is_object()) return malformed("\"holder\" must be an object");
  for (const auto& [key, value] : holder.items()) {
    if (key != "kind" && key != "id" && key != "name" && key != "cnic_last4" && key != "ntn") {
      return malformed(fmt::format("\"holder\" may not carry \"{}\"", key));
    }
  }
  const std::string* kind = text_member(holder, "kind");
  if (!kind || (*kind != "citizen" && *kind != "organisation")) {
    return malformed("\"holder.kind\" must be \"citizen\" or \"organisation\"");
  }
  for (const char* name : {"id", "name"}) {
    if (!text_member(holder, name)) return malformed(fmt::format("\"holder.{}\" must be a non-empty string", name));
  }
  if (holder.contains("cnic_last4")) {
    const std::string* last4 = text_member(holder, "cnic_last4");
    if (*kind != "citizen") return malformed("\"holder.cnic_last4\" is only for citizens");
    if (!last4 || last4->size() != 4 || !is_digits(*last4)) return malformed("\"holder.cnic_last4\" must be 4 digits");
  }
  if (holder.contains("ntn")) {
    if (*kind != "organisation") return malformed("\"holder.ntn\" is only for organisations");
    if (!text_member(holder, "ntn")) return malformed("\"holder.ntn\" must be a non-empty string");
  }
  return ok_status();
}

Status check_signature_block(const json& sig) {
  if (!sig.is_object()) return malformed("\"signature\" must be an object");
  for (const auto& [key, value] : sig.items()) {
    if (key != "alg" && key != "key_id" && key != "value") return malformed(fmt::format("unexpected \"signature.{}\"", key));
  }
  const std::string* alg = text_member(sig, "alg");
  // One algorithm only: a verifier never lets the document choose how it is checked.
  if (!alg || *alg != kSignatureAlg) return malformed("\"signature.alg\" must be \"Ed25519\"");
  const std::string* key_id = text_member(sig, "key_id");
  if (!key_id || !is_key_id(*key_id)) return malformed("\"signature.key_id\" must be 16 lower-case hex characters");
  if (!text_member(sig, "value")) return malformed("\"signature.value\" must be a non-empty string");
  return ok_status();
}

}  // namespace

Status check_certificate_body(const json& body) {
  if (!body.is_object()) return malformed("\"certificate\" must be an object");
  const std::string* id = text_member(body, "id");
  if (!id || id->size() <= 4 || id->compare(0, 4, "crt_") != 0) return malformed("\"id\" must be a \"crt_…\" identifier");
  for (const char* name : {"type", "service_id", "application_id", "tracking_number", "agency", "verify_url"}) {
    if (!text_member(body, name)) return malformed(fmt::format("\"{}\" must be a non-empty string", name));
  }
  auto version = body.find("service_version");
  if (version == body.end() || !version->is_number_integer() || version->get<std::int64_t>() < 1) {
    return malformed("\"service_version\" must be a positive integer");
  }
  if (!body.contains("holder")) return malformed("\"holder\" is missing");
  if (Status s = check_holder(body["holder"]); !s.ok()) return s;
  const std::string* issued_at = text_member(body, "issued_at");
  if (!issued_at || !is_rfc3339(*issued_at)) return malformed("\"issued_at\" must be an RFC 3339 date-time");
  const std::string* valid_from = text_member(body, "valid_from");
  if (!valid_from || !is_date(*valid_from)) return malformed("\"valid_from\" must be a date YYYY-MM-DD");
  auto valid_until = body.find("valid_until");
  if (valid_until == body.end()) return malformed("\"valid_until\" is missing (use null for no expiry)");
  if (!valid_until->is_null()) {
    if (!valid_until->is_string() || !is_date(valid_until->get_ref<const std::string&>())) {
      return malformed("\"valid_until\" must be a date YYYY-MM-DD or null");
    }
    if (valid_until->get_ref<const std::string&>() < *valid_from) return malformed("\"valid_until\" is before \"valid_from\"");
  }
  auto data = body.find("data");
  if (data == body.end() || !data->is_object()) return malformed("\"data\" must be an object");
  return ok_status();
}

json signature_of(const json& body, const SigningKey& key) {
  return {{"alg", kSignatureAlg}, {"key_id", key.key_id()}, {"value", key.sign(canonical_json(body))}};
}

json sign_certificate(const json& body, const SigningKey& key) {
  if (Status s = check_certificate_body(body); !s.ok()) throw std::invalid_argument(s.error().detail);
  return json{{"certificate", body}, {"signature", signature_of(body, key)}};
}

Status verify_certificate(const json& doc, std::string_view public_key_b64) {
  if (!doc.is_object()) return malformed("not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    // Only signed content may say anything: no unsigned extras beside the signature.
    if (key != "certificate" && key != "signature") return malformed(fmt::format("unexpected member \"{}\"", key));
  }
  if (!doc.contains("certificate")) return malformed("\"certificate\" is missing");
  if (!doc.contains("signature")) return malformed("\"signature\" is missing");
  const json& body = doc["certificate"];
  const json& sig = doc["signature"];
  if (Status s = check_signature_block(sig); !s.ok()) return s;
  if (Status s = check_certificate_body(body); !s.ok()) return s;
  std::string message;
  try {
    message = canonical_json(body);
  } catch (const std::invalid_argument& e) {
    return malformed(e.what());
  }

  std::optional<std::string> our_key_id = key_id_for_public_key(public_key_b64);
  if (!our_key_id) return error(Errc::invalid_public_key);
  const std::string& their_key_id = sig["key_id"].get_ref<const std::string&>();
  if (their_key_id != *our_key_id) {
    return error(Errc::wrong_key, fmt::format("signed with key {}, but the public key given is key {}", their_key_id, *our_key_id));
  }
  if (!verify_signature(public_key_b64, message, sig["value"].get_ref<const std::string&>())) {
    return error(Errc::bad_signature, "the signature does not match: the certificate was altered after signing, or forged");
  }
  return ok_status();
}

namespace {

// The certificate's date member `name` if it is a well-formed date.
std::optional<std::string_view> date_member(const json& doc, const char* name) {
  if (!doc.is_object()) return std::nullopt;
  auto body = doc.find("certificate");
  if (body == doc.end() || !body->is_object()) return std::nullopt;
  auto it = body->find(name);
  if (it == body->end() || !it->is_string() || !is_date(it->get_ref<const std::string&>())) return std::nullopt;
  return std::string_view(it->get_ref<const std::string&>());
}

}  // namespace

bool expired(const json& doc, std::string_view today) {
  auto until = date_member(doc, "valid_until");
  return until && today > *until;  // ISO dates compare as strings
}

bool not_yet_valid(const json& doc, std::string_view today) {
  auto from = date_member(doc, "valid_from");
  return from && today < *from;
}

}  // namespace darwaza::certificates
