// Certificates Darwaza issues (licences, registrations, permits) as self-contained signed JSON
// that anyone can check offline with the platform's public key:
//   {"certificate": {...}, "signature": {"alg": "Ed25519", "key_id": "...", "value": "..."}}
// The signature covers canonical_json(doc["certificate"]) (see signing.hpp), nothing else.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "certificates/signing.hpp"
#include "core/result.hpp"

namespace darwaza::certificates {

inline constexpr std::string_view kSignatureAlg = "Ed25519";

// Checks the "certificate" member's shape:
//   id "crt_…", type, service_id, service_version (integer ≥ 1), application_id, tracking_number,
//   holder {kind: "citizen"|"organisation", id, name, cnic_last4? (citizen, 4 digits),
//           ntn? (organisation)} and nothing else in holder, so that a full CNIC or other
//           personal detail cannot slip onto a document shown to anyone who scans it,
//   agency, issued_at (RFC 3339), valid_from (YYYY-MM-DD), valid_until (YYYY-MM-DD ≥ valid_from,
//   or null: no expiry), data (object of public fields), verify_url.
// Other members are allowed (and signed), so older verifiers accept newer certificates.
// Fails with Errc::malformed_certificate naming the first problem.
Status check_certificate_body(const nlohmann::json& body);

// The "signature" member of a signed document (certificates, application receipts):
// {"alg": "Ed25519", "key_id": ..., "value": signature of canonical_json(body)}.
nlohmann::json signature_of(const nlohmann::json& body, const SigningKey& key);

// The signed document for `body`. Throws std::invalid_argument if the body fails
// check_certificate_body or canonical_json (a float, say): the caller built it wrongly.
nlohmann::json sign_certificate(const nlohmann::json& body, const SigningKey& key);

// Checks shape, key id and signature, in that order. Errors: malformed_certificate,
// invalid_public_key, wrong_key, bad_signature. Dates are not checked: see expired().
Status verify_certificate(const nlohmann::json& doc, std::string_view public_key_b64);

// Checks an application receipt {"receipt": {...}, "signature": {...}} (receipts.hpp): shape, key
// id, then the signature, plain or over a batch's tree. Errors: malformed_receipt,
// invalid_public_key, wrong_key, bad_signature.
Status verify_receipt(const nlohmann::json& doc, std::string_view public_key_b64);

// Validity against a calendar date "YYYY-MM-DD" (use pkt_date(): dates on certificates are
// Pakistan dates). valid_until is the last valid day. A document without the dates is neither.
bool expired(const nlohmann::json& doc, std::string_view today_yyyy_mm_dd);
bool not_yet_valid(const nlohmann::json& doc, std::string_view today_yyyy_mm_dd);

}  // namespace darwaza::certificates
