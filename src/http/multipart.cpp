#include "http/multipart.hpp"

#include <algorithm>
#include <cctype>

namespace darwaza::http {
namespace {

Error malformed(std::string detail) {
  return make_error(ErrorKind::invalid_request, "invalid-multipart", "Malformed multipart body", std::move(detail));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `key` among the ;-separated parameters of a header value (quotes removed).
std::string param_of(std::string_view value, std::string_view key) {
  std::vector<std::string_view> items;
  bool quoted = false;
  for (std::size_t i = 0, start = 0; i <= value.size(); ++i) {
    if (i == value.size() || (value[i] == ';' && !quoted)) {
      items.push_back(value.substr(start, i - start));
      start = i + 1;
    } else if (value[i] == '"') {
      quoted = !quoted;
    }
  }
  for (std::size_t k = 1; k < items.size(); ++k) {
    std::string_view p = trim(items[k]);
    auto eq = p.find('=');
    if (eq == std::string_view::npos || lower(trim(p.substr(0, eq))) != key) continue;
    std::string_view v = trim(p.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return std::string(v);
  }
  return {};
}

}  // namespace

Result<std::vector<FormPart>> parse_form_data(std::string_view content_type, std::string_view body) {
  if (lower(trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data")
    return malformed("The body must be multipart/form-data.");
  const std::string boundary = param_of(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) return malformed("The Content-Type names no valid boundary.");
  const std::string delimiter = "--" + boundary;
  // The first delimiter may follow a preamble; every later one follows a CRLF.
  std::size_t pos = body.substr(0, delimiter.size()) == delimiter ? 0 : body.find("\r\n" + delimiter);
  if (pos == std::string_view::npos) return malformed("The body holds no part.");
  pos += (pos == 0 ? 0 : 2) + delimiter.size();
  std::vector<FormPart> parts;
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(pos, 2) != "\r\n") return malformed("A boundary line is malformed.");
    pos += 2;
    std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos || headers_end - pos > kMaxFormPartHeaderBytes)
      return malformed("A part's headers are malformed.");
    FormPart part;
    bool form_data = false;
    std::string_view headers = body.substr(pos, headers_end - pos);
    while (!headers.empty()) {
      std::size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return malformed("A part's header line is malformed.");
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        form_data = lower(trim(value.substr(0, value.find(';')))) == "form-data";
        part.name = param_of(value, "name");
        part.filename = param_of(value, "filename");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      } else if (name == "content-transfer-encoding") {
        part.transfer_encoding = lower(value);
      }
    }
    if (!form_data || part.name.empty()) return malformed("A part has no form-data name.");
    pos = headers_end + 4;
    std::size_t end = body.find("\r\n" + delimiter, pos);
    if (end == std::string_view::npos) return malformed("The body ends inside a part.");
    part.body = body.substr(pos, end - pos);
    if (parts.size() == kMaxFormParts) return malformed("Too many parts.");
    parts.push_back(std::move(part));
    pos = end + 2 + delimiter.size();
  }
}

}  // namespace darwaza::http
