#include "core/time_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

namespace mnad {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

struct Civil {
  int year;
  unsigned month, day;
  int64_t seconds_of_day;
};

Civil ToCivil(int64_t unix_seconds) {
  int64_t day_count = unix_seconds / 86400;
  int64_t rest = unix_seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --day_count;
  }
  year_month_day ymd{sys_days{days{day_count}}};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()), rest};
}

bool ParseDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  std::from_chars(text.data() + pos, text.data() + pos + count, *out);
  return true;
}

}  // namespace

namespace {

// Appends `value` (not negative) as exactly `width` decimal digits,
// zero-padded.
void AppendDigits(std::string& out, int64_t value, int width) {
  char digits[8];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<size_t>(width));
}

// "YYYY-MM-DD", then "<separator>hh:mm:ss" when separator is not '\0'.
std::string FormatCivil(int64_t unix_seconds, char separator) {
  Civil c = ToCivil(unix_seconds);
  if (c.year < 0 || c.year > 9999) {  // not four digits: the general formatter
    std::string date = fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
    if (separator == '\0') return date;
    return date + fmt::format("{}{:02}:{:02}:{:02}", separator, c.seconds_of_day / 3600,
                              c.seconds_of_day / 60 % 60, c.seconds_of_day % 60);
  }
  std::string out;
  out.reserve(20);
  AppendDigits(out, c.year, 4);
  out.push_back('-');
  AppendDigits(out, c.month, 2);
  out.push_back('-');
  AppendDigits(out, c.day, 2);
  if (separator == '\0') return out;
  out.push_back(separator);
  AppendDigits(out, c.seconds_of_day / 3600, 2);
  out.push_back(':');
  AppendDigits(out, c.seconds_of_day / 60 % 60, 2);
  out.push_back(':');
  AppendDigits(out, c.seconds_of_day % 60, 2);
  return out;
}

}  // namespace

std::string UtcDate(int64_t unix_seconds) {
  return FormatCivil(unix_seconds, '\0');
}

std::string FormatRfc3339(int64_t unix_seconds) {
  return FormatCivil(unix_seconds, 'T') + "Z";
}

std::string FormatBillingTime(int64_t unix_seconds) {
  return FormatCivil(unix_seconds, ' ');
}

int64_t AddOneCalendarMonth(int64_t unix_seconds) {
  Civil c = ToCivil(unix_seconds);
  std::chrono::year_month next =
      std::chrono::year{c.year} / std::chrono::month{c.month} + std::chrono::months{1};
  std::chrono::day last = (next / std::chrono::last).day();
  std::chrono::day day{std::min(c.day, static_cast<unsigned>(last))};
  int64_t days_since_epoch = sys_days{next / day}.time_since_epoch().count();
  return days_since_epoch * 86400 + c.seconds_of_day;
}

std::optional<int64_t> ParseRfc3339(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !ParseDigits(text, 0, 4, &year) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, &month) || text[7] != '-' || !ParseDigits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !ParseDigits(text, 11, 2, &hour) || text[13] != ':' ||
      !ParseDigits(text, 14, 2, &minute) || text[16] != ':' || !ParseDigits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int offset_hours = 0, offset_minutes = 0;
    if (!ParseDigits(text, pos + 1, 2, &offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !ParseDigits(text, pos + 4, 2, &offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  int64_t day_count = sys_days{ymd}.time_since_epoch().count();
  int64_t unix = day_count * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  // An offset or a leap second may carry a time out of the years 0001-9999,
  // which FormatRfc3339 could not write back.
  constexpr int64_t kFirst = -62'135'596'800;   // 0001-01-01T00:00:00Z
  constexpr int64_t kLast = 253'402'300'799;    // 9999-12-31T23:59:59Z
  if (unix < kFirst || unix > kLast) return std::nullopt;
  return unix;
}

}  // namespace mnad
