// Findings as SARIF 2.1.0 (report_format=sarif), the format CI systems
// read (GitHub code scanning, GitLab, Azure DevOps): one log per process,
// one run, one rule per report kind, one result per finding.
//
// What a result holds (all of the text report, nothing dropped):
//  - ruleId/ruleIndex, level, message (the text report's first lines);
//  - locations: the first user frame (the SUMMARY's);
//  - codeFlows[0].threadFlows: one per access (races), per goroutine
//    (deadlocks, leaks) or per acquisition (lock-order inversions), each
//    the whole stack, outermost frame first as SARIF orders execution;
//  - relatedLocations: where goroutines were created, where a heap block
//    was allocated, where a lock was taken earlier;
//  - partialFingerprints["chansan/v1"]: a hash of the kind and the user
//    frames (file, function, line), free of addresses and goroutine ids,
//    so one finding keeps its identity across runs.
//
// Invariants:
//  - sarif_log() is a complete, valid document for any list of results
//    (zero included), and is exactly sarif_log_head(), the results joined
//    by ',', then kSarifLogTail: a log file grows by writing ",<result>"
//    and the tail over the old tail, so after each finding the file is
//    whole, at the cost of that finding alone.
//  - Paths under the source root (strip_path_prefix if absolute, else the
//    working directory) are relative URIs against %SRCROOT%; others are
//    absolute file:// URIs.
#pragma once

#include <string>
#include <vector>

#include "report.hpp"

namespace chansan {

std::string sarif_result(const RaceReport& r);
std::string sarif_result(const BlockingReport& r);
std::string sarif_result(const LockOrderReport& r);

// The whole log around `results` (each a JSON object from sarif_result).
std::string sarif_log(const std::vector<std::string>& results);
// The log up to its first result, and what closes it after the last.
std::string sarif_log_head();
inline constexpr char kSarifLogTail[] = "]}]}\n";

// The stable identity of a finding (partialFingerprints), exposed for tests.
std::string sarif_fingerprint(const std::string& kind, const std::vector<const std::vector<Frame>*>& stacks);

}  // namespace chansan
