#include "core/json_writer.hpp"

#include <charconv>
#include <stdexcept>

namespace darwaza {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The UTF-8 sequence at the start of `s` (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF): its length if it is whole and valid; if not, `valid` false and the length of its
// longest start that a valid sequence could begin with (at least 1: the lead byte), which is
// replaced by one U+FFFD as nlohmann's dump() replaces it (the byte that broke it is read again).
struct Utf8Sequence {
  std::size_t length;
  bool valid;
};

Utf8Sequence utf8_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return {1, false};
  }
  for (std::size_t i = 1; i < n; ++i) {
    if (i >= s.size()) return {i, false};
    const unsigned char x = b(i);
    if (i == 1 ? (x < lo || x > hi) : !continuation(x)) return {i, false};
  }
  return {n, true};
}

}  // namespace

JsonWriter& JsonWriter::open(char c) {
  separate();
  out_ += c;
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char c) {
  out_ += c;
  need_comma_ = true;
  return *this;
}

void JsonWriter::separate() {
  if (need_comma_) out_ += ',';
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  escaped(name);
  out_ += ':';
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  escaped(s);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool b) { return raw(b ? "true" : "false"); }

JsonWriter& JsonWriter::null() { return raw("null"); }

JsonWriter& JsonWriter::raw(std::string_view json_text) {
  separate();
  out_ += json_text;
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::member_or_null(std::string_view name, std::string_view s) {
  key(name);
  return s.empty() ? null() : value(s);
}

void JsonWriter::escaped(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    std::size_t skip = 1;
    if (c >= 0x80) {
      const Utf8Sequence u = utf8_sequence(s.substr(i));
      if (u.valid) {
        i += u.length;
        continue;
      }
      if (strict_) throw std::invalid_argument("JSON text: a string is not valid UTF-8");
      skip = u.length;
    }
    out_.append(s.data() + plain, i - plain);
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c >= 0x80) {
          out_ += kReplacement;
        } else {
          const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out_.append(esc, sizeof esc);
        }
    }
    i += skip;
    plain = i;
  }
  out_.append(s.data() + plain, s.size() - plain);
  out_ += '"';
}

}  // namespace darwaza
