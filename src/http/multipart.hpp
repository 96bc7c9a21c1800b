// multipart/form-data request bodies (RFC 7578): the parts between the boundary the
// Content-Type names, each with its form field name, file name and media type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace darwaza::http {

constexpr std::size_t kMaxFormParts = 16;              // parts one body may hold
constexpr std::size_t kMaxFormPartHeaderBytes = 2048;  // a part's header block

struct FormPart {
  std::string name;               // Content-Disposition: form-data; name="..."
  std::string filename;           // ...; filename="..." (empty when none)
  std::string content_type;       // the part's Content-Type (empty when none)
  std::string transfer_encoding;  // Content-Transfer-Encoding, lower case (empty when none)
  std::string_view body;          // a view into the request body
};

// 400 invalid-multipart when the content type is not multipart/form-data with a boundary or
// the body is not well formed.
Result<std::vector<FormPart>> parse_form_data(std::string_view content_type, std::string_view body);

}  // namespace darwaza::http
