// JSON text written straight into a string, for the hottest answers (an application's view, the
// 201 of a submission). Building an nlohmann tree only to serialise it was about 8 % of the
// server's CPU per submission (bench/RESULTS.md, session 26). The writer keeps the members in the
// order they are written and checks nothing about that order or about duplicate keys: the caller
// writes a fixed shape. Strings are escaped as nlohmann's dump() escapes them (", \, control
// characters; UTF-8 passed through). Text that is not valid UTF-8 is replaced by U+FFFD as
// http::Reply::json (dump() with error_handler_t::replace) replaces it, or, for a strict writer
// (canonical JSON, which certificates::canonical_json refuses to write from such text), throws
// std::invalid_argument.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace darwaza {

class JsonWriter {
 public:
  enum class Utf8 { replace, strict };
  explicit JsonWriter(std::size_t reserve = 1024, Utf8 invalid = Utf8::replace) : strict_(invalid == Utf8::strict) {
    out_.reserve(reserve);
  }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // An object's member name; the member's value is whatever is written next.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(bool b);
  JsonWriter& null();
  // A complete JSON value already serialised (by nlohmann's dump(), or this writer): put in as is.
  JsonWriter& raw(std::string_view json_text);

  // key(name) and then the value.
  template <class T>
  JsonWriter& member(std::string_view name, const T& v) {
    return key(name).value(v);
  }
  // An empty string as null.
  JsonWriter& member_or_null(std::string_view name, std::string_view s);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();  // the comma before a value or member, unless it is the first of its container
  void escaped(std::string_view s);

  std::string out_;
  bool need_comma_ = false;
  bool strict_;
};

}  // namespace darwaza
