// SPDX-License-Identifier: MIT
// Azure Blob Storage REST: "List Blobs" (GET ?restype=container&comp=list, prefix/marker paging)
// and "Get Blob", authorised with Shared Key ("Authorize with Shared Key", Azure Storage REST
// docs: HMAC-SHA256 over VERB, the standard headers, x-ms-* headers and the canonicalised
// resource) or a SAS token. libcurl for HTTP, OpenSSL for HMAC and base64, libxml2 for listings.
#include "sources/azure_blob.h"

#include "net/http.h"
#include "sources/record.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <map>
#include <set>
#include <thread>

namespace masq::detail {
namespace {

constexpr const char* api_version = "2021-08-06";

struct location {
    std::string base; ///< scheme://host[:port] plus "/account" for path-style (Azurite)
    std::string account;
    std::string container;
    std::string prefix;
    std::string sas; ///< query string of the URL, if any (a SAS token)
    bool path_style = false;
    std::string shown; ///< for messages: no query string
};

std::optional<location> parse(const std::string& url) {
    location l;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    std::string rest = url.substr(scheme_end + 3);
    if (const auto q = rest.find('?'); q != std::string::npos) {
        l.sas = rest.substr(q + 1);
        rest.resize(q);
    }
    const auto slash = rest.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const std::string host = rest.substr(0, slash);
    std::string path = rest.substr(slash + 1);
    const std::string scheme = url.substr(0, scheme_end);
    const auto dot = host.find(".blob.");
    if (dot != std::string::npos) {
        l.account = host.substr(0, dot);
        l.base = scheme + "://" + host;
    } else { // Azurite and other emulators: http://127.0.0.1:10000/ACCOUNT/CONTAINER/...
        const auto s = path.find('/');
        l.account = path.substr(0, s);
        path = s == std::string::npos ? "" : path.substr(s + 1);
        l.base = scheme + "://" + host + "/" + l.account;
        l.path_style = true;
    }
    const auto s = path.find('/');
    l.container = path.substr(0, s);
    l.prefix = s == std::string::npos ? "" : path.substr(s + 1);
    if (l.account.empty() || l.container.empty()) return std::nullopt;
    l.shown = l.base + "/" + l.container + (l.prefix.empty() ? "" : "/" + l.prefix);
    return l;
}

std::map<std::string, std::string> parse_connection_string(const std::string& s) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = s.find(';', i);
        if (j == std::string::npos) j = s.size();
        const std::string part = s.substr(i, j - i);
        if (const auto eq = part.find('='); eq != std::string::npos)
            out[part.substr(0, eq)] = part.substr(eq + 1);
        i = j + 1;
    }
    return out;
}

std::string encode_path(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == '=')
            out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string encode_query_value(std::string_view s) {
    return percent_encode(s);
}

class blob_client {
  public:
    blob_client(location l, const blob_options& options) : l_(std::move(l)), options_(options) {
        auto cs = parse_connection_string(options.connection_string);
        if (!l_.sas.empty())
            sas_ = l_.sas;
        else if (!cs["SharedAccessSignature"].empty())
            sas_ = cs["SharedAccessSignature"];
        if (sas_.empty()) {
            const std::string key = !cs["AccountKey"].empty() ? cs["AccountKey"] : options.account_key;
            if (!key.empty())
                key_ = base64_decode(key).value_or("");
            else if (!options.sas_token.empty())
                sas_ = options.sas_token;
        }
        if (!sas_.empty() && sas_.front() == '?') sas_.erase(0, 1);
    }

    bool authorised() const { return !key_.empty() || !sas_.empty(); }

    /// GET `path` (relative to the account, already encoded) with `query` (name -> value).
    http_response get(const std::string& path, const std::map<std::string, std::string>& query) {
        http_response r;
        for (unsigned attempt = 1; attempt <= std::max(1u, options_.attempts); ++attempt) {
            r = once(path, query);
            const bool retry = !r.error.empty() || r.status == 429 || r.status >= 500;
            // No wait after the last attempt: it would only delay the failure. The doubling
            // stops at 12.8 s (and cannot overflow however many attempts are asked for).
            if (!retry || attempt == std::max(1u, options_.attempts)) return r;
            std::this_thread::sleep_for(std::chrono::milliseconds(200) * (1u << std::min(attempt - 1, 6u)));
        }
        return r;
    }

  private:
    http_response once(const std::string& path, const std::map<std::string, std::string>& query) {
        http_request request;
        request.url = l_.base + path;
        std::string qs;
        for (const auto& [k, v] : query)
            qs += (qs.empty() ? "" : "&") + k + "=" + encode_query_value(v);
        if (!sas_.empty()) qs += (qs.empty() ? "" : "&") + sas_;
        if (!qs.empty()) request.url += "?" + qs;
        const std::string date = rfc1123_now();
        request.headers.push_back("x-ms-date: " + date);
        request.headers.push_back(std::string("x-ms-version: ") + api_version);
        if (sas_.empty() && !key_.empty()) {
            // Canonicalised resource: /account + the URL path (for path-style endpoints the path
            // starts with the account again), then each query parameter, lower-cased and sorted.
            std::string resource = "/" + l_.account + (l_.path_style ? "/" + l_.account : "") + path;
            for (const auto& [k, v] : query)
                resource += "\n" + k + ":" + v;
            const std::string to_sign = "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:" + date +
                                        "\nx-ms-version:" + api_version + "\n" + resource;
            request.headers.push_back("Authorization: SharedKey " + l_.account + ":" +
                                      base64_encode(hmac_sha256(key_, to_sign)));
        }
        request.timeout = std::chrono::milliseconds(0); // a large blob may take long; a stalled one may not
        request.stall_timeout = std::chrono::seconds(60);
        return http_.perform(request);
    }

    location l_;
    const blob_options& options_;
    std::string key_, sas_;
    http_client http_;
};

/// The `<Code>` of an Azure Storage error body, for messages.
std::string error_code(const std::string& body) {
    const auto a = body.find("<Code>"), b = body.find("</Code>");
    return a != std::string::npos && b != std::string::npos && b > a ? body.substr(a + 6, b - a - 6)
                                                                     : std::string();
}

bool is_export_blob(std::string_view name) {
    return has_event_extension(name, false);
}

} // namespace

listing parse_listing(const std::string& xml) {
    listing out;
    xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "list.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == nullptr) return out;
    const xmlNode* root = xmlDocGetRootElement(doc);
    for (xmlNode* n = root ? root->children : nullptr; n != nullptr; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        const std::string name = reinterpret_cast<const char*>(n->name);
        if (name == "NextMarker") {
            xmlChar* c = xmlNodeGetContent(n);
            out.next_marker = c ? reinterpret_cast<const char*>(c) : "";
            xmlFree(c);
        } else if (name == "Blobs") {
            for (xmlNode* b = n->children; b != nullptr; b = b->next)
                for (xmlNode* f = b->children; f != nullptr; f = f->next)
                    if (f->type == XML_ELEMENT_NODE &&
                        std::string(reinterpret_cast<const char*>(f->name)) == "Name") {
                        xmlChar* c = xmlNodeGetContent(f);
                        out.names.emplace_back(c ? reinterpret_cast<const char*>(c) : "");
                        xmlFree(c);
                    }
        }
    }
    xmlFreeDoc(doc);
    return out;
}

bool is_blob_url(const std::string& input) {
    return input.rfind("https://", 0) == 0 || input.rfind("http://", 0) == 0;
}

void read_blob_exports(const std::string& url, const blob_options& options, event_sink& sink,
                       diagnostics& diag, read_stats& stats, const read_options& read) {
    const auto l = parse(url);
    if (!l) {
        diag.report(problem_kind::missing_file, "<blob URL>", 0, "",
                    "expected https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX] or "
                    "http://HOST:PORT/ACCOUNT/CONTAINER[/PREFIX]");
        return;
    }
    blob_client client(*l, options);
    if (!client.authorised()) {
        diag.report(problem_kind::unreadable_file, l->shown, 0, "",
                    "no credentials: set AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY or "
                    "AZURE_STORAGE_SAS_TOKEN, or add a SAS token to the URL");
        return;
    }
    std::vector<std::string> blobs;
    std::string marker;
    // A server that hands out a marker it gave before would have us list forever.
    std::set<std::string> markers_seen;
    do {
        std::map<std::string, std::string> query{
            {"comp", "list"},
            {"restype", "container"},
            {"maxresults", std::to_string(std::max(1u, options.page_size))}};
        if (!l->prefix.empty()) query["prefix"] = l->prefix;
        if (!marker.empty()) query["marker"] = marker;
        const http_response r = client.get("/" + l->container, query);
        if (!r.error.empty() || r.status != 200) {
            diag.report(problem_kind::unreadable_file, l->shown, 0, "",
                        r.error.empty()
                            ? fmt::format("cannot list blobs: HTTP {} {}", r.status, error_code(r.body))
                            : "cannot list blobs: " + r.error);
            return;
        }
        listing page = parse_listing(r.body);
        for (auto& n : page.names)
            if (is_export_blob(n)) blobs.push_back(std::move(n));
        marker = page.next_marker;
        if (!marker.empty() && !markers_seen.insert(marker).second) {
            diag.report(problem_kind::unreadable_file, l->shown, 0, "",
                        fmt::format("the blob listing repeats a NextMarker after {} pages; listing stopped, "
                                    "the blobs listed so far are read",
                                    markers_seen.size() + 1));
            break;
        }
    } while (!marker.empty());
    std::sort(blobs.begin(), blobs.end());                             // y=/m=/d=/h=/m= order is time order
    blobs.erase(std::unique(blobs.begin(), blobs.end()), blobs.end()); // a repeated page lists them again
    for (const std::string& name : blobs) {
        if (masq::export_folder_outside(name, read.window)) {
            ++stats.pruned_files;
            continue;
        }
        const http_response r = client.get("/" + l->container + "/" + encode_path(name), {});
        const std::string shown = l->base + "/" + l->container + "/" + name;
        if (!r.error.empty() || r.status != 200) {
            diag.report(problem_kind::unreadable_file, shown, 0, "",
                        r.error.empty()
                            ? fmt::format("cannot read blob: HTTP {} {}", r.status, error_code(r.body))
                            : "cannot read blob: " + r.error);
            continue;
        }
        // Exports are plain JSON lines; copies people make of them are often gzip or zstd.
        std::string plain;
        const bool compressed = buffer_compression(r.body) != compression::none;
        const bool damaged =
            compressed && !decompress_or_report(r.body, plain, read.max_expansion, diag, shown, "lines");
        const std::string_view text = compressed ? std::string_view(plain) : std::string_view(r.body);
        ++stats.files;
        stats.bytes += text.size();
        const parser_context context{shown, sink, diag, stats, read.window, nullptr, &read.fields};
        const std::unique_ptr<line_parser> parser = make_line_parser(read.format, context);
        // A truncated stream's partial last line is not parsed (as for files on disk).
        const std::string_view whole = damaged ? text.substr(0, text.rfind('\n') + 1) : text;
        for_each_line_in_buffer(
            whole, [&](const padded_line& line) { parser->parse(line); }, &diag, shown,
            read.max_record_bytes);
    }
}

} // namespace masq::detail
