// SPDX-License-Identifier: MIT
// Renamed by hash: a Windows binary's image under another name, found from the data's own hashes.
#include "detect/fleet.h"
#include "masq/event.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

const std::string regsvr32_sha256 = "3F0A0B4C1D2E3F405162738495A6B7C8D9EAFB0C1D2E3F405162738495A6B7C8";

void run_image(masq::process_profile& p, const std::string& name, const std::string& path,
               const std::string& host, const std::string& hashes) {
    masq::process_event e;
    e.process = name;
    e.path = path;
    e.host = host;
    e.hashes = hashes;
    p.add(e);
}

TEST(image_hash_key, takes_the_strongest_digest_in_any_spelling) {
    EXPECT_EQ(masq::image_hash_key(
                  "SHA1=AAAABBBBCCCCDDDDEEEEFFFF0000111122223333,MD5=0123456789ABCDEF0123456789ABCDEF,"
                  "SHA256=" +
                  regsvr32_sha256 + ",IMPHASH=0123456789ABCDEF0123456789ABCDEF"),
              "sha256=3f0a0b4c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f405162738495a6b7c8");
    EXPECT_EQ(masq::image_hash_key("MD5=0123456789ABCDEF0123456789ABCDEF"),
              "md5=0123456789abcdef0123456789abcdef");
    EXPECT_EQ(masq::image_hash_key("aaaabbbbccccddddeeeeffff0000111122223333"),
              "sha1=aaaabbbbccccddddeeeeffff0000111122223333"); // a bare digest, by its length
    EXPECT_EQ(masq::image_hash_key("IMPHASH=0123456789ABCDEF0123456789ABCDEF"), ""); // not an identity
    EXPECT_EQ(masq::image_hash_key("SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
              ""); // an empty file
    EXPECT_EQ(masq::image_hash_key("SHA256=nothex"), "");
    EXPECT_EQ(masq::image_hash_key(""), "");
}

TEST(full_mode, a_windows_binary_copied_under_another_name_is_found_by_its_hash) {
    auto p = fleet();
    const std::string hashes = "SHA256=" + regsvr32_sha256;
    for (const char* host : {"H1", "H2", "H3"})
        run_image(p, "regsvr32.exe", "C:\\Windows\\System32\\regsvr32.exe", host, hashes);
    run_image(p, "jabber.exe", "C:\\Users\\bob\\AppData\\Local\\jabber.exe", "H7", hashes);
    // jabber.exe's genuine image elsewhere is not the evidence.
    run_image(p, "jabber.exe", "C:\\Program Files\\Cisco Jabber\\jabber.exe", "H8",
              "SHA256=1111111111111111111111111111111111111111111111111111111111111111");
    const auto fs = full(p);
    const auto* f = find(fs, "jabber.exe");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->detector, "renamed-by-hash");
    EXPECT_NE(f->reason.find("really regsvr32.exe"), std::string::npos) << f->reason;
    EXPECT_EQ(f->suspicious_count, 1u);
    ASSERT_EQ(f->hosts.size(), 1u);
    EXPECT_EQ(f->hosts[0].value, "H7");
    EXPECT_EQ(find(fs, "regsvr32.exe"), nullptr);
}

TEST(full_mode, names_sharing_an_image_without_an_identity_or_beside_it_stay_quiet) {
    auto p = fleet();
    const std::string tool = "SHA256=2222222222222222222222222222222222222222222222222222222222222222";
    // One image under two names about equally: no identity.
    for (const char* host : {"H1", "H2"}) {
        run_image(p, "toola.exe", "C:\\Tools\\toola.exe", host, tool);
        run_image(p, "toolb.exe", "C:\\Tools\\toolb.exe", host, tool);
    }
    // The vendor's two names in one folder (hard links): beside the original.
    const std::string py = "SHA256=3333333333333333333333333333333333333333333333333333333333333333";
    for (const char* host : {"H1", "H2", "H3", "H4"})
        run_image(p, "pyrun.exe", "C:\\Py\\pyrun.exe", host, py);
    run_image(p, "pyrun3.exe", "C:\\Py\\pyrun3.exe", "H1", py);
    const auto fs = full(p);
    for (const auto& f : fs)
        for (const auto& d : f.detections)
            EXPECT_NE(d.detector, "renamed-by-hash") << f.suspicious_process << ": " << d.reason;
}

} // namespace
