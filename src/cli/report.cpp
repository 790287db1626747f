// SPDX-License-Identifier: MIT
#include "cli/report.h"

#include "masq/util/text.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace masq::cli {

std::string thousands(std::uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string bytes_human(std::uint64_t n) {
    if (n >= (1ull << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(n) / (1ull << 30));
    if (n >= (1ull << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1ull << 20));
    if (n >= (1ull << 10)) return fmt::format("{:.1f} KiB", static_cast<double>(n) / (1ull << 10));
    return fmt::format("{} B", n);
}

std::size_t terminal_width() {
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (const char* columns = std::getenv("COLUMNS")) {
        const long c = std::strtol(columns, nullptr, 10);
        if (c > 20) return static_cast<std::size_t>(c);
    }
    return 120;
}

void problem_printer::operator()(const masq::diagnostic& d) {
    auto& shown = shown_[static_cast<std::size_t>(d.kind)];
    // -q silences warnings, never errors.
    if ((quiet_ && !masq::is_file_problem(d.kind)) || shown > limit_) return;
    if (shown++ == limit_) {
        fmt::print(stderr, "masq: further {} problems are counted, not shown\n", masq::to_string(d.kind));
        return;
    }
    const char* level = masq::is_file_problem(d.kind) ? "error" : "warning";
    fmt::print(stderr, "masq: {}: {}\n", level, masq::display_safe(d.to_string()));
}

void print_problem_summary(const masq::diagnostics& diag) {
    if (diag.total() == 0) return;
    std::string parts;
    for (std::size_t k = 0; k < masq::problem_kind_count; ++k) {
        const auto kind = static_cast<masq::problem_kind>(k);
        if (diag.count(kind) == 0) continue;
        if (!parts.empty()) parts += ", ";
        parts += fmt::format("{} {}", thousands(diag.count(kind)), masq::to_string(kind));
    }
    fmt::print(stderr, "masq: input problems: {} (use --strict to stop at the first)\n", parts);
}

bool open_output(const std::string& path, std::ofstream& file) {
    if (path.empty()) return true;
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) fmt::print(stderr, "masq: cannot write {}: {}\n", path, std::strerror(errno));
    return static_cast<bool>(file);
}

bool load_allow_list(const std::string& path, masq::allow_list& out) {
    try {
        out = masq::allow_list::load(path);
        return true;
    } catch (const masq::input_error& e) {
        fmt::print(stderr, "masq: error: {}\n", masq::display_safe(e.what()));
        return false;
    }
}

bool load_catalog(const std::vector<std::string>& files, std::optional<masq::binary_catalog>& out) {
    if (files.empty()) return true;
    try {
        out.emplace(masq::binary_catalog::with_files(files));
        return true;
    } catch (const masq::catalog_error& e) {
        fmt::print(stderr, "masq: {}\n", e.what());
        return false;
    }
}

bool parse_maps(const std::vector<std::string>& maps, masq::field_map& fields) {
    for (const std::string& m : maps)
        if (!fields.set(m)) {
            fmt::print(
                stderr,
                "masq: --map '{}': expected FIELD=PATH with FIELD one of process, path, host, time, code\n",
                m);
            return false;
        }
    return true;
}

std::vector<std::string> input_format_choices() {
    std::vector<std::string> names;
    for (std::string_view n : masq::input_format_names())
        names.emplace_back(n);
    return names;
}

} // namespace masq::cli
