#include "core/validation.hpp"

#include <fmt/format.h>

namespace darwaza {
namespace {

struct RuleText {
  std::string_view rule;
  std::string_view en;
  std::string_view ur;
};

// {} is replaced by the rule's argument.
constexpr RuleText kRules[] = {
    {"required", "This field is required.", "یہ خانہ لازمی ہے۔"},
    {"type", "Expected {}.", "{} درکار ہے۔"},
    {"unknown_field", "This field is not accepted.", "یہ خانہ قبول نہیں کیا جاتا۔"},
    {"min_length", "Must be at least {} characters.", "کم از کم {} حروف ہونے چاہئیں۔"},
    {"max_length", "Must be at most {} characters.", "زیادہ سے زیادہ {} حروف ہو سکتے ہیں۔"},
    {"cnic", "Enter the CNIC as 12345-1234567-1.", "شناختی کارڈ نمبر 12345-1234567-1 کی صورت میں لکھیں۔"},
    {"email", "Enter a valid email address.", "درست ای میل پتہ لکھیں۔"},
    {"mobile", "Enter a Pakistani mobile number as +923001234567.", "موبائل نمبر ‎+923001234567‎ کی صورت میں لکھیں۔"},
    {"ntn", "Enter the NTN as 1234567-8.", "این ٹی این 1234567-8 کی صورت میں لکھیں۔"},
    {"secp", "Enter the 7-digit SECP incorporation number.", "ایس ای سی پی کا 7 ہندسوں کا رجسٹریشن نمبر لکھیں۔"},
    {"one_of", "Must be one of: {}.", "ان میں سے ایک ہونا چاہیے: {}۔"},
    {"password", "Use at least {} characters, not all the same.", "کم از کم {} حروف استعمال کریں، سب ایک جیسے نہیں۔"},
    {"at_least_one", "Give at least one of: {}.", "ان میں سے کم از کم ایک دیں: {}۔"},
    {"min", "Must be at least {}.", "کم از کم {} ہونا چاہیے۔"},
    {"max", "Must be at most {}.", "زیادہ سے زیادہ {} ہو سکتا ہے۔"},
    {"pattern", "Does not match the expected format.", "مطلوبہ صورت کے مطابق نہیں۔"},
    {"exists", "No such record.", "ایسا کوئی ریکارڈ نہیں۔"},
};

}  // namespace

std::string rule_message(std::string_view rule, std::string_view lang, std::string_view arg) {
  for (const auto& r : kRules) {
    if (r.rule == rule) {
      std::string_view text = lang == "ur" ? r.ur : r.en;
      return fmt::format(fmt::runtime(text), arg);
    }
  }
  return lang == "ur" ? "غلط قدر۔" : "Invalid value.";
}

void FieldErrors::add(std::string path, std::string rule, std::string_view arg) {
  std::string msg = rule_message(rule, lang_, arg);
  fields_.push_back(FieldError{std::move(path), std::move(rule), std::move(msg)});
}

Error FieldErrors::to_error() const {
  Error e = make_error(ErrorKind::validation, "validation", lang_ == "ur" ? "درخواست درست نہیں" : "Invalid request",
                       lang_ == "ur" ? "کچھ خانے درست نہیں۔" : "Some fields are invalid.");
  e.fields = fields_;
  return e;
}

}  // namespace darwaza
