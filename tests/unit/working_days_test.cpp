#include <gtest/gtest.h>

#include "core/working_days.hpp"

using namespace darwaza;

TEST(WorkingDays, SkipsWeekendsInPakistanTime) {
  // Friday 2026-11-20 10:00 PKT = 05:00 UTC.
  UnixMs friday = 1795150800000;
  EXPECT_EQ(pkt_date(friday), "2026-11-20");
  EXPECT_EQ(pkt_date(add_working_days(friday, 1)), "2026-11-23");  // Monday
  EXPECT_EQ(pkt_date(add_working_days(friday, 5)), "2026-11-27");
  EXPECT_EQ(pkt_date_plus_days(friday, 365), "2027-11-20");
  // 23:00 UTC on Sunday is already Monday in Pakistan.
  EXPECT_EQ(pkt_date(1795388400000), "2026-11-23");
}

TEST(WorkingDays, PublicHolidaysDoNotCount) {
  UnixMs friday = 1795150800000;  // 2026-11-20 10:00 PKT
  const Holidays holidays{*day_of_date("2026-11-23"), *day_of_date("2026-11-25")};
  EXPECT_EQ(pkt_date(add_working_days(friday, 1, holidays)), "2026-11-24");  // Monday is a holiday
  EXPECT_EQ(pkt_date(add_working_days(friday, 3, holidays)), "2026-11-27");  // and so is Wednesday
  EXPECT_EQ(pkt_date(add_working_days(friday, 1, {*day_of_date("2026-11-21")})), "2026-11-23");  // a Saturday changes nothing
  EXPECT_EQ(pkt_day(friday), *day_of_date("2026-11-20"));
  EXPECT_EQ(pkt_day(1795388400000), *day_of_date("2026-11-23"));  // 23:00 UTC Sunday is Monday in Pakistan
  EXPECT_FALSE(day_of_date("2026-13-01"));
  EXPECT_TRUE(is_iso_date("2026-02-28"));
  EXPECT_FALSE(is_iso_date("2026-02-30"));
  EXPECT_FALSE(is_iso_date("2026-2-8"));
  EXPECT_FALSE(is_iso_date("tomorrow"));
}
