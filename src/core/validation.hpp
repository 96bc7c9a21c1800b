// Collects field errors for one 422 problem, with messages in the requested language.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace darwaza {

class FieldErrors {
 public:
  explicit FieldErrors(std::string lang) : lang_(std::move(lang)) {}

  // rule is one of the known rule names (required, type, pattern, min_length, max_length, ...);
  // `arg` fills the {} in the message (a limit, an expected format).
  void add(std::string path, std::string rule, std::string_view arg = {});
  bool empty() const { return fields_.empty(); }
  const std::vector<FieldError>& fields() const { return fields_; }
  // The 422 validation problem holding every field error.
  Error to_error() const;
  const std::string& lang() const { return lang_; }

 private:
  std::string lang_;
  std::vector<FieldError> fields_;
};

// `base` + "/" + `key` with the key escaped as an RFC 6901 JSON-pointer token (~ → ~0, / → ~1):
// the paths of field errors and definition problems.
std::string pointer_child(std::string_view base, std::string_view key);

// The message for a rule in "en" or "ur".
std::string rule_message(std::string_view rule, std::string_view lang, std::string_view arg);

}  // namespace darwaza
