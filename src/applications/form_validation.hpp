// Checks an applicant's form data against a service's form definition (catalog::FormField)
// and returns it normalised, or one 422 listing every field error at once. Existence of
// referenced documents and registry records is the caller's job; this module only sees text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/types.hpp"
#include "core/result.hpp"

namespace darwaza::applications {

// submit: required fields and min_items are enforced. draft: a field may be missing and a
// list may be shorter than min_items (both are about completeness, and a draft is by
// definition incomplete); every value that IS present is still checked and normalised.
enum class FormMode { submit, draft };

// Hard caps that hold whatever a form definition says; they bound the work a single request
// can cause (std::regex is run only on input within these limits).
constexpr std::size_t kMaxTextChars = 1'000;        // text and each list item, code points
constexpr std::size_t kMaxLongTextChars = 10'000;   // long_text, code points
constexpr std::size_t kMaxListItems = 1'000;        // any array field; beyond it items are not read
constexpr std::size_t kMaxRegistryRefChars = 100;   // registry_ref ids, code points
constexpr std::size_t kMaxDecimalDigits = 30;       // decimal values, digits in total
constexpr std::size_t kMaxMoneyWholeDigits = 15;    // money: < 10^15 units keeps paisa in int64
constexpr int kMoneyDecimalPlaces = 2;
constexpr std::int64_t kMaxSafeInteger = 9'007'199'254'740'991;  // 2^53-1: exact in JSON clients
constexpr std::size_t kDocumentIdRandomChars = 20;  // document ids are "doc_" + 20 of [a-z0-9]

// Returns the normalised data: only fields the form defines, absent optional fields left out,
// and every value in one canonical spelling:
//   text/long_text  trimmed; text refuses control characters, long_text allows \t and \n
//                   (\r\n becomes \n); `min`/`max` bound the length in code points; `pattern`
//                   must match the whole value (ECMAScript, matched per code point)
//   integer         a JSON integer or a string of digits with an optional '-' (HTML forms
//                   post strings); floats such as 2.5 or 2.0 are refused; |n| <= 2^53-1;
//                   returned as a JSON integer
//   decimal         a JSON number or a plain decimal string ("-12.50"; no exponent, no '+');
//                   returned as an exact decimal string without redundant zeros ("-12.5")
//   money           {"amount", "currency"}: amount as above with at most 2 decimals,
//                   not negative unless the field's `min` allows it; currency (any case) must
//                   be the field's; returned as {"amount": "1250.00", "currency": "PKR"}
//   date            YYYY-MM-DD naming a real calendar day
//   enum            a string equal to one option value
//   boolean         true/false, or the strings "true"/"false"; returned as a JSON bool
//   cnic            12345-1234567-1, or its 13 digits; returned dashed
//   ntn, email, phone   identity::valid_ntn / normalise_email / normalise_mobile (+923...)
//   ip_list         strings parsed by parse_ip_or_cidr, all public, returned canonical and
//                   without duplicates (a duplicate after normalisation is an error)
//   country         ISO 3166-1 alpha-2, any case, returned upper case
//   document        "doc_" + 20 of [a-z0-9]; an array of them when the field sets
//                   min_items or max_items
//   registry_ref    a non-empty id of at most 100 code points without control characters
//   list            strings, trimmed and non-empty; `pattern` and `min`/`max` (length) apply
//                   to each item
// JSON null, a blank string and an empty array all count as "not given".
// A form whose pattern does not compile yields an internal error (a catalog defect, caught
// at load time by valid_form_pattern), not a field error.
Result<nlohmann::json> validate_form(const std::vector<catalog::FormField>& form, const nlohmann::json& data,
                                     const std::string& lang, FormMode mode);

// Whether a catalog pattern is usable by validate_form: it compiles as ECMAScript in
// std::regex's polynomial (non-backtracking) mode, so back-references are refused.
bool valid_form_pattern(std::string_view pattern);

}  // namespace darwaza::applications
