// The string-array reader (api/json_input.hpp string_array_member, simdjson) against
// nlohmann's tree, which the general path uses: whatever body it reads, it reads as the tree does;
// bodies of any other shape are left to the general path.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_input.hpp"

using darwaza::api::string_array_member;

namespace {

using Strings = std::vector<std::string>;

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
  auto read = string_array_member(body, "addresses");
  auto expected = library_reading(body);
  ASSERT_EQ(read.has_value(), expected.has_value()) << body;
  if (read) ASSERT_EQ(*read, *expected) << body;
}

}  // namespace

TEST(StringArrayMember, ReadsArraysOfStringsAsTheLibraryDoes) {
  EXPECT_EQ(string_array_member(R"({"addresses":["1.2.3.4","2001:db8::1"]})", "addresses"),
            (Strings{"1.2.3.4", "2001:db8::1"}));
  EXPECT_EQ(string_array_member(" \r\n\t{ \"addresses\" :\n[ \"a\" , \"\",\"b c\" ] }\n ", "addresses"),
            (Strings{"a", "", "b c"}));
  EXPECT_EQ(string_array_member(R"({"addresses":[]})", "addresses"), Strings{});
  // Escapes and UTF-8 are read, as the library reads them.
  EXPECT_EQ(string_array_member(R"({"addresse\u0073":["1.2.3.\u0034","a\"b"]})", "addresses"),
            (Strings{"1.2.3.4", "a\"b"}));
  EXPECT_EQ(string_array_member("{\"addresses\":[\"caf\xc3\xa9\"]}", "addresses"), Strings{"caf\xc3\xa9"});
  for (std::string_view body : {R"({"addresses":["1.2.3.4","2001:db8::1"]})", " {\"addresses\":[ \"a\" ]} ",
                                R"({"addresses":["8.8.4.\u0030"]})"})
    expect_agrees(body);
}

TEST(StringArrayMember, LeavesEveryOtherBodyToTheGeneralPath) {
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
           "{\"addresses\":[\"\xff\"]}",
           "{\"addresses\":[\"tab\there\"]}",
           R"({"addresses":["1.2.3.4",]})",
           R"({"addresses":["1.2.3.4"])",
           R"({"addresses":["1.2.3.4"]}})",
           R"({"addresses":["1.2.3.4"]} x)",
           R"({"addresses":["1.2.3.4])",
           "{\"addresses\":[\"1.2.3.4\"]}\f",
       })
    EXPECT_EQ(string_array_member(body, "addresses"), std::nullopt) << body;
}

TEST(StringArrayMember, AgreesWithTheJsonTreeOnMutatedBodies) {
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
    if (string_array_member(body, "addresses")) ++read;
  }
  EXPECT_GT(read, 1000);  // the mutations keep many bodies inside the grammar
}
