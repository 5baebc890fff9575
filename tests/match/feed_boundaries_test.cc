// The edges the feeds contain, probed record by record: for every affected entry of the real feeds
// (Go vulndb, PyPA, Alpine secdb, Debian DSA/DLA lists), a package installed at each of the entry's
// own event versions must be reported by that record exactly when the record says so — the
// "introduced" and "last_affected" versions are affected, the "fixed" version is not. This runs
// the matcher's lookups, name normalisation and scheme evaluation over epochs, "~", "+debNuM",
// Alpine "_git"/"_rc"/"_p", PEP 440 pre/post/dev releases, Go pseudo-versions and multi-range records.
#include <gtest/gtest.h>

#include <map>

#include "match/matcher.h"
#include "match_test_util.h"
#include "vulndb/import.h"

namespace hullscan::match {
namespace {

using hullscan::testing::SharedDir;
using hullscan::testing::TempDir;

class Collect final : public vulndb::Sink {
 public:
  Status AddAdvisory(vulndb::Advisory a) override {
    if (!a.withdrawn) advisories.push_back(std::move(a));
    return {};
  }
  Status AddKev(vulndb::KevEntry) override { return {}; }
  Status AddEpss(vulndb::EpssScore) override { return {}; }
  void Diagnose(std::string_view, std::string_view) override {}
  std::vector<vulndb::Advisory> advisories;
};

// The package a matcher would look up under `ecosystem` with this name and version.
std::pair<inventory::Package, std::optional<inventory::Distro>> ProbeFor(const std::string& ecosystem,
                                                                         const std::string& name,
                                                                         const std::string& version) {
  inventory::Package p;
  p.name = name;
  p.version = version;
  std::optional<inventory::Distro> distro;
  auto colon = ecosystem.find(':');
  std::string family = ecosystem.substr(0, colon);
  std::string release = colon == std::string::npos ? "" : ecosystem.substr(colon + 1);
  if (family == "go") p.type = inventory::PackageType::kGolang;
  else if (family == "pypi") p.type = inventory::PackageType::kPypi;
  else if (family == "alpine" || family == "debian") {
    p.type = family == "alpine" ? inventory::PackageType::kApk : inventory::PackageType::kDeb;
    p.source_name = name;
    p.source_version = version;
    inventory::Distro d;
    d.family = family;
    d.version = d.version_id = release == "edge" ? "3.99.0_alpha" : release;
    distro = d;
  }
  return {p, distro};
}

struct Tally {
  size_t skipped = 0;
  size_t probes = 0;
  size_t failures = 0;
};

// Probes every event version of every affected entry of `feed` (at most `max_probes`, spread evenly).
Tally ProbeFeed(const std::vector<std::filesystem::path>& feed, size_t max_probes) {
  Collect all;
  for (const auto& f : feed) EXPECT_TRUE(vulndb::ImportPath(f, all).ok()) << f;
  TempDir dir;
  auto store = testing::BuildDb(dir.path(), feed);
  EXPECT_NE(store, nullptr);
  if (!store) return {};

  struct Probe {
    const vulndb::Advisory* advisory;
    const vulndb::AffectedPackage* entry;
    std::string version;
    bool affected;  // what the record says about that version
  };
  std::vector<Probe> probes;
  // A vulnerability may state one package several times (Go: per import path; Alpine: a CVE under
  // two secfix versions, or in main and community); a "fixed" version of one entry can be inside
  // another's range, and the matcher rightly reports the union. Those fixed probes are ambiguous
  // and left out. Counted across the whole feed: the store merges records of the same id.
  std::map<std::tuple<std::string, std::string, std::string>, int> entries_per_package;
  for (const auto& a : all.advisories)
    for (const auto& entry : a.affected) entries_per_package[{a.id, entry.ecosystem, entry.package}]++;
  for (const auto& a : all.advisories) {
    for (const auto& entry : a.affected) {
      bool several = entries_per_package[{a.id, entry.ecosystem, entry.package}] > 1;
      if (entry.state != vulndb::FixState::kFixed) continue;
      // A version listed twice in one entry (two ranges meeting) is ambiguous for this probe.
      std::map<std::string, int> seen;
      for (const auto& r : entry.affected.ranges)
        for (const auto& e : r.events) seen[e.version]++;
      for (const auto& r : entry.affected.ranges) {
        if (r.type == version::osv::RangeType::kGit) continue;
        for (const auto& e : r.events) {
          if (e.version == "0" || seen[e.version] > 1 || e.kind == version::osv::Event::Kind::kLimit) continue;
          bool affected = e.kind != version::osv::Event::Kind::kFixed;
          if (!affected && several) continue;
          // An explicit versions list may name a "fixed" version too; the list wins (OSV).
          if (!affected && std::find(entry.affected.versions.begin(), entry.affected.versions.end(), e.version) !=
                               entry.affected.versions.end())
            continue;
          probes.push_back({&a, &entry, e.version, affected});
        }
      }
    }
  }
  EXPECT_FALSE(probes.empty());
  Tally tally;
  size_t step = std::max<size_t>(1, probes.size() / max_probes);
  for (size_t i = 0; i < probes.size(); i += step) {
    const Probe& probe = probes[i];
    auto [pkg, distro] = ProbeFor(probe.entry->ecosystem, probe.entry->package, probe.version);
    // Debian before wheezy numbered its releases "3.1", "4.0"…: no container runs them and the
    // matcher does not map them (DistroNamespace keys Debian by major version); skip those.
    if (distro && DistroNamespace(*distro) != probe.entry->ecosystem) {
      ++tally.skipped;
      continue;
    }
    auto result = MatchPackages(*store, {pkg}, distro);
    ++tally.probes;
    if (!result.ok()) {
      ++tally.failures;
      ADD_FAILURE() << result.error().message();
      continue;
    }
    std::string record = probe.entry->record.empty() ? probe.advisory->id : probe.entry->record;
    bool reported = false;
    // The finding for this vulnerability (its id or an alias), from this record (Alpine's record
    // names the secdb file, shared by all its CVEs).
    for (const auto& f : result->findings) {
      bool same = f.id == probe.advisory->id ||
                  std::find(f.aliases.begin(), f.aliases.end(), probe.advisory->id) != f.aliases.end();
      for (const auto& e : f.evidence)
        reported = reported || (same && e.record == record && e.ecosystem == probe.entry->ecosystem);
    }
    if (reported != probe.affected) {
      ++tally.failures;
      if (tally.failures <= 10)
        ADD_FAILURE() << probe.advisory->id << " (" << record << ") " << probe.entry->ecosystem << " " << probe.entry->package
                      << " " << probe.version << ": the record says " << (probe.affected ? "affected" : "fixed")
                      << ", the matcher " << (reported ? "reported it" : "did not");
    }
  }
  return tally;
}

TEST(FeedBoundariesTest, GoVulnerabilityDatabase) {
  // Probe counts are bounded so the ASan/UBSan run stays within minutes (evenly spread samples).
  Tally t = ProbeFeed({SharedDir() / "vulndata/osv-go"}, 1500);
  EXPECT_GT(t.probes, 1000u);
  EXPECT_EQ(t.failures, 0u);
}

TEST(FeedBoundariesTest, PyPA) {
  Tally t = ProbeFeed({SharedDir() / "vulndata/osv-pypi"}, 1000);
  EXPECT_GT(t.probes, 600u);
  EXPECT_EQ(t.failures, 0u);
}

TEST(FeedBoundariesTest, AlpineSecdb) {
  Tally t = ProbeFeed({SharedDir() / "vulndata/alpine-secdb-legacy"}, 4000);
  EXPECT_GT(t.probes, 3000u);
  EXPECT_EQ(t.failures, 0u);
}

TEST(FeedBoundariesTest, DebianDsaAndDlaLists) {
  auto data = SharedDir() / "vulndata/debian-tracker-data-2023-03/data";
  Tally t = ProbeFeed({data / "DSA/list", data / "DLA/list"}, 2000);
  EXPECT_GT(t.probes, 1200u);
  EXPECT_LT(t.skipped, t.probes / 2);
  EXPECT_EQ(t.failures, 0u);
}

}  // namespace
}  // namespace hullscan::match
