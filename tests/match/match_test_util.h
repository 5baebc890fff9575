// Shared helpers for the matching tests: build a DB from real feed files once, scan a directory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "inventory/inventory.h"
#include "scan/scanner.h"
#include "source/source.h"
#include "testing/testdata.h"
#include "vulndb/store.h"

namespace hullscan::match::testing {

// Builds a database from the given feed paths (files or directories) into `dir`.
inline std::unique_ptr<vulndb::Store> BuildDb(const std::filesystem::path& dir,
                                              const std::vector<std::filesystem::path>& feeds) {
  auto path = dir / "db.sqlite";
  auto writer = vulndb::StoreWriter::Create(path);
  EXPECT_TRUE(writer.ok());
  if (!writer.ok()) return nullptr;
  for (const auto& feed : feeds) {
    auto files = vulndb::ImportPath(feed, **writer);
    EXPECT_TRUE(files.ok()) << feed << ": " << files.error().message();
    if (!files.ok()) return nullptr;
    for (const auto& f : *files) (*writer)->AddFeed(f);
  }
  EXPECT_TRUE((*writer)->Finish("2024-01-01T00:00:00Z", "test").ok());
  auto store = vulndb::Store::Open(path);
  EXPECT_TRUE(store.ok()) << store.error().message();
  return store.ok() ? std::move(*store) : nullptr;
}

// The inventory of a directory laid out as a root filesystem (the osdb cases are).
inline inventory::Inventory ScanDir(const std::filesystem::path& dir) {
  auto target = source::ParseTarget("dir:" + dir.string());
  EXPECT_TRUE(target.ok());
  auto inv = scan::BuildInventory(*target, {});
  EXPECT_TRUE(inv.ok()) << (inv.ok() ? "" : inv.error().message());
  return inv.ok() ? std::move(*inv) : inventory::Inventory{};
}

}  // namespace hullscan::match::testing
