#include "version/scheme.h"

#include <gtest/gtest.h>

#include <sstream>

#include "../../apps/cmd_version.h"

namespace hullscan::version {
namespace {

TEST(FindScheme, NamesAndAliases) {
  for (std::string_view name : SchemeNames()) {
    const Scheme* s = FindScheme(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(s->Name(), name);
  }
  EXPECT_EQ(FindScheme("semver"), FindScheme("npm"));
  EXPECT_EQ(FindScheme("pypi"), FindScheme("pep440"));
  EXPECT_EQ(FindScheme("rubygems"), FindScheme("gem"));
  EXPECT_EQ(FindScheme("golang"), FindScheme("go"));
  EXPECT_EQ(FindScheme("DPKG"), FindScheme("dpkg"));
  EXPECT_EQ(FindScheme("nope"), nullptr);
  EXPECT_EQ(FindScheme(""), nullptr);
}

// Invalid input is an error value in every scheme: never a crash, never a silent "equal".
TEST(AllSchemes, InvalidInputIsAnError) {
  const std::string garbage[] = {"", std::string("\0\x01", 2), "\xff\xfe", std::string(5000, '9') + "x", "((((",
                                 "||", "1.0 2.0 3.0 junk!!"};
  for (std::string_view name : SchemeNames()) {
    const Scheme& s = *FindScheme(name);
    SCOPED_TRACE(std::string(name));
    EXPECT_FALSE(s.Validate("").ok() && name != "gem") << "empty version";  // gem: a blank version is "0"
    for (const std::string& g : garbage) {
      auto c = s.Compare(g, g);
      if (c.ok()) {
        EXPECT_EQ(*c, 0);  // whatever a scheme accepts must at least equal itself
      } else {
        EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
        EXPECT_FALSE(c.error().message().empty());
      }
      (void)s.Satisfies("1.0.0", g);
      (void)s.ValidateConstraint(g);
    }
  }
}

TEST(CmdVersion, Compare) {
  std::ostringstream out, err;
  EXPECT_EQ(apps::RunVersionCompare("dpkg", "1.0~rc1", "1.0", out, err), 0);
  EXPECT_EQ(out.str(), "<\n");
  out.str("");
  EXPECT_EQ(apps::RunVersionCompare("pypi", "1.0.0", "1.0", out, err), 0);
  EXPECT_EQ(out.str(), "=\n");
  out.str("");
  EXPECT_EQ(apps::RunVersionCompare("rpm", "2.0", "1.0", out, err), 0);
  EXPECT_EQ(out.str(), ">\n");
  EXPECT_TRUE(err.str().empty());
}

TEST(CmdVersion, Errors) {
  std::ostringstream out, err;
  EXPECT_EQ(apps::RunVersionCompare("npm", "1.2", "1.2.3", out, err), 2);
  EXPECT_NE(err.str().find("invalid version"), std::string::npos) << err.str();
  err.str("");
  EXPECT_EQ(apps::RunVersionCompare("nosuch", "1", "2", out, err), 2);
  EXPECT_NE(err.str().find("unknown version scheme"), std::string::npos);
  err.str("");
  EXPECT_EQ(apps::RunVersionSatisfies("maven", "1.0", "[1.0", out, err), 2);
  EXPECT_NE(err.str().find("invalid constraint"), std::string::npos);
  EXPECT_TRUE(out.str().empty());
}

TEST(CmdVersion, Satisfies) {
  std::ostringstream out, err;
  EXPECT_EQ(apps::RunVersionSatisfies("npm", "1.2.3", "^1.0.0 || ^2.0.0", out, err), 0);
  EXPECT_EQ(apps::RunVersionSatisfies("cargo", "0.3.1", "^0.2", out, err), 0);
  EXPECT_EQ(out.str(), "true\nfalse\n");
}

}  // namespace
}  // namespace hullscan::version
