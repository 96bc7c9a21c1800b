// JsonWriter (core/json_writer.hpp): its text is what nlohmann's dump() writes for the same values
// (every byte value, Urdu and other UTF-8, integers at their limits, nesting, and text that is not
// valid UTF-8, replaced by U+FFFD as dump() replaces it), so the text always parses; a strict
// writer refuses such text.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog/search_index.hpp"  // append_utf8: the encoder the catalog's word splitter uses
#include "core/json_writer.hpp"

using darwaza::JsonWriter;
namespace catalog = darwaza::catalog;
using nlohmann::json;

namespace {

std::string written(std::string_view s) {
  JsonWriter w;
  w.value(s);
  return w.take();
}

std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

TEST(JsonWriter, EscapesEveryAsciiByteAsNlohmannDoes) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
    EXPECT_EQ(written(s), dumped(json(s))) << "byte " << c;
  }
  EXPECT_EQ(written(""), "\"\"");
  EXPECT_EQ(written(std::string_view("\0", 1)), "\"\\u0000\"");
}

TEST(JsonWriter, PassesValidUtf8Through) {
  for (const std::string s : {"ٹیسٹ اجازت نامہ", "Zürich", "€100", "𝄞 clef", "日本語", "\u00a0", "\U0010FFFF", "\ud7ff\ue000"}) {
    EXPECT_EQ(written(s), dumped(json(s))) << s;
    EXPECT_EQ(json::parse(written(s)).get<std::string>(), s);
  }
  // Random valid strings: code points from every range, with quotes and controls among them.
  std::mt19937 rng(42);
  for (int round = 0; round < 500; ++round) {
    std::string s;
    for (int i = 0; i < 20; ++i) {
      static const std::uint32_t kRanges[][2] = {{0, 0x7F}, {0x80, 0x7FF}, {0x800, 0xD7FF}, {0xE000, 0xFFFF}, {0x10000, 0x10FFFF}};
      const auto& r = kRanges[rng() % 5];
      std::uint32_t cp = r[0] + rng() % (r[1] - r[0] + 1);
      catalog::detail::append_utf8(s, static_cast<char32_t>(cp));
    }
    ASSERT_EQ(written(s), dumped(json(s))) << "round " << round;
  }
}

TEST(JsonWriter, ReplacesBytesThatAreNotUtf8AsNlohmannDoes) {
  const std::string fffd = "\xEF\xBF\xBD";
  const std::pair<std::string, std::string> cases[] = {
      {"a\xFF" "b", "a" + fffd + "b"},                   // never valid
      {"\xC0\xAF", fffd + fffd},                          // overlong '/'
      {"\xE0\x80\xAF", fffd + fffd + fffd},               // overlong, three bytes
      {"\xED\xA0\x80", fffd + fffd + fffd},               // a UTF-16 surrogate
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},   // past U+10FFFF
      {"x\xE2\x82", "x" + fffd},                          // cut short at the end: one for the start
      {"\xE2\x82" "x", fffd + "x"},                       // cut short before a letter, which stays
      {"\xF0\x9F\x98" "A", fffd + "A"},
      {"\x80", fffd},                                     // a lone continuation byte
  };
  for (const auto& [in, out] : cases) {
    const std::string text = written(in);
    EXPECT_EQ(text, "\"" + out + "\"");
    EXPECT_EQ(text, dumped(json(in)));
    EXPECT_EQ(json::parse(text).get<std::string>(), out);  // always valid JSON
  }
  // Random bytes, mostly from the ranges where UTF-8 breaks.
  std::mt19937 rng(7);
  const unsigned char kBytes[] = {'a', '"', 0x01, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2,
                                  0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  for (int round = 0; round < 20'000; ++round) {
    std::string s(1 + rng() % 8, ' ');
    for (auto& ch : s) ch = static_cast<char>(kBytes[rng() % sizeof kBytes]);
    ASSERT_EQ(written(s), dumped(json(s))) << "round " << round;
  }
}

TEST(JsonWriter, AStrictWriterRefusesTextThatIsNotUtf8) {
  JsonWriter strict(64, JsonWriter::Utf8::strict);
  EXPECT_THROW(strict.value("x\xE2\x82"), std::invalid_argument);
  JsonWriter fine(64, JsonWriter::Utf8::strict);
  fine.value("ٹیسٹ \"quoted\"\n");
  EXPECT_EQ(fine.text(), dumped(json("ٹیسٹ \"quoted\"\n")));
}

TEST(JsonWriter, WritesObjectsArraysNumbersAndRawValuesAsNlohmannDoes) {
  const json raw_value = {{"endpoints", {"8.8.8.0/24"}}, {"purpose", "Benchmark"}};
  JsonWriter w;
  w.begin_object()
      .member("a", "x")
      .member("big", std::numeric_limits<std::int64_t>::max())
      .key("empty_object").begin_object().end_object()
      .member("empty_string", "")
      .member("f", false)
      .key("list").begin_array().value(1).value(-2).begin_array().end_array().begin_object().member("k", true).end_object().null().end_array()
      .member("min", std::numeric_limits<std::int64_t>::min())
      .member_or_null("n", "")
      .member_or_null("o", "set")
      .key("raw").raw(raw_value.dump())
      .member("zero", 0)
      .end_object();
  const json expected = {{"a", "x"},
                         {"big", std::numeric_limits<std::int64_t>::max()},
                         {"empty_object", json::object()},
                         {"empty_string", ""},
                         {"f", false},
                         {"list", {1, -2, json::array(), {{"k", true}}, nullptr}},
                         {"min", std::numeric_limits<std::int64_t>::min()},
                         {"n", nullptr},
                         {"o", "set"},
                         {"raw", raw_value},
                         {"zero", 0}};
  EXPECT_EQ(w.text(), expected.dump());  // keys written in nlohmann's (sorted) order: byte for byte
  JsonWriter arrays;
  arrays.begin_array().begin_array().end_array().begin_array().value("x").end_array().end_array();
  EXPECT_EQ(arrays.take(), "[[],[\"x\"]]");
}
