// CVSS base scores from vectors.
//
// v3.0 and v3.1: FIRST "CVSS v3.1 Specification Document", section 7 (formulas) and Appendix A
// (Roundup). The two versions share weights and formulas; they differ only in Roundup: 3.0 rounds
// up naively (ceil(x * 10) / 10, which turns 4.000000000000001 into 4.1), 3.1 works in integers
// of 1/100000 to avoid that floating-point artefact.
// v2: FIRST "CVSS v2 Complete Documentation", section 3.2.1 (base equation), rounded to one
// decimal.
// Temporal and environmental metrics in a vector are accepted and ignored: this is the base score.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <string_view>

#include "base/strings.h"
#include "vulndb/model.h"

namespace hullscan::vulndb {
namespace {

// "K:V/K:V/…" into a map; false on an empty or malformed component or a repeated metric.
bool ParseMetrics(std::string_view body, std::map<std::string, std::string, std::less<>>& out) {
  if (body.empty()) return false;
  for (std::string_view part : Split(body, '/')) {
    size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size()) return false;
    auto [it, inserted] = out.emplace(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1)));
    if (!inserted) return false;
  }
  return true;
}

// Looks `key` up in the metrics and its value in `table`; false when either is missing.
template <size_t N>
bool Weight(const std::map<std::string, std::string, std::less<>>& metrics, std::string_view key,
            const std::pair<std::string_view, double> (&table)[N], double& out) {
  auto it = metrics.find(key);
  if (it == metrics.end()) return false;
  for (const auto& [value, weight] : table) {
    if (it->second == value) {
      out = weight;
      return true;
    }
  }
  return false;
}

// CVSS v3.1 Appendix A.
double RoundupV31(double input) {
  auto int_input = static_cast<long long>(std::llround(input * 100000.0));
  if (int_input % 10000 == 0) return static_cast<double>(int_input) / 100000.0;
  return (std::floor(static_cast<double>(int_input) / 10000.0) + 1.0) / 10.0;
}

// CVSS v3.0 section 8.4: "the smallest number, specified to one decimal place, that is equal to
// or higher than its input".
double RoundupV30(double input) { return std::ceil(input * 10.0) / 10.0; }

double ScoreV3(std::string_view body, bool v31) {
  std::map<std::string, std::string, std::less<>> m;
  if (!ParseMetrics(body, m)) return 0;
  static constexpr std::pair<std::string_view, double> kAv[] = {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}};
  static constexpr std::pair<std::string_view, double> kAc[] = {{"L", 0.77}, {"H", 0.44}};
  static constexpr std::pair<std::string_view, double> kPrUnchanged[] = {{"N", 0.85}, {"L", 0.62}, {"H", 0.27}};
  static constexpr std::pair<std::string_view, double> kPrChanged[] = {{"N", 0.85}, {"L", 0.68}, {"H", 0.5}};
  static constexpr std::pair<std::string_view, double> kUi[] = {{"N", 0.85}, {"R", 0.62}};
  static constexpr std::pair<std::string_view, double> kCia[] = {{"H", 0.56}, {"L", 0.22}, {"N", 0}};
  static constexpr std::pair<std::string_view, double> kScope[] = {{"U", 0}, {"C", 1}};
  double av, ac, pr, ui, c, i, a, scope;
  if (!Weight(m, "S", kScope, scope)) return 0;
  bool changed = scope == 1;
  bool ok = Weight(m, "AV", kAv, av) && Weight(m, "AC", kAc, ac) &&
            (changed ? Weight(m, "PR", kPrChanged, pr) : Weight(m, "PR", kPrUnchanged, pr)) &&
            Weight(m, "UI", kUi, ui) && Weight(m, "C", kCia, c) && Weight(m, "I", kCia, i) && Weight(m, "A", kCia, a);
  if (!ok) return 0;
  double iss = 1 - (1 - c) * (1 - i) * (1 - a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
  return v31 ? RoundupV31(raw) : RoundupV30(raw);
}

double ScoreV2(std::string_view body) {
  // Some feeds wrap v2 vectors in parentheses: "(AV:N/AC:L/Au:N/C:P/I:P/A:P)".
  if (body.size() >= 2 && body.front() == '(' && body.back() == ')') body = body.substr(1, body.size() - 2);
  std::map<std::string, std::string, std::less<>> m;
  if (!ParseMetrics(body, m)) return 0;
  static constexpr std::pair<std::string_view, double> kAv[] = {{"L", 0.395}, {"A", 0.646}, {"N", 1.0}};
  static constexpr std::pair<std::string_view, double> kAc[] = {{"H", 0.35}, {"M", 0.61}, {"L", 0.71}};
  static constexpr std::pair<std::string_view, double> kAu[] = {{"M", 0.45}, {"S", 0.56}, {"N", 0.704}};
  static constexpr std::pair<std::string_view, double> kCia[] = {{"N", 0}, {"P", 0.275}, {"C", 0.660}};
  double av, ac, au, c, i, a;
  bool ok = Weight(m, "AV", kAv, av) && Weight(m, "AC", kAc, ac) && Weight(m, "Au", kAu, au) &&
            Weight(m, "C", kCia, c) && Weight(m, "I", kCia, i) && Weight(m, "A", kCia, a);
  if (!ok) return 0;
  double impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  double exploitability = 20 * av * ac * au;
  double f = impact == 0 ? 0 : 1.176;
  double raw = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
  // Round half up to one decimal; the epsilon absorbs binary artefacts such as 4.2499999999.
  double score = std::floor(raw * 10.0 + 0.5 + 1e-9) / 10.0;
  return score < 0 ? 0 : score;
}

}  // namespace

double CvssBaseScore(std::string_view vector) {
  vector = TrimSpace(vector);
  if (StartsWith(vector, "CVSS:3.1/")) return ScoreV3(vector.substr(9), /*v31=*/true);
  if (StartsWith(vector, "CVSS:3.0/")) return ScoreV3(vector.substr(9), /*v31=*/false);
  if (StartsWith(vector, "CVSS:")) return 0;  // 4.0 and unknown versions: not computed here
  if (StartsWith(vector, "AV:") || StartsWith(vector, "(AV:")) return ScoreV2(vector);
  return 0;
}

}  // namespace hullscan::vulndb
