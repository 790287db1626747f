// SPDX-License-Identifier: MIT
#include "masq/util/timestamp.h"

#include <chrono>

#include <fmt/format.h>
#include <limits>

namespace masq {
namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
/// Date Algorithms", days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The inverse of days_from_civil (same source, civil_from_days).
constexpr void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

constexpr bool is_leap(std::int64_t y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

class cursor {
  public:
    explicit cursor(std::string_view s) : s_(s) {}
    bool digits(std::size_t n, unsigned& value) noexcept {
        if (pos_ + n > s_.size()) return false;
        value = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = s_[pos_ + i];
            if (c < '0' || c > '9') return false;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        pos_ += n;
        return true;
    }
    bool eat(char c) noexcept {
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool at_end() const noexcept { return pos_ == s_.size(); }
    char peek() const noexcept { return pos_ < s_.size() ? s_[pos_] : '\0'; }
    void skip() noexcept { ++pos_; }

  private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

} // namespace

std::optional<timestamp> parse_iso8601(std::string_view text) noexcept {
    cursor c(text);
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!c.digits(4, year) || !c.eat('-') || !c.digits(2, month) || !c.eat('-') || !c.digits(2, day))
        return std::nullopt;
    if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return std::nullopt;
    if (!c.digits(2, hour) || !c.eat(':') || !c.digits(2, minute)) return std::nullopt;
    std::int64_t fraction_ticks = 0;
    if (c.eat(':')) {
        if (!c.digits(2, second)) return std::nullopt;
        if (c.eat('.') || c.eat(',')) {
            std::size_t n = 0;
            std::int64_t scale = ticks_per_second;
            while (c.peek() >= '0' && c.peek() <= '9') {
                if (n < 7) {
                    scale /= 10;
                    fraction_ticks += (c.peek() - '0') * scale;
                }
                c.skip();
                ++n;
            }
            if (n == 0) return std::nullopt;
        }
    }
    std::int64_t offset_minutes = 0;
    if (c.eat('Z') || c.eat('z')) {
    } else if (c.peek() == '+' || c.peek() == '-') {
        const bool negative = c.peek() == '-';
        c.skip();
        unsigned oh = 0, om = 0;
        if (!c.digits(2, oh)) return std::nullopt;
        c.eat(':');
        if (!c.digits(2, om) || oh > 23 || om > 59) return std::nullopt;
        offset_minutes = (negative ? -1 : 1) * static_cast<std::int64_t>(oh * 60 + om);
    }
    if (!c.at_end()) return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 60)
        return std::nullopt;
    const std::int64_t days = days_from_civil(year, month, day);
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    return seconds * ticks_per_second + fraction_ticks;
}

std::string format_iso8601(timestamp t) {
    std::int64_t seconds = t / ticks_per_second;
    std::int64_t ticks = t % ticks_per_second;
    if (ticks < 0) {
        ticks += ticks_per_second;
        --seconds;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    const auto hh = rest / 3600, mm = rest / 60 % 60, ss = rest % 60;
    if (ticks % 10000 == 0)
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, hh, mm, ss, ticks / 10000);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z", y, m, d, hh, mm, ss, ticks);
}

std::optional<timestamp> parse_duration(std::string_view text) noexcept {
    if (text.size() < 2) return std::nullopt;
    std::int64_t value = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        const char c = text[i];
        if (c < '0' || c > '9' || value > 1'000'000'000) return std::nullopt;
        value = value * 10 + (c - '0');
    }
    std::int64_t unit = 0;
    switch (text.back()) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    case 'w':
        unit = 7 * 86400;
        break;
    default:
        return std::nullopt;
    }
    // A span that does not fit in the ticks of a timestamp (about 29,000 years) is refused
    // rather than wrapped around into a negative or tiny one.
    if (value > std::numeric_limits<timestamp>::max() / (unit * ticks_per_second)) return std::nullopt;
    return value * unit * ticks_per_second;
}

timestamp now() noexcept {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() * 10;
}

} // namespace masq
