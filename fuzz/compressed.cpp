// SPDX-License-Identifier: MIT
// gzip (concatenated members) and zstd (concatenated frames) framing, streamed by the line reader
// and, for Blob downloads, inflated in memory by decompress_buffer: truncation, corruption,
// over-long lines (--max-record-bytes). The first byte chooses small chunks and limits so the
// buffer growth and the line bound are exercised (--max-expansion applies past 64 MiB, beyond a
// fuzz input; tests/unit/sources/line_reader_test.cpp covers it).
#include "file_input.h"
#include "sources/line_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::uint8_t flags = masq_fuzz::take_byte(data, size);
    masq::read_options options;
    options.chunk_size = (flags & 1) ? 64 : std::size_t{1} << 16;
    if (flags & 2) options.max_record_bytes = 256;
    masq_fuzz::read_file_and_detect(data, size, options);
    std::string plain, error;
    (void)masq::detail::decompress_buffer({reinterpret_cast<const char*>(data), size}, plain, error,
                                          options.max_expansion);
    return 0;
}
