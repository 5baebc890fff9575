// Format names, timestamps, byte stability, the "json" schema and the "table" layout.
#include "report/report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "report_test_util.h"

namespace hullscan::report {
namespace {

using testing::Render;
using Json = nlohmann::json;

constexpr Format kAllFormats[] = {Format::kTable, Format::kJson, Format::kCycloneDx, Format::kSpdxJson};

TEST(FormatTest, NamesAndAliases) {
  for (Format f : kAllFormats) {
    auto parsed = ParseFormat(FormatName(f));
    ASSERT_TRUE(parsed.ok()) << FormatName(f);
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_EQ(*ParseFormat("cyclonedx-json"), Format::kCycloneDx);
  EXPECT_EQ(*ParseFormat("cdx"), Format::kCycloneDx);
  auto unknown = ParseFormat("xml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message().find("spdx-json"), std::string::npos) << "lists the known names";
  auto tag_value = ParseFormat("spdx");
  ASSERT_FALSE(tag_value.ok());
  EXPECT_NE(tag_value.error().message().find("use spdx-json"), std::string::npos);
}

TEST(TimestampTest, FormatTimestamp) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1704164645), "2024-01-02T03:04:05Z");
  EXPECT_EQ(FormatTimestamp(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(253402300799), "9999-12-31T23:59:59Z");
}

TEST(TimestampTest, ParseSourceDateEpoch) {
  EXPECT_EQ(ParseSourceDateEpoch("0"), 0);
  EXPECT_EQ(ParseSourceDateEpoch("1704164645"), 1704164645);
  EXPECT_EQ(ParseSourceDateEpoch("253402300799"), 253402300799);
  for (std::string_view bad :
       {"", " 1", "1 ", "-1", "+1", "1.5", "1e9", "0x10", "abc", "253402300800", "99999999999999999999999"}) {
    EXPECT_FALSE(ParseSourceDateEpoch(bad).has_value()) << "'" << bad << "'";
  }
}

class SourceDateEpochTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("SOURCE_DATE_EPOCH")) saved_ = old;
  }
  void TearDown() override {
    if (saved_) {
      setenv("SOURCE_DATE_EPOCH", saved_->c_str(), 1);
    } else {
      unsetenv("SOURCE_DATE_EPOCH");
    }
  }
  std::optional<std::string> saved_;
};

TEST_F(SourceDateEpochTest, ReportTimestampHonoursAValidValue) {
  setenv("SOURCE_DATE_EPOCH", "1704164645", 1);
  EXPECT_EQ(ReportTimestamp(), "2024-01-02T03:04:05Z");
}

TEST_F(SourceDateEpochTest, InvalidValueFallsBackToNow) {
  const std::regex rfc3339("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$");
  for (const char* bad : {"yesterday", "-5", "1.5", ""}) {
    setenv("SOURCE_DATE_EPOCH", bad, 1);
    std::string ts = ReportTimestamp();
    EXPECT_TRUE(std::regex_match(ts, rfc3339)) << ts;
    EXPECT_GT(ts, std::string("2024-01-01T00:00:00Z")) << "now, not the epoch";
  }
  unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_TRUE(std::regex_match(ReportTimestamp(), rfc3339));
}

TEST_F(SourceDateEpochTest, EmptyOptionTimestampUsesSourceDateEpoch) {
  setenv("SOURCE_DATE_EPOCH", "86400", 1);
  Options options = testing::TestOptions();
  options.timestamp.clear();
  Json bom = Json::parse(Render(testing::ExampleInventory(), Format::kCycloneDx, options));
  EXPECT_EQ(bom["metadata"]["timestamp"], "1970-01-02T00:00:00Z");
  Json spdx = Json::parse(Render(testing::ExampleInventory(), Format::kSpdxJson, options));
  EXPECT_EQ(spdx["creationInfo"]["created"], "1970-01-02T00:00:00Z");
}

// Two runs over the same inventory, and over an inventory built again from the same data, give the
// same bytes in every format.
TEST(DeterminismTest, ByteIdenticalAcrossRuns) {
  using Builder = inventory::Inventory (*)();
  for (Builder build : {&testing::UbuntuInventory, &testing::AlpineInventory, &testing::TrickyInventory,
                        &testing::RootfsInventory, &testing::EmptyInventory}) {
    inventory::Inventory first = build();
    inventory::Inventory second = build();
    for (Format f : kAllFormats) {
      std::string a = Render(first, f);
      EXPECT_FALSE(a.empty());
      EXPECT_EQ(a, Render(first, f)) << FormatName(f);
      EXPECT_EQ(a, Render(second, f)) << FormatName(f);
    }
  }
}

TEST(WriteInventoryTest, FailedStreamIsAnIoError) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  Status s = WriteInventory(testing::ExampleInventory(), Format::kJson, testing::TestOptions(), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kIo);
}

// Every object key in the json format is snake_case.
void ExpectSnakeCaseKeys(const Json& j, const std::string& where) {
  static const std::regex snake("^[a-z][a-z0-9_]*$");
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      EXPECT_TRUE(std::regex_match(key, snake)) << where << "." << key;
      ExpectSnakeCaseKeys(value, where + "." + key);
    }
  } else if (j.is_array()) {
    for (const Json& v : j) ExpectSnakeCaseKeys(v, where + "[]");
  }
}

TEST(JsonFormatTest, SchemaShape) {
  for (auto build :
       {&testing::UbuntuInventory, &testing::TrickyInventory, &testing::RootfsInventory, &testing::EmptyInventory}) {
    inventory::Inventory inv = build();
    Json doc = Json::parse(Render(inv, Format::kJson));
    ExpectSnakeCaseKeys(doc, "");
    std::vector<std::string> keys;  // in document order: ordered_json keeps it
    const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(Render(inv, Format::kJson));
    for (const auto& [key, value] : ordered.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"schema_version", "tool", "created", "artifact", "distro", "packages",
                                              "findings", "vulnerability_summary", "vulnerability_db", "checks",
                                              "check_summary", "scanners", "diagnostics", "signature"}));
    EXPECT_TRUE(doc["signature"].is_null()) << "no signature gate: null";
    EXPECT_EQ(doc["schema_version"], 1);
    EXPECT_EQ(doc["distro"].is_null(), !inv.distro.has_value());
    ASSERT_EQ(doc["packages"].size(), inv.packages.size());
    EXPECT_EQ(doc["diagnostics"].size(), inv.diagnostics.size());
    EXPECT_EQ(doc["artifact"]["layers"].size(), inv.artifact.layers.size());
    // the package refs are the CycloneDX bom-refs (one identity across formats)
    Json bom = Json::parse(Render(inv, Format::kCycloneDx));
    std::vector<std::string> bom_refs;
    for (const Json& c : bom["components"]) {
      if (c["type"] == "library") bom_refs.push_back(c["bom-ref"]);
    }
    for (size_t i = 0; i < inv.packages.size(); ++i) {
      const Json& p = doc["packages"][i];
      EXPECT_EQ(p["ref"], bom_refs[i]);
      EXPECT_EQ(p["installed_files"].size(), inv.packages[i].installed_files.size());
      EXPECT_EQ(p.size(), 16u) << "every key is always present";
    }
    EXPECT_EQ(doc["artifact"]["ref"], bom["metadata"]["component"]["bom-ref"]);
  }
}

TEST(TableTest, UbuntuLayout) {
  inventory::Inventory inv = testing::UbuntuInventory();
  std::string table = Render(inv, Format::kTable);
  std::istringstream lines(table);
  std::string header, blank, columns;
  std::getline(lines, header);
  std::getline(lines, blank);
  std::getline(lines, columns);
  EXPECT_EQ(header, "image: docker.io/library/ubuntu:18.04  digest: " + inv.artifact.manifest_digest.substr(0, 19) +
                        "  distro: ubuntu 18.04 (bionic)");
  EXPECT_TRUE(blank.empty());
  EXPECT_EQ(columns.substr(0, 4), "NAME");
  EXPECT_NE(columns.find("SOURCE"), std::string::npos);
  EXPECT_NE(columns.find("LAYER"), std::string::npos);
  // columns line up: every row has VERSION where the header has it
  size_t version_col = columns.find("VERSION");
  std::string row;
  size_t rows = 0;
  while (std::getline(lines, row) && !row.empty()) {
    ++rows;
    EXPECT_NE(row[version_col], ' ') << row;
    EXPECT_EQ(row[version_col - 1], ' ') << row;
    EXPECT_EQ(row.back() == ' ', false) << "no trailing blanks: '" << row << "'";
  }
  EXPECT_EQ(rows, inv.packages.size());
  EXPECT_NE(table.find("\nbsdutils "), std::string::npos);
  EXPECT_NE(table.find("util-linux"), std::string::npos) << "source shown where it differs";
  EXPECT_NE(table.find("\n90 packages (deb: 90)\n"), std::string::npos) << table;
  EXPECT_EQ(table.find('\x1b'), std::string::npos) << "no escape codes without color";
  EXPECT_EQ(table.find("Diagnostics"), std::string::npos);
}

TEST(TableTest, UntrustedTextCannotReachTheTerminal) {
  inventory::Inventory inv = testing::TrickyInventory();
  std::string table = Render(inv, Format::kTable);
  EXPECT_EQ(table.find('\x1b'), std::string::npos) << "ESC from a package name or diagnostic leaked";
  EXPECT_EQ(table.find('\x07'), std::string::npos);
  EXPECT_NE(table.find("?[31mred?[0m"), std::string::npos);
  EXPECT_NE(table.find("na\xc3\xafve pkg \xc3\xbc \xe5\x90\x8d\xe5\x89\x8d"), std::string::npos) << "UTF-8 kept";
  EXPECT_NE(table.find("Diagnostics (3):"), std::string::npos);
  EXPECT_NE(table.find("terminal ?]0;owned? title and?newline"), std::string::npos) << table;
  EXPECT_NE(table.find("15 packages (deb: 9, apk: 4, rpm: 2)"), std::string::npos) << table;
  EXPECT_NE(table.find("postgresql-common (200+deb10u5)"), std::string::npos);
  EXPECT_EQ(table.find("NAME"), table.find("\nNAME") + 1);
  EXPECT_NE(table.find("ARCH"), std::string::npos) << "libc6 is installed for amd64 and i386";
  EXPECT_EQ(Render(testing::UbuntuInventory(), Format::kTable).find("ARCH"), std::string::npos);
  EXPECT_EQ(table.find(std::string(100, 'n')), std::string::npos) << "very long cells are cut";

  Options color = testing::TestOptions();
  color.color = true;
  std::string colored = Render(inv, Format::kTable, color);
  EXPECT_NE(colored.find("\x1b[1mNAME"), std::string::npos);
}

TEST(TableTest, EmptyAndRootfs) {
  std::string empty = Render(testing::EmptyInventory(), Format::kTable);
  EXPECT_NE(empty.find("distro: unknown"), std::string::npos);
  EXPECT_NE(empty.find("No packages found."), std::string::npos);
  std::string rootfs = Render(testing::RootfsInventory(), Format::kTable);
  EXPECT_EQ(rootfs.rfind("rootfs: /srv/rootfs  distro: debian 12.5 (bookworm)\n", 0), 0u) << rootfs;
  EXPECT_EQ(rootfs.find("LAYER"), std::string::npos) << "no layer column without layers";
  EXPECT_NE(rootfs.find("\n1 package (deb: 1)\n"), std::string::npos) << rootfs;
}

}  // namespace
}  // namespace hullscan::report
