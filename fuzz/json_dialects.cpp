// SPDX-License-Identifier: MIT
// The generic JSON reader: ECS (winlogbeat), Defender DeviceProcessEvents, Sysmon event 1 as JSON,
// auto-detection between them, and --map field maps. First byte: the format; second: a map set.
// (F1 in tests/data/fuzz-regressions: a pointer walk after simdjson abandoned a document.)
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr masq::input_format formats[] = {masq::input_format::auto_detect, masq::input_format::ecs,
                                                     masq::input_format::defender,
                                                     masq::input_format::sysmon};
    const std::uint8_t format = masq_fuzz::take_byte(data, size);
    const std::uint8_t map = masq_fuzz::take_byte(data, size);
    masq::read_options options;
    options.format = formats[format % 4];
    switch (map % 4) {
    case 1:
        (void)options.fields.set("process=process.name");
        (void)options.fields.set("host=host.name");
        break;
    case 2:
        (void)options.fields.set("process=/Event/EventData/Image");
        (void)options.fields.set("time=/ts");
        (void)options.fields.set("code=kind");
        break;
    case 3:
        (void)options.fields.set("path=a.b.c.d");
        (void)options.fields.set("process=");
        break;
    default:
        break;
    }
    masq_fuzz::read_and_detect({reinterpret_cast<const char*>(data), size}, options, (format & 4) != 0);
    return 0;
}
