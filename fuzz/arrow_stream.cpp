// SPDX-License-Identifier: MIT
// The Arrow C stream reader (pandas, polars, pyarrow tables handed to masq.detect). The C data
// interface is a contract between the producer and us, so the harness builds streams that keep
// it — valid offsets and buffers — and lets the fuzzer choose everything the contract leaves
// open: which columns, their types (also unsupported ones, which must be an invalid_argument),
// names repeated or unknown, null bitmaps, sliced tables and columns, arbitrary bytes as text.
#include "masq/arrow_stream.h"

#include "fuzz_common.h"

#include <cstring>
#include <deque>
#include <stdexcept>

namespace {

struct reader {
    const std::uint8_t* data;
    std::size_t size;
    std::uint8_t byte() { return masq_fuzz::take_byte(data, size); }
    std::string text(std::size_t n) {
        n = std::min(n, size);
        std::string out(reinterpret_cast<const char*>(data), n);
        data += n;
        size -= n;
        return out;
    }
};

/// One column: its schema and its array, with the memory they point into.
struct column {
    std::string name, format;
    ArrowSchema schema{};
    ArrowArray array{};
    const void* buffers[3] = {};
    std::vector<std::uint8_t> validity;
    std::vector<std::int32_t> offsets32;
    std::vector<std::int64_t> offsets64, values64;
    std::string chars;
};

struct table {
    std::deque<column> columns;
    std::vector<ArrowSchema*> schema_children;
    std::vector<ArrowArray*> array_children;
    ArrowSchema schema{};
    ArrowArray array{};
    const void* buffers[1] = {nullptr};
    bool sent = false;
};

void release_schema(ArrowSchema* s) {
    s->release = nullptr;
}
void release_array(ArrowArray* a) {
    a->release = nullptr;
}

int get_schema(ArrowArrayStream* s, ArrowSchema* out) {
    *out = static_cast<table*>(s->private_data)->schema;
    return 0;
}
int get_next(ArrowArrayStream* s, ArrowArray* out) {
    auto* t = static_cast<table*>(s->private_data);
    if (t->sent) {
        std::memset(out, 0, sizeof *out); // end of stream: a released array
    } else {
        *out = t->array;
        t->sent = true;
    }
    return 0;
}
const char* last_error(ArrowArrayStream*) {
    return "fuzz";
}
void release_stream(ArrowArrayStream* s) {
    s->release = nullptr;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr const char* formats[] = {"u", "U", "l", "tsn:", "tsu:UTC", "tss:", "tsm:", "i", "z"};
    reader in{data, size};
    const auto names = masq::python::arrow_columns();
    table t;
    const std::int64_t length = in.byte() % 17;
    const std::int64_t table_offset = in.byte() % 3;
    const std::size_t n_columns = in.byte() % 9;
    for (std::size_t c = 0; c < n_columns; ++c) {
        column& col = t.columns.emplace_back();
        const std::uint8_t which = in.byte();
        col.name = which % (names.size() + 1) < names.size() ? std::string(names[which % (names.size() + 1)])
                                                             : "Unknown";
        col.format = formats[in.byte() % std::size(formats)];
        const std::int64_t col_offset = in.byte() % 3;
        const std::int64_t rows = col_offset + table_offset + length; // what the reader may index
        const bool nullable = (in.byte() & 1) != 0;
        if (nullable) {
            col.validity.resize(static_cast<std::size_t>(rows / 8 + 1));
            for (auto& b : col.validity)
                b = in.byte();
        }
        col.buffers[0] = nullable ? col.validity.data() : nullptr;
        if (col.format == "u" || col.format == "U") {
            col.offsets64.push_back(0);
            for (std::int64_t r = 0; r < rows; ++r) {
                col.chars += in.text(in.byte() % 24);
                col.offsets64.push_back(static_cast<std::int64_t>(col.chars.size()));
            }
            if (col.format == "u") {
                col.offsets32.assign(col.offsets64.begin(), col.offsets64.end());
                col.buffers[1] = col.offsets32.data();
            } else {
                col.buffers[1] = col.offsets64.data();
            }
            col.buffers[2] = col.chars.data();
            col.array.n_buffers = 3;
        } else {
            for (std::int64_t r = 0; r < rows; ++r) {
                std::int64_t v = 0;
                for (int b = 0; b < 8; ++b)
                    v = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << 8 | in.byte());
                col.values64.push_back((in.byte() & 1) ? 4688 : v);
            }
            col.buffers[1] = col.values64.data();
            col.array.n_buffers = 2;
        }
        col.schema = {col.format.c_str(), col.name.c_str(), nullptr, nullable ? 2 : 0, 0, nullptr, nullptr,
                      release_schema,     nullptr};
        col.array.length = rows - col_offset;
        col.array.offset = col_offset;
        col.array.null_count = nullable ? -1 : 0;
        col.array.buffers = col.buffers;
        col.array.release = release_array;
        t.schema_children.push_back(&col.schema);
        t.array_children.push_back(&col.array);
    }
    t.schema = {"+s",
                "",
                nullptr,
                0,
                static_cast<std::int64_t>(n_columns),
                t.schema_children.data(),
                nullptr,
                release_schema,
                nullptr};
    t.array = {length,
               0,
               table_offset,
               1,
               static_cast<std::int64_t>(n_columns),
               t.buffers,
               t.array_children.data(),
               nullptr,
               release_array,
               nullptr};
    ArrowArrayStream stream{get_schema, get_next, last_error, release_stream, &t};
    masq::detail::profile_builder builder;
    masq::diagnostics diag;
    try {
        (void)masq::python::read_arrow_stream(stream, builder, diag);
    } catch (const std::invalid_argument&) {
        return 0; // a column of a type masq does not read: the documented outcome
    }
    masq::process_profile profile;
    builder.flush_into(profile);
    masq_fuzz::detect_and_render(profile);
    return 0;
}
