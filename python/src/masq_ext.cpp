// SPDX-License-Identifier: MIT
/// The `masq._core` extension: the C++ core behind the Python package. Python code (masq/__init__.py,
/// masq/spark.py) decides what to read; everything that decides a finding happens here.

#include "masq/allow_list.h"
#include "masq/arrow_stream.h"
#include "masq/detect.h"
#include "masq/detect/detectors.h"
#include "masq/diagnostics.h"
#include "masq/html_report.h"
#include "masq/match/similarity.h"
#include "masq/partial_profile.h"
#include "masq/profile.h"
#include "masq/read.h"
#include "masq/schema.h"
#include "masq/sentinel.h"
#include "masq/synth.h"
#include "masq/util/text.h"
#include "masq/util/timestamp.h"
#include "masq/util/unicode.h"
#include "masq/write.h"

#include <chrono>
#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>
#include <sstream>

namespace nb = nanobind;
using namespace nb::literals;

namespace {

/// detect_options from the Python arguments, checked by the library's own rules (the CLI's).
masq::detect_options make_options(const std::string& mode, double frequent, double infrequent,
                                  double similarity, const std::string& detectors, bool with_allow) {
    masq::detect_options options;
    const auto m = masq::parse_detect_mode(mode);
    if (!m) throw std::invalid_argument("mode must be 'full' or 'seed', not '" + mode + "'");
    options.mode = *m;
    options.thresholds.frequent = frequent;
    options.thresholds.infrequent = infrequent;
    options.similarity_threshold = similarity;
    if (!detectors.empty()) options.detectors = masq::parse_detector_list(options.mode, detectors);
    static const masq::allow_list placeholder;
    if (with_allow) options.allow = &placeholder;
    masq::validate(options);
    options.allow = nullptr;
    return options;
}

/// The findings as the JSON lines `masq detect -f jsonl` writes: the Python package parses them,
/// so a DataFrame has exactly the CLI's fields and values (data/schema/finding.tsv).
std::string findings_jsonl(const std::vector<masq::finding>& findings) {
    std::string out;
    for (const auto& f : findings) {
        masq::write_finding_json(out, f);
        out += '\n';
    }
    return out;
}

/// A schema as a list of dicts (every column of its table).
template <class Field, class Row>
nb::list schema_list(std::span<const Field> fields, Row row) {
    nb::list out;
    for (const Field& f : fields) {
        nb::dict d;
        row(d, f);
        out.append(d);
    }
    return out;
}

nb::list problems(const masq::diagnostics& diag) {
    nb::list out;
    for (const auto& p : diag.kept())
        out.append(p.to_string());
    return out;
}

/// A profile plus what reading it saw; built by one of the read_* calls, then handed to detect().
struct profile_handle {
    masq::process_profile profile;
    masq::diagnostics diag;
    std::uint64_t records = 0, user_events = 0, synthetic_events = 0;
    masq::read_stats stats; ///< of read_files and read_arrow (Spark's aggregates have none)
    bool read_input = false;
    std::optional<std::uint64_t> part_file_; ///< the file of the last `add_part`, and its lines so far
    std::uint64_t part_lines_ = 0;
    profile_handle(bool strict, std::size_t samples) : diag(strict) { profile.set_sample_limit(samples); }

    void read_files(const std::vector<std::string>& inputs, unsigned threads, const std::string& format,
                    bool dedupe, bool name_from_path) {
        masq::read_options read;
        read.name_from_path = name_from_path;
        read.threads = threads;
        read.dedupe = dedupe;
        read.samples = profile.sample_limit();
        const auto f = masq::parse_input_format(format);
        if (!f) throw std::invalid_argument("unknown input format '" + format + "'");
        read.format = *f;
        read.blob = masq::blob_options::from_environment(); // as the CLI: AZURE_STORAGE_*
        masq::read_stats stats;
        nb::gil_scoped_release release;
        const auto files = masq::expand_inputs(inputs, diag, read.window, &stats.pruned_files);
        masq::read_into(files, profile, diag, stats, read);
        records += stats.records;
        user_events = profile.events();
        this->stats.merge(stats);
        read_input = true;
    }

    void read_arrow(nb::object capsule) {
        auto* stream =
            static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream"));
        if (stream == nullptr) throw nb::python_error();
        masq::python::arrow_read_stats stats;
        {
            nb::gil_scoped_release release;
            stats = masq::python::read_arrow_stream(*stream, profile, diag);
        }
        records += stats.rows;
        user_events = profile.events();
        ++this->stats.files; // a table is one input
        this->stats.records += stats.rows;
        this->stats.events += stats.events;
        this->stats.events_without_host += stats.events_without_host;
        this->stats.events_without_time += stats.events_without_time;
        read_input = true;
    }

    /// Events of one name and variant aggregated elsewhere (Spark: a group by lower(Process),
    /// path, parent and original name), as the readers count them: the name's count, per-value
    /// counts and times, and the variant itself. Hosts and samples come separately (they are
    /// fetched for the flagged names only).
    void add_variants(const std::vector<std::optional<std::string>>& names,
                      const std::vector<std::optional<std::string>>& paths,
                      const std::vector<std::optional<std::string>>& parents,
                      const std::vector<std::optional<std::string>>& originals,
                      const std::vector<std::uint64_t>& counts,
                      const std::vector<std::optional<std::int64_t>>& firsts,
                      const std::vector<std::optional<std::int64_t>>& lasts) {
        const std::size_t n = names.size();
        if (paths.size() != n || parents.size() != n || originals.size() != n || counts.size() != n ||
            firsts.size() != n || lasts.size() != n)
            throw std::invalid_argument("add_variants: the columns differ in length");
        for (std::size_t i = 0; i < n; ++i) {
            masq::name_stats s;
            s.count = s.user_count = counts[i];
            masq::variant_stats& v = s.variants[masq::variant_key{paths[i], parents[i], originals[i]}];
            v.count = counts[i];
            if (firsts[i] && lasts[i]) {
                s.first_seen = v.first_seen = *firsts[i];
                s.last_seen = v.last_seen = *lasts[i];
            }
            profile.add_stats(names[i] ? std::optional<std::string_view>(*names[i]) : std::nullopt, s);
        }
        user_events = profile.events();
    }

    /// Host counts of variants already added (no events are added).
    void add_variant_hosts(const std::vector<std::optional<std::string>>& names,
                           const std::vector<std::optional<std::string>>& paths,
                           const std::vector<std::optional<std::string>>& parents,
                           const std::vector<std::optional<std::string>>& originals,
                           const std::vector<std::string>& hosts, const std::vector<std::uint64_t>& counts) {
        const std::size_t n = names.size();
        if (paths.size() != n || parents.size() != n || originals.size() != n || hosts.size() != n ||
            counts.size() != n)
            throw std::invalid_argument("add_variant_hosts: the columns differ in length");
        for (std::size_t i = 0; i < n; ++i) {
            masq::name_stats s;
            s.variants[masq::variant_key{paths[i], parents[i], originals[i]}].hosts[hosts[i]] = counts[i];
            profile.add_stats(names[i] ? std::optional<std::string_view>(*names[i]) : std::nullopt, s);
        }
    }

    /// Sample events of variants already added (no events are added): dicts with the fields of
    /// data/schema/sample.tsv but path, parent and original name, which are the variant columns
    /// beside (time in ticks, `order` their place in the input).
    void add_variant_samples(const std::vector<std::optional<std::string>>& names,
                             const std::vector<std::optional<std::string>>& paths,
                             const std::vector<std::optional<std::string>>& parents,
                             const std::vector<std::optional<std::string>>& originals, nb::list samples) {
        const std::size_t n = names.size();
        if (paths.size() != n || parents.size() != n || originals.size() != n || samples.size() != n)
            throw std::invalid_argument("add_variant_samples: the columns differ in length");
        const auto text = [](const nb::dict& d, const char* key) {
            return d.contains(key) && !d[key].is_none() ? nb::cast<std::string>(d[key]) : std::string();
        };
        const auto number = [](const nb::dict& d, const char* key) -> std::optional<std::uint64_t> {
            if (!d.contains(key) || d[key].is_none()) return std::nullopt;
            return nb::cast<std::uint64_t>(d[key]);
        };
        for (std::size_t i = 0; i < names.size(); ++i) {
            const nb::dict d = nb::cast<nb::dict>(samples[i]);
            // The sample's text is interned by add_stats; these strings hold it until then.
            const std::string host = text(d, "host"), user = text(d, "user"), hashes = text(d, "hashes"),
                              source = text(d, "source"), command_line = text(d, "command_line");
            masq::variant_sample e;
            if (d.contains("time") && !d["time"].is_none()) e.time = nb::cast<std::int64_t>(d["time"]);
            e.host = host;
            e.user = user;
            // path, parent and original name are the variant's key (make_variant_sample)
            e.command_line = command_line;
            e.hashes = hashes;
            e.process_id = number(d, "process_id");
            e.parent_process_id = number(d, "parent_process_id");
            e.source = source;
            e.line = number(d, "line").value_or(0);
            e.record_id = number(d, "record_id");
            e.order = number(d, "order").value_or(0);
            masq::name_stats s;
            s.variants[masq::variant_key{paths[i], parents[i], originals[i]}].samples.push_back(std::move(e));
            profile.add_stats(names[i] ? std::optional<std::string_view>(*names[i]) : std::nullopt, s);
        }
    }

    /// The read tasks of `inputs` for `parallelism` workers, as `read_into` plans them for as many
    /// threads: (file index, path, begin, end, bytes) tuples in input order. Missing inputs are problems
    /// (in strict mode the first raises).
    nb::list plan_files(const std::vector<std::string>& inputs, unsigned parallelism,
                        const std::string& format, std::uint64_t min_range) {
        masq::read_options read;
        read.threads = std::max(1u, parallelism);
        if (min_range > 0) read.min_range = min_range;
        const auto f = masq::parse_input_format(format);
        if (!f) throw std::invalid_argument("unknown input format '" + format + "'");
        read.format = *f;
        std::vector<std::string> files;
        std::vector<masq::read_range> plan;
        {
            nb::gil_scoped_release release;
            masq::read_stats stats;
            files = masq::expand_inputs(inputs, diag, read.window, &stats.pruned_files);
            this->stats.merge(stats);
            plan = masq::plan_reads(files, read);
        }
        nb::list out;
        for (const masq::read_range& r : plan)
            out.append(nb::make_tuple(r.file, files[r.file], r.begin, r.end, r.bytes));
        read_input = true;
        return out;
    }

    /// Adds the bytes of consecutive tasks read elsewhere (`read_parts`), parts in input order:
    /// `file_indexes[i]` is task i's file. A range's lines are numbered after those of the earlier
    /// ranges of its file, as `read_into` numbers them.
    void add_part(const std::vector<std::uint64_t>& file_indexes, nb::bytes data) {
        masq::partial_profile part;
        const std::string why =
            masq::decode_partial(std::string_view(static_cast<const char*>(data.data()), data.size()), part);
        if (!why.empty()) throw std::invalid_argument("not a masq partial profile: " + why);
        if (part.task_lines.size() != file_indexes.size())
            throw std::invalid_argument("add_part: the partial profile has " +
                                        std::to_string(part.task_lines.size()) + " tasks, not " +
                                        std::to_string(file_indexes.size()));
        std::vector<masq::task_place> places;
        for (std::size_t t = 0; t < file_indexes.size(); ++t) {
            if (!part_file_ || *part_file_ != file_indexes[t]) part_lines_ = 0;
            part_file_ = file_indexes[t];
            places.push_back({part_lines_, file_indexes[t]});
            part_lines_ += part.task_lines[t];
        }
        masq::read_stats read;
        {
            nb::gil_scoped_release release;
            masq::add_partial(profile, diag, read, std::move(part), places);
        }
        records += read.records;
        user_events = profile.events();
        stats.merge(read);
        read_input = true;
    }

    std::uint64_t inject_synthetic(std::uint64_t seed) {
        const std::uint64_t n = masq::inject_notebook_synthetic(profile, seed, masq::now());
        synthetic_events += n;
        return n;
    }
};

nb::dict run_detect(const profile_handle& h, const std::string& mode, double frequent, double infrequent,
                    double similarity, std::size_t max_paths, std::size_t max_hosts, unsigned threads,
                    const std::string& allow_file, std::optional<std::uint64_t> total_hosts,
                    const std::string& detectors, std::size_t samples, const std::string& min_level,
                    const std::vector<std::string>& catalog_files) {
    masq::detect_options options =
        make_options(mode, frequent, infrequent, similarity, detectors, !allow_file.empty());
    options.max_paths = max_paths;
    options.max_hosts = max_hosts;
    options.threads = threads;
    options.total_hosts = total_hosts;
    options.samples = samples;
    if (!min_level.empty()) {
        const auto level = masq::parse_level(min_level);
        if (!level)
            throw std::invalid_argument(
                "min_level must be critical, high, medium, low or informational, not '" + min_level + "'");
        options.min_level = *level;
    }
    masq::allow_list allow;
    if (!allow_file.empty()) {
        allow = masq::allow_list::load(allow_file);
        options.allow = &allow;
    }
    std::optional<masq::binary_catalog> catalog;
    if (!catalog_files.empty()) {
        try {
            catalog.emplace(masq::binary_catalog::with_files(catalog_files));
        } catch (const masq::catalog_error& e) {
            throw std::invalid_argument(e.what()); // a ValueError naming file, line and field
        }
        options.catalog = &*catalog;
    }
    masq::detect_result result;
    {
        nb::gil_scoped_release release;
        result = masq::detect(h.profile, options);
    }
    const auto& s = result.summary;
    nb::dict summary;
    summary["distinct_names"] = s.distinct_names;
    summary["frequent"] = s.frequent;
    summary["infrequent"] = s.infrequent;
    summary["pairs_compared"] = s.pairs_compared;
    summary["candidates"] = s.candidates;
    summary["findings"] = s.findings;
    summary["suppressed"] = s.suppressed;
    summary["below_level"] = s.below_level;
    summary["records"] = h.records;
    summary["events"] = h.user_events;
    summary["synthetic_events"] = h.synthetic_events;
    summary["problems"] = h.diag.total();
    nb::dict out;
    out["findings_jsonl"] = findings_jsonl(result.findings);
    out["summary"] = summary;
    out["problems"] = problems(h.diag);
    nb::list warnings; // as the CLI's: input that gives the detectors nothing (masq/read.h)
    if (h.read_input)
        for (const std::string& why : masq::unusable_input(h.stats, h.profile, false))
            warnings.append(why);
    out["warnings"] = warnings;
    // What masq.report shows of the run beside the alerts (html_report.h), kept with the frame.
    masq::report_run run;
    run.files = h.stats.files;
    run.records = h.records;
    run.events = h.user_events;
    run.suppressed = s.suppressed;
    run.below_level = s.below_level;
    run.thresholds = options.thresholds;
    masq::describe_profile(h.profile, run);
    nb::dict report;
    report["mode"] = mode;
    report["files"] = run.files;
    report["records"] = run.records;
    report["events"] = run.events;
    report["suppressed"] = run.suppressed;
    report["below_level"] = run.below_level;
    report["frequent"] = run.thresholds.frequent;
    report["infrequent"] = run.thresholds.infrequent;
    report["distinct_names"] = run.distinct_names;
    report["hosts"] = run.hosts;
    report["first_seen"] = run.first_seen ? nb::cast(*run.first_seen) : nb::none();
    report["last_seen"] = run.last_seen ? nb::cast(*run.last_seen) : nb::none();
    nb::list curve;
    for (const auto& [rank, count] : run.curve)
        curve.append(nb::make_tuple(rank, count));
    report["curve"] = curve;
    out["report_run"] = report;
    return out;
}

/// The HTML report of findings (JSON lines) and the run `masq.detect` described (`report_run`).
std::string html_report(const std::string& jsonl, const nb::dict& r) {
    masq::diagnostics diag(true); // the findings come from masq itself: a bad line is a bug to show
    const auto findings = masq::read_findings_jsonl(jsonl, "<findings>", diag);
    masq::report_run run;
    const auto number = [&](const char* key) -> std::uint64_t {
        return r.contains(key) && !r[key].is_none() ? nb::cast<std::uint64_t>(r[key]) : 0;
    };
    run.mode = r.contains("mode") ? nb::cast<std::string>(r["mode"]) : std::string("full");
    run.generated = masq::format_iso8601(masq::now());
    run.files = number("files");
    run.records = number("records");
    run.events = number("events");
    run.suppressed = number("suppressed");
    run.below_level = number("below_level");
    run.distinct_names = number("distinct_names");
    run.hosts = number("hosts");
    if (r.contains("frequent")) run.thresholds.frequent = nb::cast<double>(r["frequent"]);
    if (r.contains("infrequent")) run.thresholds.infrequent = nb::cast<double>(r["infrequent"]);
    if (r.contains("first_seen") && !r["first_seen"].is_none())
        run.first_seen = nb::cast<masq::timestamp>(r["first_seen"]);
    if (r.contains("last_seen") && !r["last_seen"].is_none())
        run.last_seen = nb::cast<masq::timestamp>(r["last_seen"]);
    if (r.contains("curve"))
        for (nb::handle point : nb::cast<nb::list>(r["curve"])) {
            const auto t = nb::cast<nb::tuple>(point);
            run.curve.emplace_back(nb::cast<double>(t[0]), nb::cast<std::uint64_t>(t[1]));
        }
    std::ostringstream out;
    masq::write_html_report(out, findings, run);
    return out.str();
}

/// Sends findings (JSON lines as `masq detect -f jsonl` writes them) with the C++ Sentinel sink.
/// `config` holds strings; the Python wrapper fills it from arguments and the environment.
nb::dict send_findings(const std::string& jsonl, const std::map<std::string, std::string>& config) {
    const auto get = [&](const char* key, std::string fallback = {}) {
        const auto it = config.find(key);
        return it == config.end() || it->second.empty() ? fallback : it->second;
    };
    masq::diagnostics diag(true); // the findings come from masq itself: a bad line is a bug to show
    const auto findings = masq::read_findings_jsonl(jsonl, "<findings>", diag);
    masq::sentinel_destination d;
    if (get("sink") == "data-collector") {
        d.api = masq::sentinel_api::data_collector;
        d.collector.workspace_id = get("workspace_id");
        d.collector.shared_key = get("shared_key");
        d.collector.log_type = get("log_type", d.collector.log_type);
        d.collector.endpoint = get("data_collector_endpoint");
    } else {
        auto& t = d.ingestion;
        t.endpoint = get("endpoint");
        t.dcr_immutable_id = get("dcr");
        t.stream = get("stream");
        t.credentials.tenant_id = get("tenant_id");
        t.credentials.client_id = get("client_id");
        t.credentials.client_secret = get("client_secret");
        t.credentials.authority_host = get("authority_host");
        t.credentials.scope = get("scope");
    }
    const masq::sentinel_cloud* cloud = masq::find_sentinel_cloud(get("cloud", "public"));
    if (cloud == nullptr) throw std::invalid_argument("cloud must be 'public', 'usgov' or 'china'");
    masq::complete_from_environment(d, *cloud); // the CLI's rules: environment, then the cloud
    masq::delivery_options o;
    o.spool_dir = get("spool", masq::default_spool_dir());
    o.max_batch_bytes = std::stoull(get("max_batch_bytes", "0"));
    o.attempts = static_cast<unsigned>(std::stoul(get("attempts", "6")));
    o.request_timeout =
        std::chrono::milliseconds(static_cast<long long>(std::stod(get("timeout", "30")) * 1000));
    o.gzip = get("gzip", "1") == "1";
    masq::delivery_report r;
    {
        nb::gil_scoped_release release; // network waits must not hold the interpreter
        if (get("resume") == "1") {
            r = masq::resume_spool(d, o);
        } else {
            r = masq::deliver_findings(findings, d,
                                       get("payload") == "seed" ? masq::sentinel_payload::seed
                                                                : masq::sentinel_payload::findings,
                                       get("mode"), o);
        }
    }
    nb::dict out;
    out["records"] = r.records;
    out["delivered"] = r.records_sent;
    out["batches"] = r.batches_sent;
    out["requests"] = r.requests;
    out["retries"] = r.retries;
    out["splits"] = r.splits;
    out["token_requests"] = r.token_requests;
    out["spooled"] = r.records_spooled;
    out["batches_spooled"] = r.batches_spooled;
    out["failed"] = r.records_failed;
    out["errors"] = r.errors;
    return out;
}

} // namespace

NB_MODULE(_core, m) {
    m.doc() = "masq's C++ core (see the masq package for the documented API)";
    nb::exception<masq::input_error>(m, "MasqError", PyExc_ValueError);
    nb::exception<masq::sentinel_config_error>(m, "SentinelConfigError", PyExc_ValueError);

    nb::class_<profile_handle>(m, "Profile")
        .def(nb::init<bool, std::size_t>(), "strict"_a = false, "samples"_a = 3)
        .def("read_files", &profile_handle::read_files, "inputs"_a, "threads"_a = 0, "format"_a = "auto",
             "dedupe"_a = false, "name_from_path"_a = false)
        .def("read_arrow", &profile_handle::read_arrow, "capsule"_a)
        .def("add_variants", &profile_handle::add_variants, "names"_a, "paths"_a, "parents"_a,
             "original_names"_a, "counts"_a, "first_seen"_a, "last_seen"_a)
        .def("add_variant_hosts", &profile_handle::add_variant_hosts, "names"_a, "paths"_a, "parents"_a,
             "original_names"_a, "hosts"_a, "counts"_a)
        .def("add_variant_samples", &profile_handle::add_variant_samples, "names"_a, "paths"_a, "parents"_a,
             "original_names"_a, "samples"_a)
        .def("plan_files", &profile_handle::plan_files, "inputs"_a, "parallelism"_a, "format"_a = "auto",
             "min_range"_a = 0)
        .def("add_part", &profile_handle::add_part, "file_indexes"_a, "data"_a)
        .def("inject_synthetic", &profile_handle::inject_synthetic, "seed"_a)
        .def_prop_ro("distinct_names", [](const profile_handle& h) { return h.profile.distinct_names(); })
        .def_prop_ro("events", [](const profile_handle& h) { return h.profile.events(); })
        .def_prop_ro("problems", [](const profile_handle& h) { return problems(h.diag); });

    m.def("detect", &run_detect, "profile"_a, "mode"_a, "frequent"_a, "infrequent"_a, "similarity"_a,
          "max_paths"_a, "max_hosts"_a, "threads"_a, "allow_file"_a, "total_hosts"_a = nb::none(),
          "detectors"_a = "", "samples"_a = 3, "min_level"_a = "",
          "catalog_files"_a = std::vector<std::string>{});
    m.def(
        "read_parts",
        [](const std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>>& tasks,
           const std::string& format, std::size_t samples, bool name_from_path) {
            // Consecutive tasks of Profile.plan_files (path, begin, end), read where this runs (a
            // Spark executor) into one profile: the bytes of its partial profile
            // (partial_profile.h), never an exception for bad input — the problems travel in the
            // bytes, so the driver reports them in order (and strict mode fails there).
            masq::read_options read;
            const auto f = masq::parse_input_format(format);
            if (!f) throw std::invalid_argument("unknown input format '" + format + "'");
            read.format = *f;
            read.samples = samples;
            read.name_from_path = name_from_path;
            read.blob = masq::blob_options::from_environment();
            std::vector<masq::part_input> inputs;
            for (const auto& [path, begin, end] : tasks)
                inputs.push_back({path, begin, end});
            std::string bytes;
            {
                nb::gil_scoped_release release;
                masq::process_profile profile;
                std::vector<std::uint64_t> lines;
                std::vector<masq::diagnostics> problems;
                masq::read_stats stats;
                masq::read_parts(inputs, profile, lines, problems, stats, read);
                bytes = masq::encode_partial(profile, lines, problems, stats);
            }
            return nb::bytes(bytes.data(), bytes.size());
        },
        "tasks"_a, "format"_a = "auto", "samples"_a = 3, "name_from_path"_a = false);
    m.def("event_columns", [] {
        nb::list columns;
        for (const std::string_view c : masq::python::arrow_columns()) {
            nb::dict d;
            d["name"] = std::string(c);
            d["integer"] = masq::python::arrow_integer_column(c);
            columns.append(d);
        }
        return columns;
    });
    m.def("finding_schema", [] {
        return schema_list(masq::finding_schema(), [](nb::dict& d, const masq::schema_field& f) {
            d["field"] = std::string(f.name);
            d["type"] = std::string(f.type);
            d["key"] = std::string(f.key);
            d["csv"] = f.csv;
            d["sentinel_column"] = std::string(f.sentinel_column);
            d["sentinel_type"] = std::string(f.sentinel_type);
            d["description"] = std::string(f.description);
        });
    });
    m.def("sample_schema", [] {
        return schema_list(masq::sample_schema(), [](nb::dict& d, const masq::sample_field& f) {
            d["field"] = std::string(f.name);
            d["type"] = std::string(f.type);
            d["description"] = std::string(f.description);
        });
    });
    m.def(
        "check_options",
        [](const std::string& mode, double frequent, double infrequent, double similarity,
           const std::string& detectors,
           bool with_allow) { make_options(mode, frequent, infrequent, similarity, detectors, with_allow); },
        "mode"_a, "frequent"_a, "infrequent"_a, "similarity"_a, "detectors"_a, "with_allow"_a);
    m.def(
        "detectors",
        [](const std::string& mode) {
            const auto m = masq::parse_detect_mode(mode);
            if (!m) throw std::invalid_argument("mode must be 'full' or 'seed', not '" + mode + "'");
            nb::list out;
            for (const masq::detector_info& d : masq::detectors_of(*m)) {
                nb::dict row;
                row["id"] = std::string(d.id);
                row["category"] = std::string(masq::to_string(d.category));
                row["technique"] = std::string(d.technique);
                row["summary"] = std::string(d.summary);
                out.append(row);
            }
            return out;
        },
        "mode"_a = "full");

    m.def(
        "similarity",
        [](std::string_view a, std::string_view b) {
            return masq::dl_similarity(masq::decode_utf8(a), masq::decode_utf8(b));
        },
        "a"_a, "b"_a);
    m.def(
        "seed_score",
        [](std::string_view frequent, std::string_view infrequent) {
            const auto c = masq::seed_compare(masq::decode_utf8(frequent), masq::decode_utf8(infrequent));
            return static_cast<double>(masq::to_spark_float(c.similarity));
        },
        "frequent"_a, "infrequent"_a);
    m.def(
        "lower", [](std::string_view s) { return masq::to_lower_full(s); }, "text"_a);

    m.def(
        "synth",
        [](std::uint64_t seed, const std::string& start, const std::string& end) {
            const auto s = masq::parse_iso8601(start), e = masq::parse_iso8601(end);
            if (!s) throw std::invalid_argument("start '" + start + "' is not an ISO-8601 time");
            if (!e) throw std::invalid_argument("end '" + end + "' is not an ISO-8601 time");
            if (*s >= *e) throw std::invalid_argument("start must be before end");
            nb::list out;
            for (const auto& ev : masq::notebook_synthetic_events(seed, *s, *e)) {
                nb::dict d;
                d["TimeGenerated"] = masq::format_iso8601(ev.time);
                d["EventID"] = 4688;
                d["NewProcessName"] = ev.path;
                d["Process"] = ev.process;
                d["malicious"] = ev.malicious;
                out.append(d);
            }
            return out;
        },
        "seed"_a, "start"_a, "end"_a);
    m.def("send", &send_findings, "jsonl"_a, "config"_a);
    m.def("report", &html_report, "jsonl"_a, "run"_a);
    m.def(
        "display_safe", [](const std::string& s) { return masq::display_safe(s); }, "text"_a,
        "text with control, bidi and invisible characters as <U+XXXX>, as the table and CSV show them");
    m.def(
        "parse_time", [](std::string_view s) { return masq::parse_iso8601(s); }, "text"_a);
}
