// RFC 3339 times as the API writes and reads them (UTC, milliseconds).
#include <gtest/gtest.h>

#include "core/clock.hpp"

using namespace darwaza;

TEST(Rfc3339, FormatsKnownInstants) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1'733'347'200'123), "2024-12-04T21:20:00.123Z");
  EXPECT_EQ(format_rfc3339(951'825'599'999), "2000-02-29T11:59:59.999Z");  // a leap day
  EXPECT_EQ(format_rfc3339(4'102'444'799'000), "2099-12-31T23:59:59.000Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");  // before the epoch rounds down
  EXPECT_EQ(format_rfc3339(253'402'300'799'999), "9999-12-31T23:59:59.999Z");  // the last four-digit year
  EXPECT_EQ(format_rfc3339(253'402'300'800'000), "10000-01-01T00:00:00.000Z");  // past it: five digits
  EXPECT_EQ(format_rfc3339(-62'167'219'200'000), "0000-01-01T00:00:00.000Z");
}

// Every millisecond field in its place, over times spread across four centuries.
TEST(Rfc3339, FormatsEveryFieldOfManyInstants) {
  UnixMs t = -6'000'000'000'000;  // 1779
  for (int i = 0; i < 20'000; ++i, t += 987'654'321'013 / 1000 + i) {
    const std::string text = format_rfc3339(t);
    ASSERT_EQ(text.size(), 24u) << t;
    auto back = parse_rfc3339(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(*back, t) << text;
  }
}

TEST(Rfc3339, ParsesWhatItFormats) {
  for (UnixMs t : {UnixMs{0}, UnixMs{1'733'347'200'123}, UnixMs{951'825'599'999}, UnixMs{1'767'225'599'999}}) {
    auto back = parse_rfc3339(format_rfc3339(t));
    ASSERT_TRUE(back.has_value()) << format_rfc3339(t);
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(parse_rfc3339("2024-04-31"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2024-04-30T10:00:00"), std::nullopt);  // no Z
  EXPECT_EQ(*parse_rfc3339("2024-04-30"), 1'714'435'200'000);
}
