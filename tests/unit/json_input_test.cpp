// The plain string-array reader (api/json_input.hpp) against the JSON library: whatever body it
// reads, it must read as the library does; bodies outside its small grammar are left to the
// general path.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_input.hpp"

using darwaza::api::plain_string_array;

namespace {

using Views = std::vector<std::string_view>;

// The library's reading of `body` as {"addresses": [strings]}, if it is one.
std::optional<std::vector<std::string>> library_reading(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.size() != 1 || !j.contains("addresses") || !j["addresses"].is_array())
    return std::nullopt;
  std::vector<std::string> out;
  for (const auto& a : j["addresses"]) {
    if (!a.is_string()) return std::nullopt;
    out.push_back(a.get<std::string>());
  }
  return out;
}

void expect_agrees(std::string_view body) {
  auto plain = plain_string_array(body, "addresses");
  if (!plain) return;
  auto expected = library_reading(body);
  ASSERT_TRUE(expected.has_value()) << body;
  ASSERT_EQ(std::vector<std::string>(plain->begin(), plain->end()), *expected) << body;
  for (std::string_view v : *plain)
    ASSERT_TRUE(v.data() >= body.data() && v.data() + v.size() <= body.data() + body.size());
}

}  // namespace

TEST(PlainStringArray, ReadsPlainBodiesAsViewsIntoThem) {
  EXPECT_EQ(plain_string_array(R"({"addresses":["1.2.3.4","2001:db8::1"]})", "addresses"),
            (Views{"1.2.3.4", "2001:db8::1"}));
  EXPECT_EQ(plain_string_array(" \r\n\t{ \"addresses\" :\n[ \"a\" , \"\",\"b c\" ] }\n ", "addresses"),
            (Views{"a", "", "b c"}));
  EXPECT_EQ(plain_string_array(R"({"addresses":[]})", "addresses"), Views{});
  for (std::string_view body : {R"({"addresses":["1.2.3.4","2001:db8::1"]})", " {\"addresses\":[ \"a\" ]} "})
    expect_agrees(body);
}

TEST(PlainStringArray, LeavesEveryOtherBodyToTheGeneralPath) {
  for (std::string_view body : {
           "",
           "[]",
           R"({})",
           R"({"addresses":null})",
           R"({"addresses":"1.2.3.4"})",
           R"({"addresses":["1.2.3.4",42]})",
           R"({"addresses":["1.2.3.4"],"extra":1})",
           R"({"addresses":["1.2.3.4"],"addresses":["5.6.7.8"]})",
           R"({"other":["1.2.3.4"]})",
           R"({"addresse\u0073":["1.2.3.4"]})",
           R"({"addresses":["1.2.3.\u0034"]})",
           R"({"addresses":["a\"b"]})",
           "{\"addresses\":[\"caf\xc3\xa9\"]}",
           "{\"addresses\":[\"\xff\"]}",
           "{\"addresses\":[\"tab\there\"]}",
           R"({"addresses":["1.2.3.4",]})",
           R"({"addresses":["1.2.3.4"])",
           R"({"addresses":["1.2.3.4"]}})",
           R"({"addresses":["1.2.3.4"]} x)",
           R"({"addresses":["1.2.3.4])",
           "\xef\xbb\xbf{\"addresses\":[\"1.2.3.4\"]}",
           "{\"addresses\":[\"1.2.3.4\"]}\f",
       })
    EXPECT_EQ(plain_string_array(body, "addresses"), std::nullopt) << body;
}

TEST(PlainStringArray, AgreesWithTheJsonLibraryOnMutatedBodies) {
  const std::string seed = R"( {"addresses": ["8.8.4.0", "2606:4700:10::abcd" ,"not-an-ip",""]} )";
  const std::string alphabet = "{}[]\",: \t\n\\u0aZ\x7f\xc3\xa9";
  std::mt19937 rng(20261205);
  int read = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string body = seed;
    for (int edits = std::uniform_int_distribution<int>(0, 3)(rng); edits > 0; --edits) {
      std::size_t at = std::uniform_int_distribution<std::size_t>(0, body.size())(rng);
      char c = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
      switch (rng() % 3) {
        case 0: body.insert(at, 1, c); break;
        case 1: if (at < body.size()) body.erase(at, 1); break;
        default: if (at < body.size()) body[at] = c; break;
      }
    }
    expect_agrees(body);
    if (plain_string_array(body, "addresses")) ++read;
  }
  EXPECT_GT(read, 1000);  // the mutations keep many bodies inside the grammar
}
