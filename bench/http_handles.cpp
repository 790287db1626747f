// SPDX-License-Identifier: MIT
// What issue 19's F3 workaround costs: masq's HTTP client (src/net/http.cpp) makes a fresh libcurl
// easy handle per request and keeps connections, DNS answers and TLS sessions in a share object,
// because reusing one easy handle (curl_easy_reset) lets libcurl 7.88.1 unfold a response's
// leading continuation line into the previous transfer's freed header. This program sends the same
// POSTs both ways, so bench/http_handles.py can time them against one local server.
//
//   http_handles fresh|reuse URL REQUESTS BODY_BYTES
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <curl/curl.h>
#include <string>

namespace {

std::size_t discard(char*, std::size_t size, std::size_t n, void*) {
    return size * n;
}

bool post(CURL* curl, const char* url, const std::string& body, curl_slist* headers) {
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "POST");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    long status = 0;
    return curl_easy_perform(curl) == CURLE_OK &&
           curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 5 || (std::strcmp(argv[1], "fresh") != 0 && std::strcmp(argv[1], "reuse") != 0)) {
        std::fprintf(stderr, "usage: %s fresh|reuse URL REQUESTS BODY_BYTES\n", argv[0]);
        return 2;
    }
    const bool fresh = std::strcmp(argv[1], "fresh") == 0;
    const char* url = argv[2];
    const long requests = std::atol(argv[3]);
    const std::string body(static_cast<std::size_t>(std::atol(argv[4])), 'x');
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    int failed = 0;
    if (fresh) {
        CURLSH* share = curl_share_init();
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        for (long i = 0; i < requests; ++i) {
            CURL* curl = curl_easy_init();
            curl_easy_setopt(curl, CURLOPT_SHARE, share);
            failed += !post(curl, url, body, headers);
            curl_easy_cleanup(curl);
        }
        curl_share_cleanup(share);
    } else {
        CURL* curl = curl_easy_init();
        for (long i = 0; i < requests; ++i) {
            curl_easy_reset(curl);
            failed += !post(curl, url, body, headers);
        }
        curl_easy_cleanup(curl);
    }
    curl_slist_free_all(headers);
    curl_global_cleanup();
    if (failed) std::fprintf(stderr, "%d of %ld requests failed\n", failed, requests);
    return failed ? 1 : 0;
}
