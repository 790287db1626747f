// SPDX-License-Identifier: MIT
// EVTX logs written here, byte by byte, after libyal's EVTX format document and [MS-EVEN6]
// BinXml: templates defined in a record and reused by offset, names inline and referenced,
// substitution values of several types, a Security 4688 and a Sysmon 1 template, other events
// to skip. The decoder must find exactly the events written, and the reference reader (libevtx)
// must agree, so the writer below is checked by an independent parser too. And a chunk whose
// templates instantiate each other without end must cost bounded work and lose no other chunk.
#include "masq/diagnostics.h"
#include "masq/read.h"
#include "masq/util/timestamp.h"
#include "sources/formats/evtx.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace {

namespace fs = std::filesystem;

/// Little-endian bytes of one chunk, with the offsets BinXml refers to.
class chunk_writer {
  public:
    std::string b;
    std::map<std::string, std::uint32_t> names; // name -> offset of its first (inline) copy
    std::uint32_t last_record = 512;

    std::uint32_t pos() const { return static_cast<std::uint32_t>(b.size()); }
    void u8(std::uint8_t v) { b.push_back(static_cast<char>(v)); }
    void u16(std::uint16_t v) { u8(v & 0xff), u8(v >> 8); }
    void u32(std::uint32_t v) { u16(v & 0xffff), u16(v >> 16); }
    void u64(std::uint64_t v) {
        u32(static_cast<std::uint32_t>(v)), u32(static_cast<std::uint32_t>(v >> 32));
    }
    void put32(std::uint32_t at, std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            b[at + i] = static_cast<char>(v >> (8 * i));
    }
    static std::string utf16(const std::string& ascii) {
        std::string out;
        for (char c : ascii)
            out += c, out += '\0';
        return out;
    }

    /// A name: its offset, then (the first time) the name itself, inline.
    void name(const std::string& n) {
        const auto it = names.find(n);
        if (it != names.end()) return u32(it->second);
        const std::uint32_t here = pos() + 4;
        names[n] = here;
        u32(here);
        u32(0); // next name in the hash bucket
        u16(0); // hash (not checked by readers)
        u16(static_cast<std::uint16_t>(n.size()));
        b += utf16(n);
        u16(0);
    }
    // An element's header holds its size (from after the size field to its end token
    // included) and, with attributes, their size; both are filled in when the element ends.
    void open(const std::string& element, bool attributes) {
        u8(attributes ? 0x41 : 0x01);
        u16(0xffff); // dependency identifier: none
        const std::uint32_t size_at = pos();
        u32(0);
        name(element);
        const std::uint32_t attributes_at = attributes ? pos() : 0;
        if (attributes) u32(0);
        open_.emplace_back(size_at, attributes_at);
    }
    void attribute(const std::string& n) { u8(0x06), name(n); }
    void text(const std::string& t) {
        u8(0x05), u8(0x01), u16(static_cast<std::uint16_t>(t.size()));
        b += utf16(t);
    }
    void substitution(std::uint16_t index, std::uint8_t type) { u8(0x0e), u16(index), u8(type); }
    void close_start() {
        end_attributes();
        u8(0x02);
    }
    void close_empty() {
        end_attributes();
        u8(0x03);
        end_element();
    }
    void end() {
        u8(0x04);
        end_element();
    }

  private:
    void end_attributes() {
        if (open_.back().second != 0) put32(open_.back().second, pos() - open_.back().second - 4);
    }
    void end_element() {
        put32(open_.back().first, pos() - open_.back().first - 4);
        open_.pop_back();
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> open_; // size and attribute-size fields
};

/// A value of a record: its type and bytes.
struct value {
    std::uint8_t type;
    std::string bytes;
};
value str(const std::string& s) {
    return {0x01, chunk_writer::utf16(s)};
}
value num(std::uint8_t type, std::uint64_t v, int size) {
    std::string b;
    for (int i = 0; i < size; ++i)
        b += static_cast<char>(v >> (8 * i));
    return {type, b};
}

/// The template of an event whose System values are substitutions 0-4 (provider, event id,
/// time, record id, computer) and whose EventData holds `data` (name, type) as 5, 6, ...
void template_body(chunk_writer& w, const std::vector<std::pair<std::string, std::uint8_t>>& data) {
    w.u8(0x0f), w.u8(1), w.u8(1), w.u8(0);
    w.open("Event", false);
    w.close_start();
    w.open("System", false);
    w.close_start();
    w.open("Provider", true), w.attribute("Name"), w.substitution(0, 0x01), w.close_empty();
    w.open("EventID", false), w.close_start(), w.substitution(1, 0x06), w.end();
    w.open("TimeCreated", true), w.attribute("SystemTime"), w.substitution(2, 0x11), w.close_empty();
    w.open("EventRecordID", false), w.close_start(), w.substitution(3, 0x0a), w.end();
    w.open("Computer", false), w.close_start(), w.substitution(4, 0x01), w.end();
    w.end(); // System
    w.open("EventData", false);
    w.close_start();
    for (std::size_t i = 0; i < data.size(); ++i) {
        w.open("Data", true), w.attribute("Name"), w.text(data[i].first), w.close_start();
        w.substitution(static_cast<std::uint16_t>(5 + i), data[i].second), w.end();
    }
    w.end(); // EventData
    w.end(); // Event
    w.u8(0x00);
}

/// Appends a record that instantiates the template at `def` (defining it here when `def` is 0)
/// with `values`; returns the template's offset.
std::uint32_t record(chunk_writer& w, std::uint64_t id, std::uint32_t def, const std::vector<value>& values,
                     const std::vector<std::pair<std::string, std::uint8_t>>& data) {
    const std::uint32_t start = w.last_record = w.pos();
    w.b += "**";
    w.u16(0);
    w.u32(0); // size, set below
    w.u64(id);
    w.u64(132'000'000'000'000'000ull); // written time
    w.u8(0x0f), w.u8(1), w.u8(1), w.u8(0);
    w.u8(0x0c), w.u8(0x01), w.u32(0x1234);
    if (def == 0) {
        def = w.pos() + 4;
        w.u32(def);
        w.u32(0);                    // next template
        w.b += std::string(16, 'g'); // GUID
        const std::uint32_t size_at = w.pos();
        w.u32(0);
        const std::uint32_t body = w.pos();
        template_body(w, data);
        w.put32(size_at, w.pos() - body);
    } else {
        w.u32(def);
    }
    w.u32(static_cast<std::uint32_t>(values.size()));
    for (const value& v : values)
        w.u16(static_cast<std::uint16_t>(v.bytes.size())), w.u8(v.type), w.u8(0);
    for (const value& v : values)
        w.b += v.bytes;
    w.u8(0x00); // end of the record's fragment
    while ((w.pos() - start + 4) % 8 != 0)
        w.u8(0);
    const std::uint32_t size = w.pos() - start + 4;
    w.u32(size);
    w.put32(start + 4, size);
    return def;
}

std::string file_of(const std::vector<std::string>& chunks) {
    std::string f(4096, '\0');
    f.replace(0, 8, std::string("ElfFile\0", 8));
    f[32] = static_cast<char>(128), f[36] = 1, f[38] = 3, f[41] = 0x10;
    f[42] = static_cast<char>(chunks.size());
    for (const std::string& c : chunks)
        f += c;
    return f;
}

/// Fills in a chunk's header and pads it to 65,536 bytes.
std::string finish(chunk_writer& w, std::uint64_t first_id, std::uint64_t last_id) {
    const std::uint32_t free = w.pos();
    w.b.resize(65536, '\0');
    std::memcpy(w.b.data(), "ElfChnk\0", 8);
    for (int i = 0; i < 8; ++i) {
        w.b[8 + i] = static_cast<char>(first_id >> (8 * i));
        w.b[16 + i] = static_cast<char>(last_id >> (8 * i));
        w.b[24 + i] = static_cast<char>(first_id >> (8 * i));
        w.b[32 + i] = static_cast<char>(last_id >> (8 * i));
    }
    w.put32(40, 128);
    w.put32(44, w.last_record);
    w.put32(48, free);
    // Checksums (CRC-32): the records, then the header without its checksum field.
    const auto* p = reinterpret_cast<const Bytef*>(w.b.data());
    w.put32(52, static_cast<std::uint32_t>(crc32(0, p + 512, free - 512)));
    const uLong header = crc32(crc32(0, p, 120), p + 128, 384);
    w.put32(124, static_cast<std::uint32_t>(header));
    return w.b;
}

chunk_writer new_chunk() {
    chunk_writer w;
    w.b.assign(512, '\0');
    return w;
}

class collect final : public masq::event_sink {
  public:
    std::vector<std::string> rows;
    void on_event(const masq::process_event& e) override {
        const auto s = [](const std::optional<std::string_view>& v) { return v ? std::string(*v) : "-"; };
        rows.push_back(fmt::format("{} {} {} {} {} {} {} {}", e.record_id.value_or(0),
                                   e.time ? masq::format_iso8601(*e.time) : "-", s(e.host), s(e.path),
                                   s(e.command_line), s(e.user), e.process_id.value_or(0), s(e.parent_path)));
    }
};

std::string write_temp(const std::string& name, const std::string& bytes) {
    const fs::path p = fs::temp_directory_path() / fmt::format("masq-evtx-gen-{}-{}", ::getpid(), name);
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p.string();
}

struct reading {
    std::vector<std::string> rows;
    std::uint64_t problems = 0, records = 0;
};

reading read(const std::string& path, bool reference) {
    collect c;
    masq::diagnostics diag;
    masq::read_stats stats;
    if (reference)
        masq::detail::read_evtx_reference(path, c, diag, stats, {});
    else
        masq::detail::read_evtx(path, 0, std::numeric_limits<std::uint64_t>::max(), c, diag, stats, {});
    std::sort(c.rows.begin(), c.rows.end());
    return {c.rows, diag.total(), stats.records};
}

const std::vector<std::pair<std::string, std::uint8_t>> sysmon_data = {
    {"UtcTime", 0x01},     {"ProcessId", 0x08}, {"Image", 0x01},
    {"CommandLine", 0x01}, {"User", 0x01},      {"ParentImage", 0x01}};
const std::vector<std::pair<std::string, std::uint8_t>> security_data = {{"SubjectUserName", 0x01},
                                                                         {"NewProcessId", 0x15},
                                                                         {"NewProcessName", 0x01},
                                                                         {"CommandLine", 0x01},
                                                                         {"ParentProcessName", 0x01}};
constexpr std::uint64_t filetime_2021 = 132'539'328'000'000'000ull; // 2021-01-01T00:00:00Z

std::vector<value> sysmon(std::uint16_t event, std::uint64_t id, const std::string& image) {
    return {str("Microsoft-Windows-Sysmon"),
            num(0x06, event, 2),
            num(0x11, filetime_2021 + id * 10'000'000, 8),
            num(0x0a, id, 8),
            str("WS1.corp"),
            str("2021-01-01 00:00:0" + std::to_string(id % 10) + ".250"),
            num(0x08, 4000 + id, 4),
            str(image),
            str(image + " /x \"a&b<c>\""),
            str("CORP\\alice"),
            str("C:\\Windows\\explorer.exe")};
}

std::vector<value> security(std::uint16_t event, std::uint64_t id, const std::string& image) {
    return {str("Microsoft-Windows-Security-Auditing"),
            num(0x06, event, 2),
            num(0x11, filetime_2021 + id * 10'000'000, 8),
            num(0x0a, id, 8),
            str("DC1.corp"),
            str("bob"),
            num(0x15, 0x1a4 + id, 8),
            str(image),
            str(image),
            str("C:\\Windows\\System32\\cmd.exe")};
}

std::string generated_log() {
    chunk_writer a = new_chunk();
    const std::uint32_t sysmon_template =
        record(a, 1, 0, sysmon(1, 1, "C:\\Tools\\svch0st.exe"), sysmon_data);
    record(a, 2, sysmon_template, sysmon(3, 2, "C:\\Windows\\System32\\svchost.exe"), sysmon_data); // not 1
    record(a, 3, sysmon_template, sysmon(1, 3, "C:\\Windows\\System32\\svchost.exe"), sysmon_data);
    const std::uint32_t security_template =
        record(a, 4, 0, security(4688, 4, "C:\\Windows\\Temp\\lsass.exe"), security_data);
    record(a, 5, security_template, security(4624, 5, "C:\\x.exe"), security_data); // not 4688
    record(a, 6, security_template, security(4688, 6, "\\Device\\HarddiskVolume2\\a b\\c.exe"),
           security_data);
    chunk_writer b = new_chunk();
    record(b, 7, 0, sysmon(1, 7, "C:\\Users\\bob\\AppData\\Local\\Temp\\invoice.pdf.exe"), sysmon_data);
    return file_of({finish(a, 1, 6), finish(b, 7, 7)});
}

TEST(EvtxGenerated, TheDecoderFindsTheEventsWrittenAndLibevtxAgrees) {
    const std::string path = write_temp("gen.evtx", generated_log());
    const reading fast = read(path, false), ref = read(path, true);
    fs::remove(path);
    ASSERT_EQ(fast.rows.size(), 5u);
    EXPECT_EQ(fast.rows[0],
              "1 2021-01-01T00:00:01.250Z WS1.corp C:\\Tools\\svch0st.exe C:\\Tools\\svch0st.exe "
              "/x \"a&b<c>\" CORP\\alice 4001 C:\\Windows\\explorer.exe");
    EXPECT_EQ(fast.rows[2], "4 2021-01-01T00:00:04.000Z DC1.corp C:\\Windows\\Temp\\lsass.exe "
                            "C:\\Windows\\Temp\\lsass.exe bob 424 C:\\Windows\\System32\\cmd.exe");
    EXPECT_EQ(fast.rows, ref.rows);
    EXPECT_EQ(fast.records, 7u);
    EXPECT_EQ(fast.problems, 0u);
}

TEST(EvtxGenerated, TemplatesThatInstantiateEachOtherCostBoundedWork) {
    // Chunk 0: a record instantiating template 0, whose body instantiates template 1 500 times,
    // whose body instantiates template 2 500 times, ... down to template 7: 500^7 walks of
    // template 7 if nothing bounded them. Chunk 1: a good record.
    chunk_writer a = new_chunk();
    const std::uint32_t start = a.pos();
    a.b += "**";
    a.u16(0);
    a.u32(0);
    a.u64(1);
    a.u64(0);
    a.u8(0x0f), a.u8(1), a.u8(1), a.u8(0);
    a.u8(0x0c), a.u8(0x01), a.u32(1);
    const std::uint32_t def_at = a.pos();
    a.u32(0); // template 0's offset, set below
    a.u32(0); // no values
    a.u8(0x00);
    while ((a.pos() - start + 4) % 8 != 0)
        a.u8(0);
    const std::uint32_t size = a.pos() - start + 4;
    a.u32(size);
    a.put32(start + 4, size);
    const std::uint32_t free = a.pos();
    std::uint32_t inner = 0;
    for (int level = 7; level >= 0; --level) {
        const std::uint32_t def = a.pos();
        a.u32(0);
        a.b += std::string(16, 'g');
        const std::uint32_t size_at = a.pos();
        a.u32(0);
        const std::uint32_t body = a.pos();
        a.u8(0x0f), a.u8(1), a.u8(1), a.u8(0);
        for (int i = 0; level < 7 && i < 500; ++i)
            a.u8(0x0c), a.u8(0x01), a.u32(1), a.u32(inner), a.u32(0);
        a.u8(0x00);
        a.put32(size_at, a.pos() - body);
        inner = def;
    }
    a.put32(def_at, inner);
    std::string chunk = finish(a, 1, 1);
    for (int i = 0; i < 4; ++i)
        chunk[48 + i] = static_cast<char>(free >> (8 * i)); // the templates are not records
    chunk_writer b = new_chunk();
    record(b, 2, 0, sysmon(1, 2, "C:\\Tools\\svch0st.exe"), sysmon_data);
    const std::string path = write_temp("bomb.evtx", file_of({chunk, finish(b, 2, 2)}));
    const reading fast = read(path, false);
    fs::remove(path);
    ASSERT_EQ(fast.rows.size(), 1u);
    EXPECT_EQ(fast.problems, 1u); // the record that could not be read, reported
}

} // namespace
