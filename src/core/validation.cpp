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
    {"not_with", "Not accepted together with {}.", "{} کے ساتھ قبول نہیں۔"},
    // A listing's numbered pages end at {}; later ones go on from a page's next_after.
    {"page_after", "Numbered pages end at {}: list further pages with `after`, the `next_after` of the page before.",
     "نمبر والے صفحات {} پر ختم ہوتے ہیں: آگے کے صفحات `after` سے دیکھیں، جو پچھلے صفحے کا `next_after` ہے۔"},
    // Service form fields (applications/form_validation.cpp).
    {"min_items", "Give at least {} items.", "کم از کم {} اندراجات دیں۔"},
    {"max_items", "Give at most {} items.", "زیادہ سے زیادہ {} اندراجات دیں۔"},
    {"duplicate", "This value is repeated.", "یہ قدر دہرائی گئی ہے۔"},
    {"characters", "Contains characters that are not allowed.", "اس میں ایسے حروف ہیں جن کی اجازت نہیں۔"},
    {"integer", "Enter a whole number.", "پورا عدد لکھیں۔"},
    {"decimal", "Enter a number such as 1250 or 1250.50.", "عدد لکھیں، مثلاً 1250 یا 1250.50۔"},
    {"decimal_places", "Use at most {} digits after the decimal point.", "اعشاریہ کے بعد زیادہ سے زیادہ {} ہندسے لکھیں۔"},
    {"money_currency", "The currency must be {}.", "کرنسی {} ہونی چاہیے۔"},
    {"date", "Enter a real date as YYYY-MM-DD.", "درست تاریخ YYYY-MM-DD کی صورت میں لکھیں۔"},
    {"ip", "Enter an IPv4 or IPv6 address, or a range such as 203.0.113.0/24.",
     "آئی پی پتہ (IPv4 یا IPv6) یا 203.0.113.0/24 جیسی رینج لکھیں۔"},
    {"ip_public", "Only public internet addresses are accepted; this one is private or reserved for special use.",
     "صرف عوامی انٹرنیٹ پتے قبول کیے جاتے ہیں؛ یہ پتہ نجی ہے یا خاص استعمال کے لیے مخصوص ہے۔"},
    {"country", "Enter a two-letter country code such as PK.", "ملک کا دو حرفی کوڈ لکھیں، مثلاً PK۔"},
    {"document", "Not a valid document reference.", "دستاویز کا حوالہ درست نہیں۔"},
    {"registry_ref", "Not a valid record reference.", "ریکارڈ کا حوالہ درست نہیں۔"},
    // Indicators and engagements.
    {"period", "Enter a period such as {}.", "مدت {} کی صورت میں لکھیں۔"},
    {"fiscal_year", "Enter a fiscal year such as 2024-25 (July 2024 to June 2025).",
     "مالی سال 2024-25 کی صورت میں لکھیں (جولائی 2024 تا جون 2025)۔"},
    {"url", "Enter an http(s) link.", "http(s) لنک لکھیں۔"},
};

}  // namespace

std::string pointer_child(std::string_view base, std::string_view key) {
  std::string out(base);
  out += '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

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
