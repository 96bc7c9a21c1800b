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
