// Errors as values: every expected failure in Darwaza is a Result carrying an Error.
// An Error has a generic kind (mapped to an HTTP status in exactly one place,
// http/problem.cpp), a stable type slug, a client-safe detail, and optional field errors.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace darwaza {

enum class ErrorKind {
  invalid_request,      // malformed syntax (bad JSON, wrong types)
  validation,           // well-formed but fails rules; carries field errors
  unauthenticated,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  headers_too_large,
  unsupported_media_type,
  rate_limited,
  unavailable,
  internal,
};

struct FieldError {
  std::string path;     // JSON pointer-ish path, e.g. "/mobile"
  std::string rule;     // e.g. "required", "pattern", "max_length"
  std::string message;  // human text in the requested language
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string type;    // stable slug, e.g. "duplicate-cnic"
  std::string title;   // short human summary of the type
  std::string detail;  // human explanation of this occurrence; never internals
  std::vector<FieldError> fields;
  nlohmann::json extensions = nlohmann::json::object();  // extra problem members
  int retry_after_s = 0;                                  // for rate_limited / unavailable
};

Error make_error(ErrorKind kind, std::string type, std::string title, std::string detail = {});

// One entry of a module's error catalogue (kind, stable type slug, title, default detail).
struct ErrorSpec {
  ErrorKind kind;
  const char* type;
  const char* title;
  const char* detail;
};
// `detail` replaces the default detail when not empty.
Error make_error(const ErrorSpec& spec, std::string detail = {});
Error internal_error(std::string detail_for_log);
// For operators (CLI output, server logs), never for API clients: the detail (the title when
// there is none), followed by an internal error's cause, which internal_error() keeps for logs.
std::string operator_message(const Error& e);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }
  Error&& take_error() { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace darwaza
