#include "core/time_format.h"

#include <gtest/gtest.h>

namespace mnad {
namespace {

int64_t At(const char* rfc3339) {
  return *ParseRfc3339(rfc3339);
}

TEST(TimeFormatTest, EveryFieldIsZeroPaddedToItsWidth) {
  // 0999-02-03 04:05:06 UTC and 1970-01-01 00:00:00 UTC.
  EXPECT_EQ(FormatRfc3339(-30'638'894'094), "0999-02-03T04:05:06Z");
  EXPECT_EQ(FormatBillingTime(-30'638'894'094), "0999-02-03 04:05:06");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(UtcDate(0), "1970-01-01");
  EXPECT_EQ(FormatRfc3339(253'402'300'799), "9999-12-31T23:59:59Z");
  // Past four digits the year is written in full.
  EXPECT_EQ(UtcDate(253'402'300'800), "10000-01-01");
}

TEST(TimeFormatTest, OneCalendarMonthKeepsTheDayAndTime) {
  EXPECT_EQ(AddOneCalendarMonth(At("2026-11-26T23:14:00Z")), At("2026-12-26T23:14:00Z"));
  EXPECT_EQ(AddOneCalendarMonth(At("2026-12-15T00:00:00Z")), At("2027-01-15T00:00:00Z"));
}

TEST(TimeFormatTest, OneCalendarMonthClampsToTheLastDay) {
  EXPECT_EQ(AddOneCalendarMonth(At("2027-01-31T10:00:00Z")), At("2027-02-28T10:00:00Z"));
  EXPECT_EQ(AddOneCalendarMonth(At("2028-01-31T10:00:00Z")), At("2028-02-29T10:00:00Z"));
  EXPECT_EQ(AddOneCalendarMonth(At("2026-03-31T10:00:00Z")), At("2026-04-30T10:00:00Z"));
}

TEST(TimeFormatTest, Rfc3339RoundTripsAndHonoursOffsets) {
  EXPECT_EQ(At("2026-01-01T00:00:00Z"), 1767225600);
  EXPECT_EQ(At("2026-01-01T08:00:00+08:00"), 1767225600);
  EXPECT_EQ(At("2026-01-01T00:00:00.123Z"), 1767225600);
  EXPECT_EQ(FormatRfc3339(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatBillingTime(1767225600), "2026-01-01 00:00:00");
  EXPECT_EQ(UtcDate(1551113065), "2019-02-25");
  EXPECT_FALSE(ParseRfc3339("2026-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-01-01 00:00:00").has_value());
  EXPECT_FALSE(ParseRfc3339("soon").has_value());
}

// Found by fuzz_seed: an offset or a leap second took a time past the year
// 9999, which the export could not write back as a four-digit year.
TEST(TimeFormatTest, Rfc3339StaysWithinTheYears1To9999) {
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("9999-12-31T23:59:59Z")), "9999-12-31T23:59:59Z");
  EXPECT_FALSE(ParseRfc3339("9999-12-31T23:59:59-01:00").has_value());
  EXPECT_FALSE(ParseRfc3339("9999-12-31T23:59:60Z").has_value());
  EXPECT_FALSE(ParseRfc3339("0001-01-01T00:00:00+00:01").has_value());
  EXPECT_TRUE(ParseRfc3339("0001-01-01T00:00:00Z").has_value());
}

}  // namespace
}  // namespace mnad
