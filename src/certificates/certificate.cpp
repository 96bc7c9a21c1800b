#include "certificates/certificate.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "certificates/receipts.hpp"

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

// `bad` says what is wrong in the document's own words (certificate or receipt). A receipt's
// signature may also carry "batch" (receipts.hpp).
Status check_signature_block(const json& sig, Error (*bad)(std::string) = malformed, bool batch_allowed = false) {
  if (!sig.is_object()) return bad("\"signature\" must be an object");
  for (const auto& [key, value] : sig.items()) {
    if (key != "alg" && key != "key_id" && key != "value" && !(batch_allowed && key == "batch"))
      return bad(fmt::format("unexpected \"signature.{}\"", key));
  }
  const std::string* alg = text_member(sig, "alg");
  // One algorithm only: a verifier never lets the document choose how it is checked.
  if (!alg || *alg != kSignatureAlg) return bad("\"signature.alg\" must be \"Ed25519\"");
  const std::string* key_id = text_member(sig, "key_id");
  if (!key_id || !is_key_id(*key_id)) return bad("\"signature.key_id\" must be 16 lower-case hex characters");
  if (!text_member(sig, "value")) return bad("\"signature.value\" must be a non-empty string");
  return ok_status();
}

// The key id check shared by certificates and receipts: the public key is one, and it made `sig`.
Status check_key(const json& sig, std::string_view public_key_b64) {
  std::optional<std::string> our_key_id = key_id_for_public_key(public_key_b64);
  if (!our_key_id) return error(Errc::invalid_public_key);
  const std::string& their_key_id = sig["key_id"].get_ref<const std::string&>();
  if (their_key_id != *our_key_id)
    return error(Errc::wrong_key,
                 fmt::format("signed with key {}, but the public key given is key {}", their_key_id, *our_key_id));
  return ok_status();
}

Error malformed_receipt(std::string why) { return error(Errc::malformed_receipt, "malformed receipt: " + std::move(why)); }

// A receipt's "batch": {"index": i, "size": n, "path": [base64url SHA-256, ...]} within bounds.
struct BatchPlace {
  std::uint64_t index = 0, size = 0;
  std::vector<Digest> path;
};

Result<BatchPlace> batch_place(const json& batch) {
  if (!batch.is_object()) return malformed_receipt("\"signature.batch\" must be an object");
  for (const auto& [key, value] : batch.items()) {
    if (key != "index" && key != "size" && key != "path")
      return malformed_receipt(fmt::format("unexpected \"signature.batch.{}\"", key));
  }
  auto number = [&](const char* name) -> std::optional<std::uint64_t> {
    auto it = batch.find(name);
    if (it == batch.end() || !it->is_number_integer() || (!it->is_number_unsigned() && it->get<std::int64_t>() < 0))
      return std::nullopt;
    return it->get<std::uint64_t>();
  };
  auto index = number("index"), size = number("size");
  // Far beyond any batch the platform signs (kMaxReceiptBatch), and within what canonical JSON
  // writes exactly; a tree of 2^32 leaves has a path of at most 32 hashes.
  constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 32;
  constexpr std::size_t kMaxPath = 32;
  auto path = batch.find("path");
  if (!index || !size || *size < 2 || *size > kMaxSize || *index >= *size)
    return malformed_receipt("\"signature.batch\" needs \"index\" below \"size\", and \"size\" from 2 to 2^32");
  if (path == batch.end() || !path->is_array() || path->size() > kMaxPath)
    return malformed_receipt("\"signature.batch.path\" must be a list of at most 32 hashes");
  BatchPlace out{*index, *size, {}};
  for (const auto& h : *path) {
    Digest d;
    if (!h.is_string() || !from_b64url_exact(h.get_ref<const std::string&>(), d.data(), d.size()))
      return malformed_receipt("each of \"signature.batch.path\" must be 32 bytes of base64url");
    out.path.push_back(d);
  }
  return out;
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

// receipts.cpp writes the same block as text, for receipts (with a batch's place when they have one).
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

  if (Status k = check_key(sig, public_key_b64); !k.ok()) return k;
  if (!verify_signature(public_key_b64, message, sig["value"].get_ref<const std::string&>())) {
    return error(Errc::bad_signature, "the signature does not match: the certificate was altered after signing, or forged");
  }
  return ok_status();
}

Status verify_receipt(const json& doc, std::string_view public_key_b64) {
  if (!doc.is_object()) return malformed_receipt("not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "receipt" && key != "signature") return malformed_receipt(fmt::format("unexpected member \"{}\"", key));
  }
  auto body = doc.find("receipt");
  auto sig = doc.find("signature");
  if (body == doc.end() || !body->is_object()) return malformed_receipt("\"receipt\" must be an object");
  if (sig == doc.end()) return malformed_receipt("\"signature\" is missing");
  for (const char* name : {"tracking_number", "application_id", "service_id"})
    if (!text_member(*body, name)) return malformed_receipt(fmt::format("\"receipt.{}\" must be a non-empty string", name));
  if (Status s = check_signature_block(*sig, malformed_receipt, true); !s.ok()) return s;
  std::string message;
  try {
    message = canonical_json(*body);
  } catch (const std::invalid_argument& e) {
    return malformed_receipt(e.what());
  }
  std::optional<BatchPlace> place;
  if (auto batch = sig->find("batch"); batch != sig->end()) {
    auto p = batch_place(*batch);
    if (!p.ok()) return p.take_error();
    place = std::move(p).value();
  }
  if (Status k = check_key(*sig, public_key_b64); !k.ok()) return k;
  const Error altered = error(Errc::bad_signature, "the signature does not match: the receipt was altered after signing, or forged");
  if (place) {
    // The receipt's leaf, up its path to the root of the batch the signature covers.
    auto root = root_from_path(receipt_leaf_hash(message), place->index, place->size, place->path);
    if (!root) return altered;
    message = receipt_batch_statement(*root, place->size);
  }
  if (!verify_signature(public_key_b64, message, (*sig)["value"].get_ref<const std::string&>())) return altered;
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
