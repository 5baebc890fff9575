// OSV range evaluation on real records from /work/shared/vulndata. Expectations come from the records themselves:
// an OSV record's `versions` list is the expansion of its ranges (so every listed version must evaluate as
// affected), `introduced` / `last_affected` versions are affected, `fixed` versions are not.
#include "version/osv_range.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "testing/testdata.h"
#include "vectors.h"

namespace hullscan::version {
namespace {

using osv::Affected;
using osv::Event;
using osv::RangeType;

std::filesystem::path VulnData() { return hullscan::testing::SharedDir() / "vulndata"; }

RangeType TypeOf(const std::string& t) {
  if (t == "SEMVER") return RangeType::kSemver;
  if (t == "GIT") return RangeType::kGit;
  return RangeType::kEcosystem;
}

bool KindOf(const std::string& key, Event::Kind* kind) {
  if (key == "introduced") *kind = Event::Kind::kIntroduced;
  else if (key == "fixed") *kind = Event::Kind::kFixed;
  else if (key == "last_affected") *kind = Event::Kind::kLastAffected;
  else if (key == "limit") *kind = Event::Kind::kLimit;
  else return false;
  return true;
}

std::vector<Affected> FromJson(const nlohmann::json& record) {
  std::vector<Affected> out;
  for (const auto& a : record["affected"]) {
    Affected aff;
    for (const auto& r : a.value("ranges", nlohmann::json::array())) {
      osv::Range range;
      range.type = TypeOf(r["type"].get<std::string>());
      for (const auto& e : r["events"]) {
        for (const auto& [key, value] : e.items()) {
          Event ev;
          if (KindOf(key, &ev.kind)) {
            ev.version = value.get<std::string>();
            range.events.push_back(ev);
          }
        }
      }
      aff.ranges.push_back(std::move(range));
    }
    for (const auto& v : a.value("versions", nlohmann::json::array())) aff.versions.push_back(v.get<std::string>());
    out.push_back(std::move(aff));
  }
  return out;
}

std::string Unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

// The PyPA advisory database stores OSV as YAML; this reads the `affected:` block of those files (block style,
// two-space indentation, as every file there is written), which is all this test needs.
std::vector<Affected> FromPypaYaml(const std::string& text) {
  std::vector<Affected> out;
  std::istringstream in(text);
  std::string line;
  bool in_affected = false;
  enum { kNone, kRanges, kEvents, kVersions, kOther } mode = kNone;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] != ' ' && line[0] != '-') {
      in_affected = line == "affected:";
      continue;
    }
    if (!in_affected) continue;
    size_t indent = line.find_first_not_of(' ');
    std::string body = line.substr(indent);
    if (indent == 0 && body.rfind("- ", 0) == 0) {
      out.emplace_back();
      mode = kOther;
      continue;
    }
    if (out.empty()) continue;
    Affected& aff = out.back();
    if (indent == 2) {
      if (body == "ranges:") mode = kRanges;
      else if (body == "versions:") mode = kVersions;
      else if (body.rfind("- ", 0) == 0 && mode == kVersions) aff.versions.push_back(Unquote(body.substr(2)));
      else if (body.rfind("- type: ", 0) == 0 && (mode == kRanges || mode == kEvents)) {
        aff.ranges.emplace_back();
        aff.ranges.back().type = TypeOf(Unquote(body.substr(8)));
        mode = kRanges;
      } else {
        mode = kOther;
      }
      continue;
    }
    if (indent == 4 && body == "events:" && mode == kRanges) {
      mode = kEvents;
      continue;
    }
    if (indent == 4 && mode == kEvents && body.rfind("- ", 0) == 0) {
      size_t colon = body.find(": ");
      Event ev;
      if (colon != std::string::npos && KindOf(body.substr(2, colon - 2), &ev.kind)) {
        ev.version = Unquote(body.substr(colon + 2));
        aff.ranges.back().events.push_back(ev);
      }
    }
  }
  return out;
}

std::string ReadVulnFile(const std::string& rel) { return hullscan::testing::ReadFileOrFail(VulnData() / rel); }

// The checks every record supports.
void CheckRecordBoundaries(const Scheme& scheme, const std::vector<Affected>& affected, const std::string& where,
                           int* checks) {
  ASSERT_FALSE(affected.empty()) << where;
  for (const Affected& a : affected) {
    for (const std::string& v : a.versions) {
      SCOPED_TRACE(where + " listed version " + v);
      Affected ranges_only{a.ranges, {}};
      auto r = osv::IsAffected(scheme, v, ranges_only);
      ASSERT_TRUE(r.ok()) << r.error().message();
      EXPECT_TRUE(*r) << "a listed version must be inside the ranges";
      ++*checks;
    }
    for (const osv::Range& range : a.ranges) {
      if (range.type == RangeType::kGit) continue;
      const Scheme& s = range.type == RangeType::kSemver ? *FindScheme("semver") : scheme;
      for (const Event& e : range.events) {
        if (e.kind == Event::Kind::kLimit || (e.kind == Event::Kind::kIntroduced && e.version == "0")) continue;
        SCOPED_TRACE(where + " event version " + e.version);
        auto r = osv::IsAffected(s, e.version, a);
        ASSERT_TRUE(r.ok()) << r.error().message();
        EXPECT_EQ(*r, e.kind != Event::Kind::kFixed);
        ++*checks;
      }
    }
  }
}

TEST(OsvRange, PypiRecord_PYSEC_2018_60_AnsibleUnsortedEventsAndVersionsList) {
  const std::string file = "osv-pypi/vulns/ansible/PYSEC-2018-60.yaml";
  auto affected = FromPypaYaml(ReadVulnFile(file));
  ASSERT_EQ(affected.size(), 1u);
  ASSERT_GE(affected[0].versions.size(), 100u);
  ASSERT_EQ(affected[0].ranges[0].events.size(), 8u);  // introduced 2.7.0 comes before introduced 0 in the file
  int checks = 0;
  CheckRecordBoundaries(*FindScheme("pep440"), affected, file, &checks);
  EXPECT_GT(checks, 100);
}

TEST(OsvRange, PypiRecord_PYSEC_2021_335_AccessControlGitAndEcosystemRanges) {
  const std::string file = "osv-pypi/vulns/accesscontrol/PYSEC-2021-335.yaml";
  auto affected = FromPypaYaml(ReadVulnFile(file));
  ASSERT_EQ(affected.size(), 1u);
  ASSERT_EQ(affected[0].ranges.size(), 2u);
  EXPECT_EQ(affected[0].ranges[0].type, RangeType::kGit);
  int checks = 0;
  CheckRecordBoundaries(*FindScheme("pep440"), affected, file, &checks);
  EXPECT_GE(checks, 9);
}

TEST(OsvRange, PypiRecord_PYSEC_2022_42969_PyLastAffected) {
  const std::string file = "osv-pypi/vulns/py/PYSEC-2022-42969.yaml";
  auto affected = FromPypaYaml(ReadVulnFile(file));
  ASSERT_EQ(affected.size(), 1u);
  bool has_last_affected = false;
  for (const Event& e : affected[0].ranges[0].events) has_last_affected |= e.kind == Event::Kind::kLastAffected;
  ASSERT_TRUE(has_last_affected);
  int checks = 0;
  CheckRecordBoundaries(*FindScheme("pep440"), affected, file, &checks);
  EXPECT_GT(checks, 20);
  // Versions after last_affected are not affected by the range (the record lists none above it).
  Affected ranges_only{affected[0].ranges, {}};
  EXPECT_FALSE(*osv::IsAffected(*FindScheme("pep440"), "1.11.1", ranges_only));
}

TEST(OsvRange, GoRecord_GO_2022_0354_CriOFiveSemverRanges) {
  const std::string file = "osv-go/data/osv/GO-2022-0354.json";
  auto record = nlohmann::json::parse(ReadVulnFile(file), nullptr, false);
  ASSERT_FALSE(record.is_discarded());
  auto affected = FromJson(record);
  ASSERT_EQ(affected[0].ranges[0].type, RangeType::kSemver);
  int checks = 0;
  CheckRecordBoundaries(*FindScheme("go"), affected, file, &checks);
  EXPECT_EQ(checks, 10);
  // An installed Go module version carries the "v" prefix the OSV data leaves out.
  EXPECT_TRUE(*osv::IsAffected(*FindScheme("go"), "v1.20.6", affected[0]));
  EXPECT_FALSE(*osv::IsAffected(*FindScheme("go"), "v1.20.7", affected[0]));
  EXPECT_FALSE(*osv::IsAffected(*FindScheme("go"), "v1.18.9", affected[0]));
}

TEST(OsvRange, GoRecords_AllOfVulndbEvaluate) {
  // Every Go record's event versions are valid SemVer and evaluate without error at their own boundaries.
  int files = 0, checks = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VulnData() / "osv-go/data/osv")) {
    if (entry.path().extension() != ".json") continue;
    if (++files > 400) break;  // a bounded, deterministic-enough sample keeps the test fast
    auto record = nlohmann::json::parse(ReadVulnFile("osv-go/data/osv/" + entry.path().filename().string()), nullptr,
                                        false);
    ASSERT_FALSE(record.is_discarded()) << entry.path();
    if (!record.contains("affected")) continue;
    CheckRecordBoundaries(*FindScheme("go"), FromJson(record), entry.path().filename().string(), &checks);
  }
  EXPECT_GT(checks, 400);
}

TEST(OsvRange, GhsaRecord_GHSA_738q_mc72_2q22_HexLastAffected) {
  const std::string file =
      "samples/ghsa/advisories/github-reviewed/2023/10/GHSA-738q-mc72-2q22/GHSA-738q-mc72-2q22.json";
  auto record = nlohmann::json::parse(ReadVulnFile(file), nullptr, false);
  ASSERT_FALSE(record.is_discarded());
  auto affected = FromJson(record);
  int checks = 0;
  // Hex versions are SemVer 2.0; the semver scheme orders them.
  CheckRecordBoundaries(*FindScheme("semver"), affected, file, &checks);
  EXPECT_EQ(checks, 1);
  EXPECT_FALSE(*osv::IsAffected(*FindScheme("semver"), "0.7.3", affected[0]));
}

// No record in /work/shared/vulndata uses a `limit` event (grep -rl '"limit"' / 'limit:' finds none in OSV data),
// so the limit rule of the schema's pseudocode is checked on a constructed range.
TEST(OsvRange, LimitEventsPerSchemaPseudocode) {
  const Scheme& s = *FindScheme("semver");
  Affected a;
  a.ranges.push_back({RangeType::kSemver,
                      {{Event::Kind::kIntroduced, "1.0.0"}, {Event::Kind::kLimit, "1.5.0"}, {Event::Kind::kLimit, "2.1.0"}}});
  EXPECT_TRUE(*osv::IsAffected(s, "1.2.0", a));
  EXPECT_TRUE(*osv::IsAffected(s, "2.0.0", a));   // below the second limit
  EXPECT_FALSE(*osv::IsAffected(s, "2.1.0", a));  // at or past every limit
  EXPECT_FALSE(*osv::IsAffected(s, "0.9.0", a));
  a.ranges[0].events.push_back({Event::Kind::kLimit, "*"});
  EXPECT_TRUE(*osv::IsAffected(s, "9.0.0", a));
}

TEST(OsvRange, InvalidVersionsAreErrors) {
  Affected a;
  a.ranges.push_back({RangeType::kEcosystem, {{Event::Kind::kIntroduced, "0"}, {Event::Kind::kFixed, "not valid"}}});
  EXPECT_FALSE(osv::IsAffected(*FindScheme("pep440"), "1.0", a).ok());
  a.ranges[0].events[1].version = "2.0";
  EXPECT_FALSE(osv::IsAffected(*FindScheme("pep440"), "bogus", a).ok());
  EXPECT_TRUE(*osv::IsAffected(*FindScheme("pep440"), "1.0", a));
  EXPECT_FALSE(*osv::IsAffected(*FindScheme("pep440"), "2.0", a));
}

}  // namespace
}  // namespace hullscan::version
