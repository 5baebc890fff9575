// A Sink that keeps everything in memory, for importer tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vulndb/import.h"

namespace hullscan::vulndb::testing {

class CollectingSink final : public Sink {
 public:
  Status AddAdvisory(Advisory advisory) override {
    advisories.push_back(std::move(advisory));
    return {};
  }
  Status AddKev(KevEntry entry) override {
    kev.push_back(std::move(entry));
    return {};
  }
  Status AddEpss(EpssScore score) override {
    epss.push_back(std::move(score));
    return {};
  }
  void Diagnose(std::string_view file, std::string_view message) override {
    diagnostics.push_back(std::string(file) + ": " + std::string(message));
  }

  // Advisories by id (the last one wins when an id repeats).
  std::map<std::string, const Advisory*> ById() const {
    std::map<std::string, const Advisory*> out;
    for (const Advisory& a : advisories) out[a.id] = &a;
    return out;
  }

  std::vector<Advisory> advisories;
  std::vector<KevEntry> kev;
  std::vector<EpssScore> epss;
  std::vector<std::string> diagnostics;
};

}  // namespace hullscan::vulndb::testing
