// The report module's internal helpers: SPDX licence expressions, image identity (purl-spec "oci"),
// terminal-safe table cells, report references and content UUIDs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "inventory/purl.h"
#include "report/internal/image_identity.h"
#include "report/internal/model.h"
#include "report/internal/spdx_license.h"
#include "report/internal/text_table.h"
#include "report_test_util.h"
#include "testing/testdata.h"

namespace hullscan::report::internal {
namespace {

TEST(SpdxLicenseTest, IdentifiersMatchCaseInsensitively) {
  EXPECT_EQ(CanonicalLicenseId("MIT"), "MIT");
  EXPECT_EQ(CanonicalLicenseId("mit"), "MIT");
  EXPECT_EQ(CanonicalLicenseId("gpl-2.0-OR-later"), "GPL-2.0-or-later");
  EXPECT_EQ(CanonicalLicenseId("0BSD"), "0BSD");
  EXPECT_EQ(CanonicalLicenseId("GPL-2.0+"), "GPL-2.0+");  // deprecated, still on the list
  EXPECT_FALSE(CanonicalLicenseId("GPL-2+"));             // Debian's short name
  EXPECT_FALSE(CanonicalLicenseId("Classpath-exception-2.0")) << "an exception is not a license";
  EXPECT_EQ(CanonicalExceptionId("classpath-exception-2.0"), "Classpath-exception-2.0");
  EXPECT_FALSE(CanonicalLicenseId(""));
}

// Every identifier CycloneDX's schema enumerates is known under its own spelling, so license.id
// never fails the schema for a lookup we accept (and the table is not stale or mis-sorted).
TEST(SpdxLicenseTest, TableCoversTheCycloneDxEnumeration) {
  auto schema = nlohmann::json::parse(
      hullscan::testing::ReadFileOrFail(hullscan::testing::SharedDir() / "schemas/spdx.schema.json"));
  size_t found = 0;
  for (const auto& id : schema["enum"]) {
    std::string s = id.get<std::string>();
    auto as_license = CanonicalLicenseId(s);
    auto as_exception = CanonicalExceptionId(s);
    EXPECT_TRUE(as_license || as_exception) << s;
    if (as_license) {
      EXPECT_EQ(*as_license, s);
    }
    if (as_exception) {
      EXPECT_EQ(*as_exception, s);
    }
    ++found;
  }
  EXPECT_GT(found, 700u);
  EXPECT_EQ(SpdxLicenseListVersion(), "3.28");
}

TEST(SpdxLicenseTest, Expressions) {
  struct Case {
    std::string_view in;
    std::optional<std::string_view> canonical;
    bool plain_id = false;
  };
  const Case cases[] = {
      {"MIT", "MIT", true},
      {"  mit ", "MIT", true},
      {"GPL-2.0+", "GPL-2.0+"},  // on the list itself: a plain id
      {"GPL-2.0-only+", "GPL-2.0-only+"},
      {"MIT AND BSD-2-Clause", "MIT AND BSD-2-Clause"},
      {"mit and bsd-2-clause or isc", "MIT AND BSD-2-Clause OR ISC"},
      {"(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"},
      {"( MIT  OR\tApache-2.0 )", "(MIT OR Apache-2.0)"},
      {"GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"},
      {"LicenseRef-Foo.1", "LicenseRef-Foo.1"},
      {"DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"},
      {"", std::nullopt},
      {"GPL-2+", std::nullopt},
      {"MIT AND", std::nullopt},
      {"AND MIT", std::nullopt},
      {"(MIT", std::nullopt},
      {"MIT)", std::nullopt},
      {"()", std::nullopt},
      {"MIT WITH MIT", std::nullopt},                               // WITH takes an exception id
      {"(MIT OR ISC) WITH Classpath-exception-2.0", std::nullopt},  // and applies to a single license
      {"MIT And ISC", std::nullopt},                                // operators are upper or lower case, not mixed
      {"LicenseRef-", std::nullopt},
      {"LicenseRef-a_b", std::nullopt},
      {"Public Domain", std::nullopt},
      {"ASL 2.0", std::nullopt},
  };
  for (const Case& c : cases) {
    auto parsed = ParseLicenseExpression(c.in);
    ASSERT_EQ(parsed.has_value(), c.canonical.has_value()) << "'" << c.in << "'";
    if (!parsed) continue;
    EXPECT_EQ(parsed->text, *c.canonical);
    EXPECT_EQ(parsed->is_plain_id, c.plain_id) << c.in;
  }
  std::string deep(1000, '(');
  deep += "MIT" + std::string(1000, ')');
  EXPECT_FALSE(ParseLicenseExpression(deep)) << "nesting is bounded";
  std::string shallow = "((((MIT))))";
  EXPECT_TRUE(ParseLicenseExpression(shallow));
}

TEST(SpdxLicenseTest, DeclaredLicence) {
  using V = std::vector<std::string>;
  EXPECT_EQ(SpdxDeclaredLicense(V{}), std::nullopt);
  EXPECT_EQ(SpdxDeclaredLicense(V{"", " "}), std::nullopt);
  EXPECT_EQ(SpdxDeclaredLicense(V{"MIT"}), "MIT");
  EXPECT_EQ(SpdxDeclaredLicense(V{"MIT", "mit"}), "MIT");
  EXPECT_EQ(SpdxDeclaredLicense(V{"MIT OR ISC", "Zlib"}), "(MIT OR ISC) AND Zlib");
  EXPECT_EQ(SpdxDeclaredLicense(V{"(MIT OR ISC)", "Zlib"}), "(MIT OR ISC) AND Zlib");
  EXPECT_EQ(SpdxDeclaredLicense(V{"MIT", "GPL-2+"}), std::nullopt);
  EXPECT_EQ(SpdxDeclaredLicense(V{"LicenseRef-x"}), std::nullopt);
}

TEST(ImageIdentityTest, RegistryReferences) {
  struct Case {
    std::string_view in;
    std::string_view registry, repository, tag;
  };
  const Case ok[] = {
      {"alpine", "docker.io", "library/alpine", ""},
      {"alpine:3.18", "docker.io", "library/alpine", "3.18"},
      {"docker.io/library/debian:12", "docker.io", "library/debian", "12"},
      {"index.docker.io/bitnami/redis", "docker.io", "bitnami/redis", ""},
      {"docker://ghcr.io/org/team/app:v1.2.3", "ghcr.io", "org/team/app", "v1.2.3"},
      {"localhost:5000/app:dev", "localhost:5000", "app", "dev"},
      {"localhost/app", "localhost", "app", ""},
      {"Registry.Example.com/a.b/c_d/e--f/g__h", "registry.example.com", "a.b/c_d/e--f/g__h", ""},
  };
  for (const Case& c : ok) {
    auto ref = ParseRegistryReference(c.in);
    ASSERT_TRUE(ref.has_value()) << c.in;
    EXPECT_EQ(ref->registry, c.registry) << c.in;
    EXPECT_EQ(ref->repository, c.repository) << c.in;
    EXPECT_EQ(ref->tag, c.tag) << c.in;
  }
  auto pinned = ParseRegistryReference("alpine@sha256:" + std::string(64, 'e'));
  ASSERT_TRUE(pinned);
  EXPECT_EQ(pinned->digest, "sha256:" + std::string(64, 'e'));
  for (std::string_view bad :
       {"", "oci:build/img:latest", "oci-archive:img.tar", "docker-archive:img.tar", "/srv/rootfs", "./img", "Alpine",
        "alpine:", "a//b", "-a", "a..b", "a___b", "host:port/x", "alpine@sha256:zz", "a b"}) {
    EXPECT_FALSE(ParseRegistryReference(bad)) << "'" << bad << "'";
  }
}

TEST(ImageIdentityTest, OciPurl) {
  inventory::Artifact a;
  a.name = "ghcr.io/org/App-Name:1";  // upper case: not a reference; the repo tag names the repository
  a.repo_tags = {"ghcr.io/org/app:1"};
  a.manifest_digest = "sha256:" + std::string(64, '1');
  a.architecture = "arm64";
  ImageIdentity id = IdentifyImage(a);
  EXPECT_EQ(id.purl, "pkg:oci/app@sha256%3A" + std::string(64, '1') + "?arch=arm64&repository_url=ghcr.io%2Forg%2Fapp");
  EXPECT_EQ(id.repo_digest, "ghcr.io/org/app@sha256:" + std::string(64, '1'));

  a.name = "oci:/tmp/build/My.Layout:latest";
  a.repo_tags = {"latest", "3.20.3"};  // an OCI layout's ref.name annotations: tags, not repositories
  a.architecture.clear();
  id = IdentifyImage(a);
  EXPECT_EQ(id.purl_name, "my.layout");
  EXPECT_EQ(id.purl, "pkg:oci/my.layout@sha256%3A" + std::string(64, '1')) << "no repository, no arch";
  EXPECT_TRUE(id.repo_digest.empty());

  a.name = "docker-archive:/images/busybox.tar";
  EXPECT_EQ(IdentifyImage(a).purl_name, "busybox");
  a.manifest_digest.clear();
  EXPECT_TRUE(IdentifyImage(a).purl.empty()) << "nothing to pin without a digest";
  a.kind = inventory::ArtifactKind::kRootfs;
  a.manifest_digest = "sha256:" + std::string(64, '1');
  EXPECT_TRUE(IdentifyImage(a).purl.empty()) << "a rootfs is no OCI artifact";
  a.name = "/srv/My-Rootfs/";
  EXPECT_EQ(IdentifyImage(a).purl_name, "my-rootfs");
  a.name = "";
  EXPECT_EQ(IdentifyImage(a).purl_name, "image");
}

TEST(TextTableTest, TerminalSafety) {
  EXPECT_EQ(TerminalSafe("plain"), "plain");
  EXPECT_EQ(TerminalSafe("\x1b[31mred"), "?[31mred");
  EXPECT_EQ(TerminalSafe("a\tb\nc\rd\x7f"), "a?b?c?d?");
  EXPECT_EQ(TerminalSafe("\xc2\x9b"
                         "2J"),
            "?2J")
      << "C1 CSI";
  EXPECT_EQ(TerminalSafe("x\xe2\x80\xaey"), "x?y") << "RIGHT-TO-LEFT OVERRIDE";
  EXPECT_EQ(TerminalSafe("bad\xff\xfe"), "bad??");
  EXPECT_EQ(TerminalSafe("\xed\xa0\x80"), "???") << "UTF-8-encoded surrogate";
  EXPECT_EQ(TerminalSafe("na\xc3\xafve \xe5\x90\x8d"), "na\xc3\xafve \xe5\x90\x8d");
}

TEST(TextTableTest, WidthsAndAlignment) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("\xc3\xbc"), 1u);                  // ü
  EXPECT_EQ(DisplayWidth("\xe5\x90\x8d\xe5\x89\x8d"), 4u);  // 名前
  EXPECT_EQ(DisplayWidth("e\xcc\x81"), 1u);                 // e + combining acute
  EXPECT_EQ(FitWidth("abcdefghij", 6), "abc...");
  EXPECT_EQ(FitWidth("\xe5\x90\x8d\xe5\x89\x8d\xe5\x90\x8d", 5), "\xe5\x90\x8d...");
  EXPECT_EQ(FitWidth("abc", 3), "abc");

  TextTable t({"NAME", "VERSION", "TYPE"});
  t.AddRow({"\xe5\x90\x8d\xe5\x89\x8d", "1", "deb"});
  t.AddRow({"a", "22", ""});
  EXPECT_EQ(t.Render(false),
            "NAME  VERSION  TYPE\n"
            "\xe5\x90\x8d\xe5\x89\x8d  1        deb\n"
            "a     22\n");
}

TEST(ModelTest, ContentUuidIsStableAndWellFormed) {
  std::regex v8("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (std::string_view s : {"", "a", "hullscan", "\xff"}) {
    std::string u = ContentUuid(s);
    EXPECT_TRUE(std::regex_match(u, v8)) << u;
    EXPECT_EQ(u, ContentUuid(s));
  }
  EXPECT_NE(ContentUuid("a"), ContentUuid("b"));
}

TEST(ModelTest, Utf8Helpers) {
  EXPECT_EQ(ValidUtf8("ok \xc3\xbc"), "ok \xc3\xbc");
  EXPECT_EQ(ValidUtf8("a\xff"
                      "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(ValidUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd") << "overlong '/'";
  EXPECT_EQ(Utf16Length("abc"), 3u);
  EXPECT_EQ(Utf16Length("\xe5\x90\x8d"), 1u);
  EXPECT_EQ(Utf16Length("\xf0\x9f\x98\x80"), 2u);  // U+1F600 is a surrogate pair
}

TEST(ModelTest, RefsAreUniqueAndPurlsFilledIn) {
  inventory::Inventory inv = testing::TrickyInventory();
  inv.packages[0].purl.clear();
  ReportModel model = BuildModel(inv);
  ASSERT_EQ(model.packages.size(), inv.packages.size());
  std::set<std::string> refs = {model.artifact_ref};
  for (const PackageView& v : model.packages) {
    EXPECT_FALSE(v.purl.empty());
    EXPECT_TRUE(refs.insert(v.ref).second) << v.ref;
  }
  EXPECT_EQ(model.packages[0].purl, inventory::MakePurl(inv.packages[0], inv.distro));
  EXPECT_TRUE(model.os_ref.empty()) << "no distro";
}

}  // namespace
}  // namespace hullscan::report::internal
