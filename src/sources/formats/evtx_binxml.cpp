// SPDX-License-Identifier: MIT
// The EVTX decoder of evtx_binxml.h. The layout, as libyal's EVTX format document describes it:
//
//   file   = header (4,096 bytes, "ElfFile\0") then chunks of 65,536 bytes
//   chunk  = header (512 bytes, "ElfChnk\0": record identifiers at 24 and 32, the free space
//            offset at 48) then event records up to the free space offset
//   record = "**\0\0", size (u32), identifier (u64), written time (FILETIME), Binary XML,
//            size again
//
// Every record's Binary XML is, in practice, a fragment header and one template instance: a
// template definition (an XML tree whose variable parts are substitution tokens, written once per
// chunk and referenced by its offset from the chunk's start) and the record's substitution values.
// So a template is compiled once per chunk into a plan — for each field masq wants, the literal
// text and substitution indices its value is made of — and a record costs reading its value
// descriptors, its EventID value and, for a process creation only, the dozen values the event
// needs. Templates whose values may hold more XML (a BinXml-typed substitution where a field could
// be) and records without a template fall back to walking the tree with the values at hand.
#include "sources/formats/evtx_binxml.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <string_view>

namespace masq::detail::evtx {
namespace {

constexpr std::uint32_t chunk_header_bytes = 512;
constexpr std::uint32_t record_header_bytes = 24; // signature, size, identifier, written time
constexpr int max_nesting = 8;                    // BinXml values within values; deeper is malformed

/// The EventData `Data` names read (both the 4688 and the Sysmon 1 spelling), and their fields.
struct data_name {
    std::string_view name;
    field f;
};
constexpr data_name data_names[] = {
    {"NewProcessName", new_process_name},
    {"Image", image},
    {"UtcTime", utc_time},
    {"ParentProcessName", parent_process_name},
    {"ParentImage", parent_image},
    {"OriginalFileName", original_file_name},
    {"SubjectUserName", subject_user_name},
    {"User", user},
    {"CommandLine", command_line},
    {"NewProcessId", new_process_id},
    {"ProcessId", process_id},
    {"ParentProcessId", parent_process_id},
    {"Hashes", hashes},
};

// [MS-EVEN6] 2.2.13 (the BinXml grammar) and libyal's token table. Bit 0x40 of a token marks "more
// follows" (attributes after an element's name, another attribute after this one).
enum token : std::uint8_t {
    tok_eof = 0x00,
    tok_open_start = 0x01,
    tok_close_start = 0x02,
    tok_close_empty = 0x03,
    tok_end_element = 0x04,
    tok_value = 0x05,
    tok_attribute = 0x06,
    tok_cdata = 0x07,
    tok_char_ref = 0x08,
    tok_entity_ref = 0x09,
    tok_pi_target = 0x0a,
    tok_pi_data = 0x0b,
    tok_template_instance = 0x0c,
    tok_normal_substitution = 0x0d,
    tok_optional_substitution = 0x0e,
    tok_fragment_header = 0x0f,
};

// Value types ([MS-EVEN6] 2.2.18, libyal's value type table); 0x80 marks an array.
enum value_type : std::uint8_t {
    vt_null = 0x00,
    vt_string = 0x01,
    vt_ansi = 0x02,
    vt_int8 = 0x03,
    vt_uint8 = 0x04,
    vt_int16 = 0x05,
    vt_uint16 = 0x06,
    vt_int32 = 0x07,
    vt_uint32 = 0x08,
    vt_int64 = 0x09,
    vt_uint64 = 0x0a,
    vt_bool = 0x0d,
    vt_binary = 0x0e,
    vt_guid = 0x0f,
    vt_size_t = 0x10,
    vt_filetime = 0x11,
    vt_systemtime = 0x12,
    vt_sid = 0x13,
    vt_hex32 = 0x14,
    vt_hex64 = 0x15,
    vt_binxml = 0x21,
};

/// The bytes of one chunk; every read is checked against its end.
struct chunk_view {
    const std::uint8_t* p = nullptr;
    std::uint32_t size = 0;

    bool has(std::uint64_t off, std::uint64_t n) const noexcept { return off <= size && n <= size - off; }
    std::uint8_t u8(std::uint32_t off) const noexcept { return p[off]; }
    std::uint16_t u16(std::uint32_t off) const noexcept {
        return static_cast<std::uint16_t>(p[off] | (p[off + 1] << 8));
    }
    std::uint32_t u32(std::uint32_t off) const noexcept {
        std::uint32_t v;
        std::memcpy(&v, p + off, 4); // little-endian on every target masq builds for
        return v;
    }
    std::uint64_t u64(std::uint32_t off) const noexcept {
        std::uint64_t v;
        std::memcpy(&v, p + off, 8);
        return v;
    }
};

/// One piece of a field's text: literal UTF-16 of the template, a character reference, a
/// substitution (by index, in a compiled plan) or a value (by place, in a walk with values).
struct part {
    enum kind_t : std::uint8_t { utf16, character, substitution, value } kind;
    std::uint8_t type = 0;  ///< value type (substitution, value)
    std::uint16_t size = 0; ///< characters (utf16), bytes (value)
    std::uint32_t at = 0;   ///< chunk offset (utf16, value), index, or code point
};

struct field_text {
    std::vector<part> parts;
    bool set = false;
};

using fields_t = std::array<field_text, field_count>;

/// A record's substitution values: type, place and size of each.
struct value_ref {
    std::uint8_t type;
    std::uint16_t size;
    std::uint32_t at;
};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

/// UTF-16LE to UTF-8, up to the first NUL (values are often written with their terminator); an
/// unpaired surrogate becomes U+FFFD. Paths and command lines are mostly ASCII: runs of four
/// ASCII units are copied without looking at each one.
void append_utf16(std::string& out, const std::uint8_t* p, std::size_t chars) {
    const std::size_t start = out.size();
    out.resize(start + 3 * chars); // at most 3 bytes per unit (a pair of 2 units makes 4)
    char* w = out.data() + start;
    std::size_t i = 0;
    while (i < chars) {
        if (i + 4 <= chars) {
            std::uint64_t block;
            std::memcpy(&block, p + 2 * i, 8);
            constexpr std::uint64_t ones = 0x0001000100010001, highs = 0x8000800080008000;
            // Every unit below 0x80 and none zero.
            if ((block & 0xff80ff80ff80ff80) == 0 && ((block - ones) & ~block & highs) == 0) {
                w[0] = static_cast<char>(block);
                w[1] = static_cast<char>(block >> 16);
                w[2] = static_cast<char>(block >> 32);
                w[3] = static_cast<char>(block >> 48);
                w += 4;
                i += 4;
                continue;
            }
        }
        std::uint32_t c = static_cast<std::uint32_t>(p[2 * i] | (p[2 * i + 1] << 8));
        ++i;
        if (c == 0) break;
        if (c < 0x80) {
            *w++ = static_cast<char>(c);
            continue;
        }
        if (c >= 0xd800 && c < 0xdc00 && i < chars) {
            const std::uint32_t d = static_cast<std::uint32_t>(p[2 * i] | (p[2 * i + 1] << 8));
            if (d >= 0xdc00 && d < 0xe000) {
                c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
                ++i;
            }
        }
        if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
        if (c < 0x800) {
            *w++ = static_cast<char>(0xc0 | (c >> 6));
            *w++ = static_cast<char>(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            *w++ = static_cast<char>(0xe0 | (c >> 12));
            *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            *w++ = static_cast<char>(0x80 | (c & 0x3f));
        } else {
            *w++ = static_cast<char>(0xf0 | (c >> 18));
            *w++ = static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            *w++ = static_cast<char>(0x80 | (c & 0x3f));
        }
    }
    out.resize(static_cast<std::size_t>(w - out.data()));
}

void append_unsigned(std::string& out, std::uint64_t v) {
    char buf[24];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        out.push_back(buf[--n]);
}

void append_signed(std::string& out, std::int64_t v) {
    if (v < 0) {
        out.push_back('-');
        append_unsigned(out, 0 - static_cast<std::uint64_t>(v));
    } else {
        append_unsigned(out, static_cast<std::uint64_t>(v));
    }
}

void append_hex(std::string& out, std::uint64_t v) {
    static constexpr char digits[] = "0123456789abcdef";
    out += "0x";
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        out.push_back(digits[(v >> shift) & 0xf]);
}

std::uint64_t read_le(const std::uint8_t* p, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

/// A value as text, the way an XML rendering writes it, for the types masq's fields can have
/// (strings, integers, hexadecimal ids); the others are rendered plainly or not at all — no field
/// masq reads holds them.
void append_value(std::string& out, std::uint8_t type, const std::uint8_t* p, std::size_t size) {
    switch (type) {
    case vt_string:
        append_utf16(out, p, size / 2);
        return;
    case vt_ansi:
        for (std::size_t i = 0; i < size && p[i] != 0; ++i)
            out.push_back(static_cast<char>(p[i]));
        return;
    case vt_int8:
        if (size >= 1) append_signed(out, static_cast<std::int8_t>(p[0]));
        return;
    case vt_uint8:
        if (size >= 1) append_unsigned(out, p[0]);
        return;
    case vt_int16:
        if (size >= 2) append_signed(out, static_cast<std::int16_t>(read_le(p, 2)));
        return;
    case vt_uint16:
        if (size >= 2) append_unsigned(out, read_le(p, 2));
        return;
    case vt_int32:
        if (size >= 4) append_signed(out, static_cast<std::int32_t>(read_le(p, 4)));
        return;
    case vt_uint32:
        if (size >= 4) append_unsigned(out, read_le(p, 4));
        return;
    case vt_int64:
        if (size >= 8) append_signed(out, static_cast<std::int64_t>(read_le(p, 8)));
        return;
    case vt_uint64:
        if (size >= 8) append_unsigned(out, read_le(p, 8));
        return;
    case vt_bool:
        if (size >= 1) out += read_le(p, std::min<std::size_t>(size, 4)) != 0 ? "true" : "false";
        return;
    case vt_hex32:
    case vt_hex64:
    case vt_size_t:
        if (size == 4 || size == 8) append_hex(out, read_le(p, size));
        return;
    case vt_binary:
        for (std::size_t i = 0; i < size; ++i) {
            static constexpr char digits[] = "0123456789ABCDEF";
            out.push_back(digits[p[i] >> 4]);
            out.push_back(digits[p[i] & 0xf]);
        }
        return;
    case vt_sid:
        // [MS-DTYP] 2.4.2.2: revision, sub-authority count, 48-bit big-endian authority, then
        // little-endian 32-bit sub-authorities.
        if (size >= 8 && size >= 8 + 4 * static_cast<std::size_t>(p[1])) {
            out += "S-";
            append_unsigned(out, p[0]);
            out.push_back('-');
            std::uint64_t authority = 0;
            for (int i = 2; i < 8; ++i)
                authority = (authority << 8) | p[i];
            append_unsigned(out, authority);
            for (std::size_t i = 0; i < p[1]; ++i) {
                out.push_back('-');
                append_unsigned(out, read_le(p + 8 + 4 * i, 4));
            }
        }
        return;
    default:
        return; // null, GUID, times, reals, arrays: not a field masq reads as text
    }
}

/// Per chunk: compiled templates by their offset (and, for a template instantiated inside a
/// value, the kind of element it sits in).
struct plan {
    std::uint32_t offset = 0;
    std::uint8_t parent = 0xff;
    fields_t fields;
    bool dynamic = false; ///< fields may hide in BinXml values: walk each record with its values
    bool ok = false;
    /// BinXml values that stand as an element's whole content where fields may be (EventData as
    /// a template of its own): substitution index and the kind of element they are in. Each
    /// record reads them through their own plans.
    std::vector<std::pair<std::uint16_t, std::uint8_t>> nested;
};

/// Where a walk finds the plans of the templates instantiated inside values.
class plan_source {
  public:
    virtual const plan* nested(std::uint32_t def, std::uint8_t parent) = 0;

  protected:
    ~plan_source() = default;
};

/// Walks a BinXml token stream, tracking where in Event/System and Event/EventData it is, and
/// collects the parts of each field. Without values (`values == nullptr`) it compiles a template;
/// with them it reads one record (and follows BinXml values and nested template instances).
class walker {
  public:
    walker(const chunk_view& c, fields_t& out, std::uint64_t& budget, plan_source* plans = nullptr)
        : c_(c), out_(out), plans_(plans), budget_(&budget) {}

    /// Starts inside an element of kind `parent` (a nested template's plan; 0xff: at the top).
    void start_inside(std::uint8_t parent) {
        if (parent == 0xff) return;
        stack_[0] = {static_cast<role>(parent), -1};
        depth_ = 1;
    }

    bool dynamic = false;
    /// Where a compiling walk notes BinXml values it can leave to each record (else: dynamic).
    std::vector<std::pair<std::uint16_t, std::uint8_t>>* nested = nullptr;

    /// Walks [at, end) until its end-of-fragment token; false when it is malformed. `in_template`:
    /// the stream is a template's definition, whose elements carry a dependency identifier;
    /// elements written directly in a record (or a BinXml value) have none.
    bool walk(std::uint32_t at, std::uint32_t end, const std::vector<value_ref>* values, int nesting,
              bool in_template) {
        if (nesting > max_nesting) return false;
        while (at < end) {
            // A template may instantiate templates (bounded in depth by `nesting`) many times
            // over: a hostile chunk could make that exponential, so each walk has a budget.
            if (*budget_ == 0) return false;
            --*budget_;
            const std::uint8_t tok = c_.u8(at);
            switch (tok & 0xbf) {
            case tok_eof:
                return true;
            case tok_fragment_header:
                if (!c_.has(at, 4)) return false;
                at += 4;
                break;
            case tok_open_start: {
                // token, dependency identifier (u16, in templates), element size (u32), name
                // offset (u32). Where the name is written inline its offset is the position right
                // after the header, which tells the two layouts apart whatever the context says.
                if (!c_.has(at, 9)) return false;
                bool dependency = in_template;
                const bool inline_without = c_.u32(at + 5) == at + 9;
                const bool inline_with = c_.has(at, 11) && c_.u32(at + 7) == at + 11;
                if (dependency && !inline_with && inline_without)
                    dependency = false;
                else if (!dependency && !inline_without && inline_with)
                    dependency = true;
                const std::uint32_t header = dependency ? 11 : 9;
                if (!c_.has(at, header)) return false;
                const std::uint32_t name = c_.u32(at + header - 4);
                at += header;
                if (!skip_inline_name(name, at, end)) return false;
                if (tok & 0x40) {
                    if (!c_.has(at, 4)) return false;
                    at += 4; // the attribute list's size: the attributes follow as tokens
                }
                if (!push(name)) return false;
                break;
            }
            case tok_close_start:
                ++at;
                begin_content();
                break;
            case tok_close_empty:
            case tok_end_element:
                ++at;
                if (depth_ == 0) return false;
                pop();
                break;
            case tok_value: {
                if (!c_.has(at, 4) || c_.u8(at + 1) != vt_string) return false;
                const std::uint16_t n = c_.u16(at + 2);
                if (!c_.has(at + 4, 2u * n)) return false;
                add({part::utf16, 0, n, at + 4});
                at += 4 + 2u * n;
                break;
            }
            case tok_attribute: {
                if (!c_.has(at, 5)) return false;
                const std::uint32_t name = c_.u32(at + 1);
                at += 5;
                if (!skip_inline_name(name, at, end)) return false;
                begin_attribute(name);
                break;
            }
            case tok_cdata:
            case tok_pi_data: {
                if (!c_.has(at, 3)) return false;
                const std::uint16_t n = c_.u16(at + 1);
                if (!c_.has(at + 3, 2u * n)) return false;
                if ((tok & 0xbf) == tok_cdata) add({part::utf16, 0, n, at + 3});
                at += 3 + 2u * n;
                break;
            }
            case tok_char_ref:
                if (!c_.has(at, 3)) return false;
                add({part::character, 0, 0, c_.u16(at + 1)});
                at += 3;
                break;
            case tok_entity_ref:
            case tok_pi_target: {
                if (!c_.has(at, 5)) return false;
                const std::uint32_t name = c_.u32(at + 1);
                at += 5;
                if (!skip_inline_name(name, at, end)) return false;
                if ((tok & 0xbf) == tok_entity_ref) add({part::character, 0, 0, entity(name)});
                break;
            }
            case tok_template_instance: {
                std::uint32_t def = 0, after = 0;
                std::vector<value_ref> inner;
                if (!read_template_instance(c_, at, end, def, inner, after)) return false;
                if (!c_.has(def, 24)) return false;
                const std::uint32_t body_size = c_.u32(def + 20);
                if (!c_.has(def + 24, body_size)) return false;
                // A record's EventData is often a template of its own inside a BinXml value
                // (Security events): its plan is compiled once per chunk like the record's.
                if (values != nullptr && plans_ != nullptr && target_ < 0 && !in_name_attribute_) {
                    const plan* p = plans_->nested(def, depth_ == 0 ? 0xff : stack_[depth_ - 1].r);
                    if (p != nullptr && p->ok && !p->dynamic) {
                        merge(p->fields, inner);
                        at = after;
                        break;
                    }
                }
                if (!walk(def + 24, def + 24 + body_size, &inner, nesting + 1, true)) return false;
                at = after;
                break;
            }
            case tok_normal_substitution:
            case tok_optional_substitution: {
                if (!c_.has(at, 4)) return false;
                const std::uint16_t index = c_.u16(at + 1);
                const std::uint8_t type = c_.u8(at + 3);
                at += 4;
                if (values == nullptr) {
                    // A BinXml value where a field could be may hold the field's element itself.
                    if (type == vt_binxml && role_could_hold_fields()) {
                        if (nested != nullptr && target_ < 0 && !in_name_attribute_)
                            nested->emplace_back(index, depth_ == 0 ? 0xff : stack_[depth_ - 1].r);
                        else
                            dynamic = true;
                    }
                    add({part::substitution, type, 0, index});
                    break;
                }
                if (index >= values->size()) break; // no value: nothing rendered
                const value_ref& v = (*values)[index];
                if (v.type == vt_binxml) {
                    if (!walk(v.at, v.at + v.size, nullptr_values(), nesting + 1, false)) return false;
                } else {
                    add({part::value, v.type, v.size, v.at});
                }
                break;
            }
            default:
                return false;
            }
        }
        return true;
    }

    /// Reads a template instance at `at`: the definition's offset, the values, and where it ends.
    static bool read_template_instance(const chunk_view& c, std::uint32_t at, std::uint32_t end,
                                       std::uint32_t& def, std::vector<value_ref>& values,
                                       std::uint32_t& after) {
        // token, unknown (u8), template identifier (u32), definition offset (u32)
        if (!c.has(at, 10) || at + 10 > end) return false;
        def = c.u32(at + 6);
        std::uint32_t p = at + 10;
        if (def == p) { // defined here: next offset (u32), GUID (16), data size (u32), the body
            if (!c.has(p, 24)) return false;
            const std::uint64_t skip = 24ull + c.u32(p + 20);
            if (p + skip > end) return false;
            p += static_cast<std::uint32_t>(skip);
        }
        if (p + 4 > end) return false;
        const std::uint32_t count = c.u32(p);
        p += 4;
        if (count > (end - p) / 4) return false;
        values.resize(count);
        std::uint32_t data = p + 4 * count;
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint16_t size = c.u16(p + 4 * i);
            values[i] = {c.u8(p + 4 * i + 2), size, data};
            if (size > end - data) return false;
            data += size;
        }
        after = data;
        return true;
    }

  private:
    enum role : std::uint8_t { r_other, r_event, r_system, r_event_data, r_provider, r_time, r_text, r_data };
    struct level {
        role r;
        int content = -1; ///< the field this element's text goes to
    };

    static const std::vector<value_ref>* nullptr_values() { return &no_values_; }

    bool skip_inline_name(std::uint32_t name, std::uint32_t& at, std::uint32_t end) const {
        if (name != at) return true; // defined earlier in the chunk
        // next offset (u32), hash (u16), characters (u16), UTF-16, NUL
        if (!c_.has(at, 8)) return false;
        const std::uint64_t size = 8ull + 2ull * c_.u16(at + 6) + 2;
        if (at + size > end) return false;
        at += static_cast<std::uint32_t>(size);
        return true;
    }

    bool name_is(std::uint32_t name, std::string_view ascii) const {
        if (!c_.has(name, 8)) return false;
        const std::uint16_t n = c_.u16(name + 6);
        if (n != ascii.size() || !c_.has(name + 8, 2u * n)) return false;
        for (std::size_t i = 0; i < n; ++i)
            if (c_.u16(static_cast<std::uint32_t>(name + 8 + 2 * i)) != static_cast<unsigned char>(ascii[i]))
                return false;
        return true;
    }

    bool push(std::uint32_t name) {
        if (depth_ >= stack_.size()) return false;
        const role parent = depth_ == 0 ? r_other : stack_[depth_ - 1].r;
        role r = r_other;
        int content = -1;
        if (depth_ == 0)
            r = r_event;
        else if (parent == r_event && name_is(name, "System"))
            r = r_system;
        else if (parent == r_event && name_is(name, "EventData"))
            r = r_event_data;
        else if (parent == r_system && name_is(name, "Provider"))
            r = r_provider;
        else if (parent == r_system && name_is(name, "TimeCreated"))
            r = r_time;
        else if (parent == r_system && name_is(name, "EventID"))
            r = r_text, content = event_id;
        else if (parent == r_system && name_is(name, "Computer"))
            r = r_text, content = computer;
        else if (parent == r_system && name_is(name, "EventRecordID"))
            r = r_text, content = event_record_id;
        else if (parent == r_event_data && name_is(name, "Data"))
            r = r_data;
        stack_[depth_++] = {r, content};
        target_ = -1;
        data_name_.clear();
        in_name_attribute_ = false;
        return true;
    }

    void pop() {
        --depth_;
        target_ = -1;
        in_name_attribute_ = false;
        // Back in the parent's content: text there belongs to the parent's field.
        if (depth_ > 0) target_ = stack_[depth_ - 1].content;
    }

    void begin_attribute(std::uint32_t name) {
        target_ = -1;
        in_name_attribute_ = false;
        if (depth_ == 0) return;
        const role r = stack_[depth_ - 1].r;
        if (r == r_provider && name_is(name, "Name"))
            target_ = provider;
        else if (r == r_time && name_is(name, "SystemTime"))
            target_ = time_created;
        else if (r == r_data && name_is(name, "Name"))
            in_name_attribute_ = true;
    }

    void begin_content() {
        in_name_attribute_ = false;
        target_ = -1;
        if (depth_ == 0) return;
        level& l = stack_[depth_ - 1];
        if (l.r == r_data) {
            l.content = -1;
            for (const data_name& d : data_names)
                if (d.name == data_name_) l.content = d.f;
        }
        if (l.content < 0) return;
        field_text& f = out_[static_cast<std::size_t>(l.content)];
        // The first System element of a name counts, as an XML reader's first-child lookup finds
        // it; the last Data of a name wins, as a name-to-value map keeps it.
        if (l.r != r_data && f.set) {
            l.content = -1;
            return;
        }
        f.parts.clear();
        f.set = true;
        target_ = l.content;
    }

    bool role_could_hold_fields() const {
        if (depth_ == 0) return true;
        const role r = stack_[depth_ - 1].r;
        return r == r_event || r == r_system || r == r_event_data || target_ >= 0 || in_name_attribute_;
    }

    void add(const part& p) {
        if (in_name_attribute_) {
            // A Data element's name, literal in every template seen; a substitution here needs
            // the record's values.
            if (p.kind == part::utf16)
                append_utf16(data_name_, c_.p + p.at, p.size);
            else if (p.kind == part::character)
                append_utf8(data_name_, p.at);
            else if (p.kind == part::value)
                append_value(data_name_, p.type, c_.p + p.at, p.size);
            else
                dynamic = true;
            return;
        }
        if (target_ < 0) return;
        field_text& f = out_[static_cast<std::size_t>(target_)];
        f.parts.push_back(p);
        f.set = true;
    }

    std::uint32_t entity(std::uint32_t name) const {
        if (name_is(name, "lt")) return '<';
        if (name_is(name, "gt")) return '>';
        if (name_is(name, "amp")) return '&';
        if (name_is(name, "quot")) return '"';
        if (name_is(name, "apos")) return '\'';
        return 0xfffd;
    }

    /// Takes in the fields of a nested template's plan, its substitutions resolved to `values`,
    /// with the rules of begin_content (first System element, last Data element).
    void merge(const fields_t& fields, const std::vector<value_ref>& values) {
        for (std::size_t i = 0; i < field_count; ++i) {
            const field_text& from = fields[i];
            field_text& to = out_[i];
            if (!from.set || (i <= event_record_id && to.set)) continue;
            to.parts.clear();
            to.set = true;
            for (const part& p : from.parts) {
                if (p.kind != part::substitution)
                    to.parts.push_back(p);
                else if (p.at < values.size())
                    to.parts.push_back({part::value, values[p.at].type, values[p.at].size, values[p.at].at});
            }
        }
    }

    const chunk_view& c_;
    fields_t& out_;
    plan_source* plans_;
    std::array<level, 64> stack_{};
    std::size_t depth_ = 0;
    int target_ = -1;
    std::uint64_t* budget_; // tokens left to the chunk (chunk_decoder::budget_)
    bool in_name_attribute_ = false;
    std::string data_name_;
    static inline const std::vector<value_ref> no_values_{};
};

/// Appends a field's text given the record's values.
void render(const chunk_view& c, const field_text& f, const std::vector<value_ref>& values,
            std::string& out) {
    for (const part& p : f.parts) {
        switch (p.kind) {
        case part::utf16:
            append_utf16(out, c.p + p.at, p.size);
            break;
        case part::character:
            append_utf8(out, p.at);
            break;
        case part::value:
            append_value(out, p.type, c.p + p.at, p.size);
            break;
        case part::substitution:
            if (p.at < values.size()) {
                const value_ref& v = values[p.at];
                append_value(out, v.type, c.p + v.at, v.size);
            }
            break;
        }
    }
}

/// The value a field is exactly one substitution of, if it is.
std::optional<value_ref> single_value(const field_text& f, const std::vector<value_ref>& values) {
    if (f.parts.size() != 1) return std::nullopt;
    const part& p = f.parts[0];
    if (p.kind == part::value) return value_ref{p.type, p.size, p.at};
    if (p.kind != part::substitution || p.at >= values.size()) return std::nullopt;
    return values[p.at];
}

enum class event_kind { none, security_4688, sysmon_1 };

class chunk_decoder final : plan_source {
  public:
    chunk_decoder(const chunk_view& c, const live_ranges& live, record_visitor& visitor, scan_counts& counts)
        : c_(c), live_(live), visitor_(visitor), counts_(counts) {}

    /// `counted`: whether the file header counts this chunk as part of the log.
    void run(bool counted) {
        const bool header_ok = std::memcmp(c_.p, "ElfChnk", 8) == 0;
        if (!header_ok) {
            // A chunk never written is zeros. Past the chunks the header counts, anything else is
            // not the log's (a copy padded or carved with other data); within them it is damage.
            // Either way, records found in it are read as free space.
            if (std::any_of(c_.p, c_.p + chunk_header_bytes, [](std::uint8_t b) { return b != 0; })) {
                if (counted) ++counts_.bad_chunks;
                scan_free_space(chunk_header_bytes);
            }
            return;
        }
        std::uint32_t free_at = c_.u32(48);
        if (free_at < chunk_header_bytes || free_at > c_.size) free_at = c_.size;
        std::uint32_t at = chunk_header_bytes;
        while (at + record_header_bytes <= free_at) {
            const std::uint32_t size = record_size(at, false);
            if (size == 0) {
                // The chain of records is broken here: what follows is read as free space.
                ++counts_.bad_records;
                break;
            }
            const decode_result r = decode(at, size, false);
            if (r == decode_result::bad)
                ++counts_.bad_records;
            else
                ++counts_.records, counts_.other_events += r == decode_result::other;
            at += size;
        }
        scan_free_space(at);
    }

  private:
    enum class decode_result { process_creation, other, bad };

    /// The record's size if a record starts at `at` (signature, a size within the chunk), else 0.
    /// In free space the size must also be repeated at the record's end, as every record ends: a
    /// stray "**" is not taken for a record. Live records are not held to it: a log whose writer
    /// stopped mid-record still has the record's content, and other readers take it.
    std::uint32_t record_size(std::uint32_t at, bool free_space) const {
        if (!c_.has(at, record_header_bytes) || std::memcmp(c_.p + at, "**\0\0", 4) != 0) return 0;
        const std::uint32_t size = c_.u32(at + 4);
        if (size < record_header_bytes + 4 || !c_.has(at, size)) return 0;
        if (free_space && c_.u32(at + size - 4) != size) return 0;
        return size;
    }

    void scan_free_space(std::uint32_t from) {
        for (std::uint32_t at = from; at + record_header_bytes <= c_.size;) {
            const void* hit = std::memchr(c_.p + at, '*', c_.size - at);
            if (hit == nullptr) return;
            at = static_cast<std::uint32_t>(static_cast<const std::uint8_t*>(hit) - c_.p);
            const std::uint32_t size = record_size(at, true);
            if (size == 0) {
                ++at;
                continue;
            }
            if (!live_.contains(c_.u64(at + 8))) {
                const decode_result r = decode(at, size, true);
                if (r == decode_result::bad)
                    ++counts_.recovered_dropped;
                else if (r == decode_result::other)
                    ++counts_.recovered_other;
                else
                    ++counts_.recovered_seen;
            }
            at += size;
        }
    }

    void clear_walked() {
        for (field_text& f : walked_) {
            f.parts.clear(); // keeps its memory for the next record
            f.set = false;
        }
    }

    const plan* nested(std::uint32_t def, std::uint8_t parent) override {
        for (const plan& p : nested_)
            if (p.offset == def && p.parent == parent) return &p;
        plan& p = nested_.emplace_back();
        p.offset = def;
        p.parent = parent;
        const std::uint32_t size = c_.u32(def + 20); // the caller checked the definition's bounds
        walker w(c_, p.fields, budget_);
        w.start_inside(parent);
        p.ok = w.walk(def + 24, def + 24 + size, nullptr, 0, true);
        p.dynamic = w.dynamic;
        return &p;
    }

    plan* compile(std::uint32_t def) {
        for (plan& p : plans_)
            if (p.offset == def) return &p;
        plans_.emplace_back();
        plan& p = plans_.back();
        p.offset = def;
        if (!c_.has(def, 24)) return &p;
        const std::uint32_t size = c_.u32(def + 20);
        if (!c_.has(def + 24, size)) return &p;
        walker w(c_, p.fields, budget_);
        w.nested = &p.nested;
        p.ok = w.walk(def + 24, def + 24 + size, nullptr, 0, true);
        p.dynamic = w.dynamic;
        return &p;
    }

    event_kind kind_of(const fields_t& f, const std::vector<value_ref>& values) {
        if (!f[event_id].set) return event_kind::none;
        std::uint64_t id = 0;
        if (const std::optional<value_ref> v = single_value(f[event_id], values);
            v && (v->type == vt_uint16 || v->type == vt_uint32) && v->size >= 2) {
            id = read_le(c_.p + v->at, v->type == vt_uint16 ? 2 : std::min<std::size_t>(v->size, 4));
        } else {
            scratch_.clear();
            render(c_, f[event_id], values, scratch_);
            if (scratch_ == "4688")
                id = 4688;
            else if (scratch_ == "1")
                id = 1;
            else
                return event_kind::none;
        }
        if (id != 4688 && id != 1) return event_kind::none;
        scratch_.clear();
        render(c_, f[provider], values, scratch_);
        const bool sysmon = scratch_ == "Microsoft-Windows-Sysmon";
        if (id == 4688 && !sysmon) return event_kind::security_4688;
        if (id == 1 && sysmon) return event_kind::sysmon_1;
        return event_kind::none;
    }

    decode_result decode(std::uint32_t at, std::uint32_t size, bool recovered) {
        const std::uint32_t end = at + size - 4;
        std::uint32_t p = at + record_header_bytes;
        // A fragment header, then (almost always) a template instance.
        if (p + 4 <= end && c_.u8(p) == tok_fragment_header) p += 4;
        const fields_t* fields = nullptr;
        values_.clear();
        if (p < end && (c_.u8(p) & 0xbf) == tok_template_instance) {
            std::uint32_t def = 0, after = 0;
            if (!walker::read_template_instance(c_, p, end, def, values_, after)) return decode_result::bad;
            plan* pl = compile(def);
            if (!pl->ok) return decode_result::bad;
            // The EventID first: most records are something else and end here.
            const event_kind k = kind_of(pl->fields, values_);
            if (k == event_kind::none && (!pl->dynamic || pl->fields[event_id].set))
                return decode_result::other;
            if (!pl->dynamic && pl->nested.empty()) {
                fields = &pl->fields;
            } else if (!pl->dynamic) {
                // The template's fields, then those of its BinXml values (EventData).
                walked_ = pl->fields;
                for (const auto& [index, parent] : pl->nested) {
                    if (index >= values_.size() || values_[index].type != vt_binxml) continue;
                    const value_ref& v = values_[index];
                    walker w(c_, walked_, budget_, this);
                    w.start_inside(parent);
                    // The value's own template instance brings its values; nothing else in it has any.
                    static const std::vector<value_ref> none;
                    if (!w.walk(v.at, v.at + v.size, &none, 1, false)) return decode_result::bad;
                }
                fields = &walked_;
            } else {
                clear_walked();
                walker w(c_, walked_, budget_, this);
                if (!w.walk(def + 24, def + 24 + c_.u32(def + 20), &values_, 0, true))
                    return decode_result::bad;
                fields = &walked_;
            }
        } else {
            clear_walked();
            walker w(c_, walked_, budget_, this);
            if (!w.walk(at + record_header_bytes, end, &values_, 0, false)) return decode_result::bad;
            fields = &walked_;
        }
        const event_kind k = kind_of(*fields, values_);
        if (k == event_kind::none) return decode_result::other;
        record_.recovered = recovered;
        record_.sysmon = k == event_kind::sysmon_1;
        record_.record_id = c_.u64(at + 8);
        record_.time_created.reset();
        for (std::size_t i = 0; i < field_count; ++i) {
            record_.text[i].clear();
            if (i == event_id) continue;
            if (i == time_created) {
                const std::optional<value_ref> v = single_value((*fields)[i], values_);
                if (v && v->type == vt_filetime && v->size == 8) {
                    record_.time_created = from_filetime(c_.u64(v->at));
                    continue;
                }
            }
            render(c_, (*fields)[i], values_, record_.text[i]);
        }
        visitor_.on_process_creation(record_);
        return decode_result::process_creation;
    }

    const chunk_view& c_;
    const live_ranges& live_;
    record_visitor& visitor_;
    scan_counts& counts_;
    std::deque<plan> plans_, nested_; // plans are pointed at while others are compiled
    // Tokens a chunk may cost: real chunks take well under a million; a hostile one whose
    // templates instantiate each other cannot take more (its remaining records are then bad).
    std::uint64_t budget_ = std::uint64_t{1} << 24;
    std::vector<value_ref> values_;
    fields_t walked_;
    std::string scratch_;
    process_record record_;
};

} // namespace

bool live_ranges::add_chunk_header(const std::uint8_t* header) noexcept {
    if (std::memcmp(header, "ElfChnk", 8) != 0) return false;
    std::uint64_t first, last;
    std::memcpy(&first, header + 24, 8);
    std::memcpy(&last, header + 32, 8);
    if (first <= last) ranges_.emplace_back(first, last);
    return true;
}

void live_ranges::finish() {
    std::sort(ranges_.begin(), ranges_.end());
}

bool live_ranges::contains(std::uint64_t id) const noexcept {
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), std::pair{id, ~std::uint64_t{0}});
    // Ranges may overlap (a chunk rewritten); look back while a range could still cover `id`.
    for (int n = 0; it != ranges_.begin() && n < 64; ++n) {
        --it;
        if (it->first <= id && id <= it->second) return true;
    }
    return false;
}

void decode_chunks(std::span<const std::uint8_t> chunks, std::uint64_t first_index, std::uint64_t counted,
                   const live_ranges& live, record_visitor& visitor, scan_counts& counts) {
    for (std::size_t at = 0; at + chunk_bytes <= chunks.size(); at += chunk_bytes) {
        const chunk_view c{chunks.data() + at, static_cast<std::uint32_t>(chunk_bytes)};
        chunk_decoder d(c, live, visitor, counts);
        d.run(first_index + at / chunk_bytes < counted);
    }
}

} // namespace masq::detail::evtx
