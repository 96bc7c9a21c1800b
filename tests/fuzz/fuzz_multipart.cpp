// libFuzzer target: the multipart/form-data body parser (POST /documents on the GovStack
// Registration listener). The input is the Content-Type value, a newline, then the body.
// Invariants: no more than kMaxFormParts parts; every part named, with a lower-case transfer
// encoding and a header-free body that is a view into the request body, in order, not
// overlapping; a refusal is always 400 invalid-multipart.
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "http/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body = input.substr(newline + 1);
  auto parts = darwaza::http::parse_form_data(content_type, body);
  if (!parts.ok()) {
    if (parts.error().kind != darwaza::ErrorKind::invalid_request || parts.error().type != "invalid-multipart")
      std::abort();
    return 0;
  }
  if (parts->size() > darwaza::http::kMaxFormParts) std::abort();
  const char* previous_end = body.data();
  for (const auto& p : *parts) {
    if (p.name.empty()) std::abort();
    for (unsigned char c : p.transfer_encoding)
      if (std::tolower(c) != c) std::abort();
    const char* begin = p.body.data();
    const char* end = begin + p.body.size();
    if (begin < previous_end || end > body.data() + body.size()) std::abort();
    previous_end = end;
  }
  return 0;
}
