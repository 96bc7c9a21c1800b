#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "applications/form_validation.hpp"
#include "core/validation.hpp"

using namespace darwaza;
using namespace darwaza::applications;
using catalog::FieldType;
using catalog::FormField;
using nlohmann::json;

namespace {

FormField field(std::string name, FieldType type, bool required = false) {
  FormField f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  return f;
}

// "path rule" for every field error, in order, or "ok" on success.
std::vector<std::string> errors_of(const std::vector<FormField>& form, const json& data,
                                   FormMode mode = FormMode::submit, const std::string& lang = "en") {
  auto r = validate_form(form, data, lang, mode);
  if (r.ok()) return {"ok"};
  std::vector<std::string> out;
  for (const auto& f : r.error().fields) out.push_back(f.path + " " + f.rule);
  return out;
}

using Errs = std::vector<std::string>;

// The normalised value of the single field `f` for `value`, or null when refused.
json one(const FormField& f, const json& value) {
  auto r = validate_form({f}, json{{f.name, value}}, "en", FormMode::submit);
  if (!r.ok()) return nullptr;
  return r.value().contains(f.name) ? r.value()[f.name] : json("<absent>");
}

// The rule of the single error for `value` in field `f`.
std::string rule(const FormField& f, const json& value) {
  auto r = validate_form({f}, json{{f.name, value}}, "en", FormMode::submit);
  if (r.ok()) return "ok";
  if (r.error().fields.size() != 1) return "errors:" + std::to_string(r.error().fields.size());
  return r.error().fields[0].rule;
}

}  // namespace

TEST(FormValidation, DataMustBeAnObject) {
  std::vector<FormField> form = {field("name", FieldType::text, true)};
  for (const json& bad : {json::array(), json("x"), json(1), json(nullptr), json(true)}) {
    auto r = validate_form(form, bad, "en", FormMode::submit);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::validation);
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].path, "");
    EXPECT_EQ(r.error().fields[0].rule, "type");
  }
}

TEST(FormValidation, EveryErrorAtOnceWithPaths) {
  FormField ips = field("endpoints", FieldType::ip_list, true);
  std::vector<FormField> form = {field("name", FieldType::text, true), field("cnic", FieldType::cnic, true),
                                 field("email", FieldType::email), ips, field("born", FieldType::date, true)};
  json data = {{"cnic", "12345"},
               {"email", "not-an-email"},
               {"endpoints", {"8.8.8.8", "10.0.0.1", "8.8.8.8/32", "nonsense", 7}},
               {"extra", 1},
               {"a/b~c", 2}};
  EXPECT_EQ(errors_of(form, data), (Errs{"/name required", "/cnic cnic", "/email email", "/endpoints/1 ip_public",
                                          "/endpoints/3 ip", "/endpoints/4 type", "/endpoints/2 duplicate",
                                          "/born required", "/a~1b~0c unknown_field", "/extra unknown_field"}));
  auto r = validate_form(form, data, "en", FormMode::submit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, "validation");
  EXPECT_EQ(r.error().kind, ErrorKind::validation);
}

TEST(FormValidation, NormalisedOutputHasOnlyKnownFields) {
  FormField fee = field("fee", FieldType::money, true);
  fee.currency = "USD";
  std::vector<FormField> form = {field("name", FieldType::text, true), field("email", FieldType::email),
                                 field("phone", FieldType::phone), field("endpoints", FieldType::ip_list), fee,
                                 field("country", FieldType::country), field("note", FieldType::long_text)};
  json data = {{"name", "  Ayesha Khan  "},
               {"email", " Ayesha@Example.PK"},
               {"phone", "0300-1234567"},
               {"endpoints", {" 39.32.10.1/16 ", "2400:CB00:0::1"}},
               {"fee", {{"amount", "123.4"}, {"currency", "usd"}}},
               {"country", "pk"},
               {"note", nullptr}};
  auto r = validate_form(form, data, "en", FormMode::submit);
  ASSERT_TRUE(r.ok());
  json expected = {{"name", "Ayesha Khan"},
                   {"email", "ayesha@example.pk"},
                   {"phone", "+923001234567"},
                   {"endpoints", {"39.32.0.0/16", "2400:cb00::1"}},
                   {"fee", {{"amount", "123.40"}, {"currency", "USD"}}},
                   {"country", "PK"}};
  EXPECT_EQ(r.value(), expected);
}

TEST(FormValidation, RequiredAndBlankValues) {
  std::vector<FormField> form = {field("a", FieldType::text, true), field("b", FieldType::list, true),
                                 field("c", FieldType::boolean, true), field("d", FieldType::text)};
  EXPECT_EQ(errors_of(form, {{"a", "   "}, {"b", json::array()}, {"c", nullptr}, {"d", ""}}),
            (Errs{"/a required", "/b required", "/c required"}));
  // false is a value, not a missing one; blank optional fields are left out.
  auto r = validate_form(form, {{"a", "x"}, {"b", json::array({"y"})}, {"c", false}, {"d", " "}}, "en", FormMode::submit);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), (json{{"a", "x"}, {"b", json::array({"y"})}, {"c", false}}));
  EXPECT_EQ(errors_of(form, json::object()), (Errs{"/a required", "/b required", "/c required"}));
}

TEST(FormValidation, DraftModeAllowsMissingButChecksPresent) {
  FormField docs = field("docs", FieldType::document, true);
  docs.min_items = 2;
  docs.max_items = 3;
  std::vector<FormField> form = {field("name", FieldType::text, true), field("cnic", FieldType::cnic, true), docs};
  auto r = validate_form(form, json::object(), "en", FormMode::draft);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), json::object());
  // One document of two is fine in a draft, not on submit.
  json partial = {{"docs", json::array({"doc_abcdefghij0123456789"})}};
  EXPECT_EQ(errors_of(form, partial, FormMode::draft), (Errs{"ok"}));
  EXPECT_EQ(errors_of(form, partial, FormMode::submit), (Errs{"/name required", "/cnic required", "/docs min_items"}));
  // Present values are still checked in a draft, and unknown fields still refused.
  EXPECT_EQ(errors_of(form, {{"cnic", "123"}, {"zzz", 1}}, FormMode::draft), (Errs{"/cnic cnic", "/zzz unknown_field"}));
  EXPECT_EQ(errors_of(form, {{"docs", {"a", "b", "c", "d"}}}, FormMode::draft),
            (Errs{"/docs max_items", "/docs/0 document", "/docs/1 document", "/docs/2 document", "/docs/3 document"}));
}

TEST(FormValidation, UrduMessages) {
  std::vector<FormField> form = {field("name", FieldType::text, true), field("ip", FieldType::ip_list),
                                 field("n", FieldType::integer)};
  auto r = validate_form(form, {{"ip", {"10.0.0.1", "x"}}, {"n", "abc"}, {"bad", 1}}, "ur", FormMode::submit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().title, "درخواست درست نہیں");
  ASSERT_EQ(r.error().fields.size(), 5u);
  EXPECT_EQ(r.error().fields[0].message, "یہ خانہ لازمی ہے۔");
  EXPECT_EQ(r.error().fields[1].message, "صرف عوامی انٹرنیٹ پتے قبول کیے جاتے ہیں؛ یہ پتہ نجی ہے یا خاص استعمال کے لیے مخصوص ہے۔");
  EXPECT_EQ(r.error().fields[2].message, "آئی پی پتہ (IPv4 یا IPv6) یا 203.0.113.0/24 جیسی رینج لکھیں۔");
  EXPECT_EQ(r.error().fields[3].message, "پورا عدد لکھیں۔");
  EXPECT_EQ(r.error().fields[4].message, "یہ خانہ قبول نہیں کیا جاتا۔");
  // Every rule this module emits has its own text in both languages (no generic fallback).
  for (const char* rule_name : {"required", "type", "min", "max", "min_length", "max_length", "pattern", "one_of",
                                "min_items", "max_items", "cnic", "ntn", "email", "mobile", "ip", "ip_public",
                                "country", "date", "integer", "decimal", "decimal_places", "money_currency",
                                "unknown_field", "document", "registry_ref", "duplicate", "characters"}) {
    EXPECT_NE(rule_message(rule_name, "en", "1"), "Invalid value.") << rule_name;
    EXPECT_NE(rule_message(rule_name, "ur", "1"), "غلط قدر۔") << rule_name;
  }
  auto typed = validate_form(form, json::array(), "ur", FormMode::submit);
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.error().fields[0].message, "JSON آبجیکٹ درکار ہے۔");
  auto en = validate_form({field("t", FieldType::text)}, {{"t", 5}}, "en", FormMode::submit);
  ASSERT_FALSE(en.ok());
  EXPECT_EQ(en.error().fields[0].message, "Expected text.");
}

TEST(FormText, LengthPatternAndCharacters) {
  FormField t = field("t", FieldType::text);
  t.min = 2;
  t.max = 5;
  EXPECT_EQ(one(t, " ab "), "ab");
  EXPECT_EQ(one(t, "پاکستان"), nullptr);  // 7 code points > 5
  EXPECT_EQ(one(t, "علی"), "علی");       // 3 code points, 6 bytes
  EXPECT_EQ(rule(t, "a"), "min_length");
  EXPECT_EQ(rule(t, "abcdef"), "max_length");
  EXPECT_EQ(rule(t, "a\nb"), "characters");
  EXPECT_EQ(rule(t, std::string("a\0b", 3)), "characters");
  EXPECT_EQ(rule(t, "ab\x7f"), "characters");
  EXPECT_EQ(rule(t, json::array({"ab"})), "type");
  EXPECT_EQ(rule(t, 12), "type");
  FormField p = field("p", FieldType::text);
  p.pattern = "[A-Z]{2}-[0-9]{3}";
  EXPECT_EQ(one(p, "AB-123"), "AB-123");
  EXPECT_EQ(rule(p, "xAB-123"), "pattern");  // whole-value match
  EXPECT_EQ(rule(p, "AB-1234"), "pattern");
  FormField urdu = field("u", FieldType::text);
  urdu.pattern = "[\u0600-\u06FF ]{2,4}";  // code point ranges work on Urdu text
  EXPECT_EQ(one(urdu, "علی"), "علی");
  EXPECT_EQ(rule(urdu, "Ali"), "pattern");
  // Hard cap applies even without a max, and before any regex runs.
  FormField plain = field("x", FieldType::text);
  EXPECT_EQ(rule(plain, std::string(1000, 'a')), "ok");
  EXPECT_EQ(rule(plain, std::string(1001, 'a')), "max_length");
  FormField looser = field("x", FieldType::text);
  looser.max = 50'000;
  EXPECT_EQ(rule(looser, std::string(1001, 'a')), "max_length");
}

TEST(FormText, CatastrophicPatternIsBounded) {
  FormField p = field("p", FieldType::long_text);
  p.pattern = "(a+)+b";
  EXPECT_EQ(rule(p, std::string(10'000, 'a')), "pattern");
  p.pattern = "(.|\\n)*";
  EXPECT_EQ(rule(p, std::string(10'000, 'x')), "ok");
}

TEST(FormText, LongText) {
  FormField t = field("t", FieldType::long_text);
  EXPECT_EQ(one(t, "line one\r\nline two\n\tindented"), "line one\nline two\n\tindented");
  EXPECT_EQ(rule(t, "bell\a"), "characters");
  EXPECT_EQ(rule(t, std::string(10'000, 'x')), "ok");
  EXPECT_EQ(rule(t, std::string(10'001, 'x')), "max_length");
  EXPECT_EQ(rule(t, std::string("\xff\xfe", 2)), "characters");        // not UTF-8
  EXPECT_EQ(rule(t, std::string("\xc0\xaf", 2)), "characters");        // overlong
  EXPECT_EQ(rule(t, std::string("\xed\xa0\x80", 3)), "characters");    // surrogate
}

TEST(FormText, BadPatternIsAnInternalError) {
  FormField p = field("p", FieldType::text);
  p.pattern = "([a-z]";
  auto r = validate_form({p}, {{"p", "abc"}}, "en", FormMode::submit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::internal);
  EXPECT_FALSE(valid_form_pattern("([a-z]"));
  EXPECT_FALSE(valid_form_pattern("(a)\\1"));  // back-references would allow exponential matching
  EXPECT_TRUE(valid_form_pattern("[a-z0-9_]{3,30}"));
}

TEST(FormNumber, Integer) {
  FormField n = field("n", FieldType::integer);
  n.min = -5;
  n.max = 100;
  EXPECT_EQ(one(n, 42), 42);
  EXPECT_EQ(one(n, -5), -5);
  EXPECT_EQ(one(n, " 100 "), 100);  // strings of digits are accepted (HTML forms)
  EXPECT_EQ(one(n, "-3"), -3);
  EXPECT_EQ(one(n, "007"), 7);
  EXPECT_EQ(rule(n, 101), "max");
  EXPECT_EQ(rule(n, -6), "min");
  EXPECT_EQ(rule(n, 2.5), "integer");
  EXPECT_EQ(rule(n, 2.0), "integer");
  EXPECT_EQ(rule(n, "2.0"), "integer");
  EXPECT_EQ(rule(n, "1e2"), "integer");
  EXPECT_EQ(rule(n, "+5"), "integer");
  EXPECT_EQ(rule(n, "-"), "integer");
  EXPECT_EQ(rule(n, "5 5"), "integer");
  EXPECT_EQ(rule(n, true), "type");
  EXPECT_EQ(rule(n, json::object()), "type");
  FormField big = field("b", FieldType::integer);
  EXPECT_EQ(one(big, 9007199254740991LL), 9007199254740991LL);
  EXPECT_EQ(rule(big, 9007199254740992LL), "integer");
  EXPECT_EQ(rule(big, -9007199254740992LL), "integer");
  EXPECT_EQ(rule(big, 18446744073709551615ULL), "integer");
  EXPECT_EQ(rule(big, "99999999999999999999999"), "integer");
  auto r = validate_form({n}, {{"n", 101}}, "en", FormMode::submit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields[0].message, "Must be at most 100.");
}

TEST(FormNumber, Decimal) {
  FormField d = field("d", FieldType::decimal);
  d.min = 0.1;
  d.max = 1000.5;
  EXPECT_EQ(one(d, "12.50"), "12.5");
  EXPECT_EQ(one(d, 0.1), "0.1");  // shortest text for the double, not 0.1000000000000000055
  EXPECT_EQ(one(d, "0.1"), "0.1");
  EXPECT_EQ(one(d, 1000), "1000");
  EXPECT_EQ(one(d, "1000.5000"), "1000.5");
  EXPECT_EQ(one(d, "0001.25"), "1.25");
  EXPECT_EQ(rule(d, "1000.50000000000000000001"), "max");  // exact, no rounding to 1000.5
  EXPECT_EQ(rule(d, "0.09999999999999999999"), "min");
  EXPECT_EQ(rule(d, "-1"), "min");
  EXPECT_EQ(rule(d, "1e3"), "decimal");
  EXPECT_EQ(rule(d, ".5"), "decimal");
  EXPECT_EQ(rule(d, "5."), "decimal");
  EXPECT_EQ(rule(d, "1,000"), "decimal");
  EXPECT_EQ(rule(d, "NaN"), "decimal");
  EXPECT_EQ(rule(d, std::string(31, '1')), "decimal");
  EXPECT_EQ(rule(d, 1e300), "decimal");
  EXPECT_EQ(rule(d, false), "type");
  FormField any = field("a", FieldType::decimal);
  EXPECT_EQ(one(any, "-0.0"), "0");
  EXPECT_EQ(one(any, -2.75), "-2.75");
}

TEST(FormMoney, AmountAndCurrency) {
  FormField m = field("fee", FieldType::money);
  m.currency = "PKR";
  m.max = 1'000'000;
  EXPECT_EQ(one(m, (json{{"amount", "1250"}, {"currency", "PKR"}})), (json{{"amount", "1250.00"}, {"currency", "PKR"}}));
  EXPECT_EQ(one(m, (json{{"amount", 1250.5}, {"currency", "pkr"}})), (json{{"amount", "1250.50"}, {"currency", "PKR"}}));
  EXPECT_EQ(one(m, (json{{"amount", 0.07}, {"currency", "PKR"}})), (json{{"amount", "0.07"}, {"currency", "PKR"}}));
  EXPECT_EQ(one(m, (json{{"amount", 0}, {"currency", "PKR"}})), (json{{"amount", "0.00"}, {"currency", "PKR"}}));
  EXPECT_EQ(rule(m, (json{{"amount", 0.1 + 0.2}, {"currency", "PKR"}})), "decimal_places");  // 0.30000000000000004
  EXPECT_EQ(rule(m, (json{{"amount", "1.234"}, {"currency", "PKR"}})), "decimal_places");
  EXPECT_EQ(rule(m, (json{{"amount", "-1"}, {"currency", "PKR"}})), "min");  // never negative by default
  EXPECT_EQ(rule(m, (json{{"amount", "1000000.01"}, {"currency", "PKR"}})), "max");
  EXPECT_EQ(rule(m, (json{{"amount", "1.2.3"}, {"currency", "PKR"}})), "decimal");
  EXPECT_EQ(rule(m, (json{{"amount", true}, {"currency", "PKR"}})), "type");
  EXPECT_EQ(rule(m, (json{{"amount", "5"}, {"currency", "USD"}})), "money_currency");
  EXPECT_EQ(rule(m, (json{{"amount", "5"}})), "required");
  EXPECT_EQ(rule(m, (json{{"currency", "PKR"}})), "required");
  EXPECT_EQ(rule(m, "1250"), "type");
  EXPECT_EQ(rule(m, 1250), "type");
  FormField big = field("big", FieldType::money);
  big.currency = "USD";
  EXPECT_EQ(rule(big, (json{{"amount", "1000000000000000"}, {"currency", "USD"}})), "max");
  EXPECT_EQ(one(big, (json{{"amount", "999999999999999.99"}, {"currency", "USD"}})),
            (json{{"amount", "999999999999999.99"}, {"currency", "USD"}}));
  // Paths of nested errors, every one reported.
  EXPECT_EQ(errors_of({m}, {{"fee", {{"amount", "1.001"}, {"currency", "EUR"}, {"note", 1}}}}),
            (Errs{"/fee/note unknown_field", "/fee/amount decimal_places", "/fee/currency money_currency"}));
  auto r = validate_form({m}, {{"fee", {{"amount", "5"}, {"currency", "USD"}}}}, "ur", FormMode::submit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields[0].message, "کرنسی PKR ہونی چاہیے۔");
}

TEST(FormDate, RealCalendarDates) {
  FormField d = field("d", FieldType::date);
  EXPECT_EQ(one(d, "2024-02-29"), "2024-02-29");
  EXPECT_EQ(one(d, "2000-02-29"), "2000-02-29");
  EXPECT_EQ(one(d, " 1947-08-14 "), "1947-08-14");
  for (const char* bad : {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
                          "2024-1-01", "24-01-01", "2024/01/01", "01-01-2024", "2024-01-01T00:00", "0000-01-01",
                          "２٠٢٤-01-01", "2024-0a-01", "2024-01-01 x"})
    EXPECT_EQ(rule(d, bad), "date") << bad;
  EXPECT_EQ(rule(d, 20240101), "type");
}

TEST(FormChoice, EnumAndBoolean) {
  FormField e = field("e", FieldType::enumeration);
  e.options = {{"individual", {"Individual", "انفرادی"}}, {"company", {"Company", "کمپنی"}}};
  EXPECT_EQ(one(e, "company"), "company");
  EXPECT_EQ(rule(e, "Company"), "one_of");
  EXPECT_EQ(rule(e, 1), "type");
  auto r = validate_form({e}, {{"e", "x"}}, "en", FormMode::submit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields[0].message, "Must be one of: individual, company.");
  FormField b = field("b", FieldType::boolean);
  EXPECT_EQ(one(b, true), true);
  EXPECT_EQ(one(b, "false"), false);
  EXPECT_EQ(rule(b, "yes"), "type");
  EXPECT_EQ(rule(b, 1), "type");
}

TEST(FormIdentifiers, CnicNtnEmailPhone) {
  FormField c = field("c", FieldType::cnic);
  EXPECT_EQ(one(c, "35202-1234567-1"), "35202-1234567-1");
  EXPECT_EQ(one(c, "3520212345671"), "35202-1234567-1");
  EXPECT_EQ(rule(c, "35202-1234567"), "cnic");
  EXPECT_EQ(rule(c, "352021234567"), "cnic");
  EXPECT_EQ(rule(c, 3520212345671LL), "type");
  FormField n = field("n", FieldType::ntn);
  EXPECT_EQ(one(n, "1234567-8"), "1234567-8");
  EXPECT_EQ(rule(n, "123456-78"), "ntn");
  FormField e = field("e", FieldType::email);
  EXPECT_EQ(one(e, "Ali@Example.PK"), "ali@example.pk");
  EXPECT_EQ(rule(e, "ali@example"), "email");
  FormField p = field("p", FieldType::phone);
  EXPECT_EQ(one(p, "+92 300 1234567"), "+923001234567");
  EXPECT_EQ(rule(p, "+44 20 7946 0000"), "mobile");
}

TEST(FormIpList, ItemsBoundsAndDuplicates) {
  FormField f = field("endpoints", FieldType::ip_list);
  f.min_items = 1;
  f.max_items = 3;
  EXPECT_EQ(one(f, json::array({"8.8.8.8", "2001:4860::/32"})), json::array({"8.8.8.8", "2001:4860::/32"}));
  EXPECT_EQ(one(f, json::array({"8.8.8.9/24"})), json::array({"8.8.8.0/24"}));
  EXPECT_EQ(rule(f, json::array({"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1"})), "max_items");
  EXPECT_EQ(rule(f, "8.8.8.8"), "type");
  EXPECT_EQ(rule(f, json::array({"010.8.8.8"})), "ip");
  EXPECT_EQ(rule(f, json::array({"8.8.8.8/33"})), "ip");
  EXPECT_EQ(rule(f, json::array({""})), "ip");
  EXPECT_EQ(rule(f, json::array({"192.168.0.1"})), "ip_public");
  EXPECT_EQ(rule(f, json::array({"::ffff:8.8.8.8"})), "ip_public");
  EXPECT_EQ(rule(f, json::array({"100.64.0.0/10"})), "ip_public");
  EXPECT_EQ(rule(f, json::array({"fd00::1"})), "ip_public");
  EXPECT_EQ(errors_of({f}, {{"endpoints", {"8.8.8.8", "8.8.8.8/32", "2001:4860:0::8888"}}}),
            (Errs{"/endpoints/1 duplicate"}));
  EXPECT_EQ(errors_of({f}, {{"endpoints", {"8.8.8.1/24", "8.8.8.0/24", "2001:4860::8888"}}}),
            (Errs{"/endpoints/1 duplicate"}));
  FormField min2 = field("m", FieldType::ip_list);
  min2.min_items = 2;
  EXPECT_EQ(rule(min2, json::array({"8.8.8.8"})), "min_items");
  // Beyond the hard cap nothing is read item by item.
  FormField open = field("o", FieldType::ip_list);
  EXPECT_EQ(errors_of({open}, {{"o", json(std::vector<std::string>(kMaxListItems + 1, "x"))}}),
            (Errs{"/o max_items"}));
}

TEST(FormOther, CountryDocumentRegistryRefList) {
  FormField c = field("c", FieldType::country);
  EXPECT_EQ(one(c, "pk"), "PK");
  EXPECT_EQ(one(c, " Ae "), "AE");
  EXPECT_EQ(rule(c, "XK"), "country");
  EXPECT_EQ(rule(c, "PAK"), "country");
  EXPECT_EQ(rule(c, "Pakistan"), "country");

  FormField d = field("d", FieldType::document);
  EXPECT_EQ(one(d, "doc_abcdefghij0123456789"), "doc_abcdefghij0123456789");
  for (const char* bad : {"doc_abcdefghij012345678", "doc_abcdefghij01234567890", "doc_ABCDEFGHIJ0123456789",
                          "DOC_abcdefghij0123456789", "doc-abcdefghij0123456789", "abcdefghij0123456789",
                          "doc_abcdefghij012345678_"})
    EXPECT_EQ(rule(d, bad), "document") << bad;
  EXPECT_EQ(rule(d, json::array({"doc_abcdefghij0123456789"})), "type");  // single unless items are bounded
  FormField many = field("m", FieldType::document);
  many.max_items = 2;
  EXPECT_EQ(errors_of({many}, {{"m", {"doc_abcdefghij0123456789", "doc_abcdefghij0123456789"}}}),
            (Errs{"/m/1 duplicate"}));
  EXPECT_EQ(errors_of({many}, {{"m", {"doc_abcdefghij0123456789", 5}}}), (Errs{"/m/1 type"}));

  FormField r = field("r", FieldType::registry_ref);
  r.registry = "companies";
  EXPECT_EQ(one(r, " 0123456 "), "0123456");
  EXPECT_EQ(one(r, std::string(100, 'x')), std::string(100, 'x'));
  EXPECT_EQ(rule(r, std::string(101, 'x')), "registry_ref");
  EXPECT_EQ(rule(r, "a\tb"), "registry_ref");
  EXPECT_EQ(rule(r, 12), "type");

  FormField l = field("l", FieldType::list);
  l.pattern = "[a-z ]+";
  l.max = 10;
  l.min_items = 1;
  l.max_items = 2;
  EXPECT_EQ(one(l, json::array({" ali ", "sara"})), json::array({"ali", "sara"}));
  EXPECT_EQ(errors_of({l}, {{"l", {"ok", "BAD", "", 3, "way too long text"}}}),
            (Errs{"/l max_items", "/l/1 pattern", "/l/2 required", "/l/3 type", "/l/4 max_length"}));
  EXPECT_EQ(rule(l, "ali"), "type");
}
