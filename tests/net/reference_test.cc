// Image references against Docker's own expectations: the test tables of
// github.com/distribution/reference (the package docker, containerd and the registry use),
// transcribed case by case from
//   reference_test.go  @ ff14fafe2236e51c2894ac07d4bdfc778e96d682  (TestReferenceParse)
//   normalize_test.go  @ 4894124079e525c3c3c5c8aacaa653b5499004e9  (TestValidateReferenceName,
//       TestValidateRemoteName, TestParseRepositoryInfo, TestParseReferenceWithTagAndDigest,
//       TestParseAnyReference, TestNormalizedSplitHostname, TestParseDockerRef)
//   regexp_test.go     @ 00a09fa3799203fc887e667b0d82142ee831939a  (TestDomainRegexp,
//       TestFullNameRegexp, TestReferenceRegexp, TestIdentifierRegexp)
// Differences from those expectations are listed where they occur, each with its reason.
#include "net/reference.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hullscan::net {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kF64(64, 'f');
const std::string kF128(128, 'f');

// The error values of reference.go and go-digest, recognised from our messages.
enum class Err { kNone, kNameEmpty, kInvalidFormat, kUppercase, kTooLong, kDigestLength, kDigestUnsupported };

Err Classify(const Error& e) {
  const std::string& m = e.message();
  if (m.find("must have at least one component") != std::string::npos) return Err::kNameEmpty;
  if (m.find("must be lowercase") != std::string::npos) return Err::kUppercase;
  if (m.find("must not be more than 255 characters") != std::string::npos) return Err::kTooLong;
  if (m.find("invalid checksum digest length") != std::string::npos) return Err::kDigestLength;
  if (m.find("unsupported digest algorithm") != std::string::npos) return Err::kDigestUnsupported;
  if (m.rfind("invalid reference format", 0) == 0) return Err::kInvalidFormat;
  return Err::kNone;  // an error that Docker does not have
}

// reference_test.go TestReferenceParse: reference.Parse, the grammar without normalisation.
struct GrammarCase {
  std::string input;
  Err err = Err::kNone;
  std::string repository;  // Name(): domain "/" path
  std::string domain;
  std::string tag;
  std::string digest;
};

std::vector<GrammarCase> GrammarCases() {
  return {
      {"test_com", Err::kNone, "test_com", "", "", ""},
      {"test.com:tag", Err::kNone, "test.com", "", "tag", ""},
      {"test.com:5000", Err::kNone, "test.com", "", "5000", ""},
      {"test.com/repo:tag", Err::kNone, "test.com/repo", "test.com", "tag", ""},
      {"test:5000/repo", Err::kNone, "test:5000/repo", "test:5000", "", ""},
      {"test:5000/repo:tag", Err::kNone, "test:5000/repo", "test:5000", "tag", ""},
      {"test:5000/repo@sha256:" + kF64, Err::kNone, "test:5000/repo", "test:5000", "", "sha256:" + kF64},
      {"test:5000/repo:tag@sha256:" + kF64, Err::kNone, "test:5000/repo", "test:5000", "tag", "sha256:" + kF64},
      {"test:5000/repo", Err::kNone, "test:5000/repo", "test:5000", "", ""},
      {"", Err::kNameEmpty, "", "", "", ""},
      {":justtag", Err::kInvalidFormat, "", "", "", ""},
      {"@sha256:" + kF64, Err::kInvalidFormat, "", "", "", ""},
      {"repo@sha256:ffffffffffffffffffffffffffffffffff", Err::kDigestLength, "", "", "", ""},
      {"validname@invaliddigest:" + kF64, Err::kDigestUnsupported, "", "", "", ""},
      {"Uppercase:tag", Err::kUppercase, "", "", "", ""},
      // (upstream leaves "Uppercase/lowercase:tag" commented out: "Uppercase" is taken as a domain.)
      {"test:5000/Uppercase/lowercase:tag", Err::kUppercase, "", "", "", ""},
      {"lowercase:Uppercase", Err::kNone, "lowercase", "", "Uppercase", ""},
      {"domain/" + std::string(256, 'a') + ":tag", Err::kTooLong, "", "", "", ""},
      {Repeat("a/", 127) + "a:tag-puts-this-over-max", Err::kNone, Repeat("a/", 127) + "a", "a",
       "tag-puts-this-over-max", ""},
      {"aa/asdf$$^/aa", Err::kInvalidFormat, "", "", "", ""},
      {"sub-dom1.foo.com/bar/baz/quux", Err::kNone, "sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "", ""},
      {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", Err::kNone, "sub-dom1.foo.com/bar/baz/quux",
       "sub-dom1.foo.com", "some-long-tag", ""},
      {"b.gcr.io/test.example.com/my-app:test.example.com", Err::kNone, "b.gcr.io/test.example.com/my-app",
       "b.gcr.io", "test.example.com", ""},
      {"xn--n3h.com/myimage:xn--n3h.com", Err::kNone, "xn--n3h.com/myimage", "xn--n3h.com", "xn--n3h.com", ""},
      {"xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + kF128, Err::kNone, "xn--7o8h.com/myimage", "xn--7o8h.com",
       "xn--7o8h.com", "sha512:" + kF128},
      {"foo_bar.com:8080", Err::kNone, "foo_bar.com", "", "8080", ""},
      {"foo/foo_bar.com:8080", Err::kNone, "foo/foo_bar.com", "foo", "8080", ""},
      {"192.168.1.1", Err::kNone, "192.168.1.1", "", "", ""},
      {"192.168.1.1:tag", Err::kNone, "192.168.1.1", "", "tag", ""},
      {"192.168.1.1:5000", Err::kNone, "192.168.1.1", "", "5000", ""},
      {"192.168.1.1/repo", Err::kNone, "192.168.1.1/repo", "192.168.1.1", "", ""},
      {"192.168.1.1:5000/repo", Err::kNone, "192.168.1.1:5000/repo", "192.168.1.1:5000", "", ""},
      {"192.168.1.1:5000/repo:5050", Err::kNone, "192.168.1.1:5000/repo", "192.168.1.1:5000", "5050", ""},
      {"[2001:db8::1]", Err::kInvalidFormat, "", "", "", ""},
      {"[2001:db8::1]:5000", Err::kInvalidFormat, "", "", "", ""},
      {"[2001:db8::1]:tag", Err::kInvalidFormat, "", "", "", ""},
      {"[2001:db8::1]/repo", Err::kNone, "[2001:db8::1]/repo", "[2001:db8::1]", "", ""},
      {"[2001:db8:1:2:3:4:5:6]/repo:tag", Err::kNone, "[2001:db8:1:2:3:4:5:6]/repo", "[2001:db8:1:2:3:4:5:6]", "tag",
       ""},
      {"[2001:db8::1]:5000/repo", Err::kNone, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "", ""},
      {"[2001:db8::1]:5000/repo:tag", Err::kNone, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "tag", ""},
      {"[2001:db8::1]:5000/repo@sha256:" + kF64, Err::kNone, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "",
       "sha256:" + kF64},
      {"[2001:db8::1]:5000/repo:tag@sha256:" + kF64, Err::kNone, "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000",
       "tag", "sha256:" + kF64},
      {"[2001:db8::]:5000/repo", Err::kNone, "[2001:db8::]:5000/repo", "[2001:db8::]:5000", "", ""},
      {"[::1]:5000/repo", Err::kNone, "[::1]:5000/repo", "[::1]:5000", "", ""},
      {"[fe80::1%eth0]:5000/repo", Err::kInvalidFormat, "", "", "", ""},
      {"[fe80::1%@invalidzone]:5000/repo", Err::kInvalidFormat, "", "", "", ""},
      {"example.com/" + std::string(255, 'a') + ":tag", Err::kNone, "example.com/" + std::string(255, 'a'),
       "example.com", "tag", ""},
  };
}

TEST(ReferenceGrammarTest, DistributionReferenceParseTable) {
  const auto cases = GrammarCases();
  ASSERT_EQ(cases.size(), 47u);
  for (const auto& c : cases) {
    SCOPED_TRACE("input '" + c.input + "'");
    auto ref = Reference::ParseUnnormalized(c.input);
    if (c.err != Err::kNone) {
      ASSERT_FALSE(ref.ok());
      EXPECT_EQ(Classify(ref.error()), c.err) << ref.error().message();
      EXPECT_EQ(ref.error().code(), ErrorCode::kInvalidArgument);
      continue;
    }
    ASSERT_TRUE(ref.ok()) << ref.error().message();
    EXPECT_EQ(ref->ToString(), c.input);  // repo.String() == tc.input
    EXPECT_EQ(ref->registry.empty() ? ref->repository : ref->registry + "/" + ref->repository, c.repository);
    EXPECT_EQ(ref->registry, c.domain);
    EXPECT_EQ(ref->tag, c.tag);
    EXPECT_EQ(ref->digest ? ref->digest->ToString() : "", c.digest);
  }
}

// regexp_test.go TestDomainRegexp: a host[:port] matches DomainRegexp exactly when it is taken as
// the registry of "<it>/x".
TEST(ReferenceGrammarTest, DomainRegexpTable) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"test.com", true}, {"test.com:10304", true}, {"test.com:http", false}, {"localhost", true},
      {"localhost:8080", true}, {"a", true}, {"a.b", true}, {"ab.cd.com", true}, {"a-b.com", true},
      {"-ab.com", false}, {"ab-.com", false}, {"ab.c-om", true}, {"ab.-com", false}, {"ab.com-", false},
      {"0101.com", true}, {"001a.com", true}, {"b.gbc.io:443", true}, {"b.gbc.io", true}, {"xn--n3h.com", true},
      {"Asdf.com", true}, {"192.168.1.1:75050", true}, {"192.168.1.1:750050", true},
      {"[fd00:1:2::3]:75050", true}, {"[fd00:1:2::3]75050", false}, {"[fd00:1:2::3]::75050", false},
      {"[fd00:1:2::3%eth0]:75050", false}, {"[fd00123123123]:75050", true},
      {"[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050", true},
      {"[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505", true}, {"fd00:1:2::3:75050", false},
  };
  for (const auto& [host, match] : cases) {
    auto ref = Reference::ParseUnnormalized(host + "/x");
    EXPECT_EQ(ref.ok() && ref->registry == host, match) << host;
  }
}

// regexp_test.go TestFullNameRegexp (anchoredNameRegexp): a bare name, split into domain and path.
TEST(ReferenceGrammarTest, FullNameRegexpTable) {
  struct Case {
    std::string input;
    bool match;
    std::vector<std::string> subs;  // domain, path (when upstream gives them)
  };
  const std::vector<Case> cases = {
      {"", false, {}},
      {"short", true, {"", "short"}},
      {"simple/name", true, {"simple", "name"}},
      {"library/ubuntu", true, {"library", "ubuntu"}},
      {"docker/stevvooe/app", true, {"docker", "stevvooe/app"}},
      {"aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb", true, {"aa", "aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb"}},
      {"aa/aa/bb/bb/bb", true, {"aa", "aa/bb/bb/bb"}},
      {"a/a/a/a", true, {"a", "a/a/a"}},
      {"a/a/a/a/", false, {}},
      {"a//a/a", false, {}},
      {"a", true, {"", "a"}},
      {"a/aa", true, {"a", "aa"}},
      {"a/aa/a", true, {"a", "aa/a"}},
      {"foo.com", true, {"", "foo.com"}},
      {"foo.com/", false, {}},
      {"foo.com:8080/bar", true, {"foo.com:8080", "bar"}},
      {"foo.com:http/bar", false, {}},
      {"foo.com/bar", true, {"foo.com", "bar"}},
      {"foo.com/bar/baz", true, {"foo.com", "bar/baz"}},
      {"localhost:8080/bar", true, {"localhost:8080", "bar"}},
      {"sub-dom1.foo.com/bar/baz/quux", true, {"sub-dom1.foo.com", "bar/baz/quux"}},
      {"blog.foo.com/bar/baz", true, {"blog.foo.com", "bar/baz"}},
      {"a^a", false, {}},
      {"aa/asdf$$^/aa", false, {}},
      {"asdf$$^/aa", false, {}},
      {"aa-a/a", true, {"aa-a", "a"}},
      {Repeat("a/", 128) + "a", true, {"a", Repeat("a/", 127) + "a"}},
      {"a-/a/a/a", false, {}},
      {"foo.com/a-/a/a", false, {}},
      {"-foo/bar", false, {}},
      {"foo/bar-", false, {}},
      {"foo-/bar", false, {}},
      {"foo/-bar", false, {}},
      {"_foo/bar", false, {}},
      {"foo_bar", true, {"", "foo_bar"}},
      {"foo_bar.com", true, {"", "foo_bar.com"}},
      {"foo_bar.com:8080", false, {}},
      {"foo_bar.com:8080/app", false, {}},
      {"foo.com/foo_bar", true, {"foo.com", "foo_bar"}},
      {"____/____", false, {}},
      {"_docker/_docker", false, {}},
      {"docker_/docker_", false, {}},
      {"b.gcr.io/test.example.com/my-app", true, {"b.gcr.io", "test.example.com/my-app"}},
      {"xn--n3h.com/myimage", true, {"xn--n3h.com", "myimage"}},
      {"xn--7o8h.com/myimage", true, {"xn--7o8h.com", "myimage"}},
      {"example.com/xn--7o8h.com/myimage", true, {"example.com", "xn--7o8h.com/myimage"}},
      {"example.com/some_separator__underscore/myimage", true, {"example.com", "some_separator__underscore/myimage"}},
      {"example.com/__underscore/myimage", false, {}},
      {"example.com/..dots/myimage", false, {}},
      {"example.com/.dots/myimage", false, {}},
      {"example.com/nodouble..dots/myimage", false, {}},
      {"example.com/nodouble..dots/myimage", false, {}},
      {"docker./docker", false, {}},
      {".docker/docker", false, {}},
      {"docker-/docker", false, {}},
      {"-docker/docker", false, {}},
      {"do..cker/docker", false, {}},
      {"do__cker:8080/docker", false, {}},
      {"do__cker/docker", true, {"", "do__cker/docker"}},
      {"b.gcr.io/test.example.com/my-app", true, {"b.gcr.io", "test.example.com/my-app"}},
      {"registry.io/foo/project--id.module--name.ver---sion--name", true,
       {"registry.io", "foo/project--id.module--name.ver---sion--name"}},
      {"Asdf.com/foo/bar", true, {}},
      {"Foo/FarB", false, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    auto ref = Reference::ParseUnnormalized(c.input);
    // A name alone: what the reference grammar would read as a tag is no match for the name's.
    bool matched = ref.ok() && ref->tag.empty() && !ref->digest;
    EXPECT_EQ(matched, c.match);
    if (matched && c.subs.size() == 2) {
      EXPECT_EQ(ref->registry, c.subs[0]);
      EXPECT_EQ(ref->repository, c.subs[1]);
    }
  }
}

// regexp_test.go TestReferenceRegexp: name, tag, digest.
TEST(ReferenceGrammarTest, ReferenceRegexpTable) {
  const std::string d = "sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912";
  struct Case {
    std::string input;
    bool match;
    std::string name, tag, digest;
  };
  const std::vector<Case> cases = {
      {"registry.com:8080/myapp:tag", true, "registry.com:8080/myapp", "tag", ""},
      {"registry.com:8080/myapp@" + d, true, "registry.com:8080/myapp", "", d},
      {"registry.com:8080/myapp:tag2@" + d, true, "registry.com:8080/myapp", "tag2", d},
      {"registry.com:8080/myapp@sha256:badbadbadbad", false, "", "", ""},
      {"registry.com:8080/myapp:invalid~tag", false, "", "", ""},
      {"bad_hostname.com:8080/myapp:tag", false, "", "", ""},
      {"localhost:8080@" + d, true, "localhost", "8080", d},  // localhost as a name, 8080 its tag
      {"localhost:8080/name@" + d, true, "localhost:8080/name", "", d},
      {"localhost:http/name@" + d, false, "", "", ""},
      {"localhost@" + d, true, "localhost", "", d},
      {"registry.com:8080/myapp@bad", false, "", "", ""},
      {"registry.com:8080/myapp@2bad", false, "", "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    auto ref = Reference::ParseUnnormalized(c.input);
    ASSERT_EQ(ref.ok(), c.match);
    if (!ref.ok()) continue;
    EXPECT_EQ(ref->registry.empty() ? ref->repository : ref->registry + "/" + ref->repository, c.name);
    EXPECT_EQ(ref->tag, c.tag);
    EXPECT_EQ(ref->digest ? ref->digest->ToString() : "", c.digest);
  }
}

// regexp_test.go TestIdentifierRegexp: exactly 64 lowercase hex digits are an image ID, which
// ParseNormalizedNamed refuses as a name.
TEST(ReferenceTest, IdentifierRegexpTable) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821", true},
      {"7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C", false},
      {"da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf", false},
      {"sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821", false},
      {"da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482", false},
  };
  for (const auto& [input, is_identifier] : cases) {
    auto ref = Reference::Parse(input);
    bool refused_as_id =
        !ref.ok() && ref.error().message().find("cannot specify 64-byte hexadecimal strings") != std::string::npos;
    EXPECT_EQ(refused_as_id, is_identifier) << input;
  }
}

// normalize_test.go TestValidateReferenceName and TestValidateRemoteName:
// ParseNormalizedNamed accepts or rejects.
TEST(ReferenceTest, ValidateReferenceNameTable) {
  const std::vector<std::string> valid = {
      "docker/docker",
      "library/debian",
      "debian",
      "docker.io/docker/docker",
      "docker.io/library/debian",
      "docker.io/debian",
      "index.docker.io/docker/docker",
      "index.docker.io/library/debian",
      "index.docker.io/debian",
      "127.0.0.1:5000/docker/docker",
      "127.0.0.1:5000/library/debian",
      "127.0.0.1:5000/debian",
      "192.168.0.1",
      "192.168.0.1:80",
      "192.168.0.1:8/debian",
      "192.168.0.2:25000/debian",
      "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
      "[fc00::1]:5000/docker",
      "[fc00::1]:5000/docker/docker",
      "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
      "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
      "Docker/docker",
      "DOCKER/docker",
      // TestValidateRemoteName, valid
      "docker/docker",
      "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
      "docker-rules/docker",
      "docker---rules/docker",
      "doc/docker",
      "d/docker",
      "jess/t",
      "dock__er/docker",
  };
  const std::vector<std::string> invalid = {
      "https://github.com/docker/docker",
      "docker/Docker",
      "-docker",
      "-docker/docker",
      "-docker.io/docker/docker",
      "docker///docker",
      "docker.io/docker/Docker",
      "docker.io/docker///docker",
      "[fc00::1]",
      "[fc00::1]:5000",
      "fc00::1:5000/debian",
      "[fe80::1%eth0]:5000/debian",
      "[2001:db8:3:4::192.0.2.33]:5000/debian",
      "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
      // TestValidateRemoteName, invalid
      "docker/Docker",
      "docker///docker",
      "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
      "-docker/docker",
      "docker-/docker",
      "-docker-/docker",
      "____/____",
      "_docker/_docker",
      "dock..er/docker",
      "dock_.er/docker",
      "dock-.er/docker",
      "docker/",
      "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_"
      "its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_"
      "not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
  };
  for (const auto& name : valid) {
    auto ref = Reference::Parse(name);
    EXPECT_TRUE(ref.ok()) << name << ": " << ref.error().message();
  }
  for (const auto& name : invalid) {
    auto ref = Reference::Parse(name);
    EXPECT_FALSE(ref.ok()) << name << " parsed as " << ref->ToString();
    if (!ref.ok()) {
      EXPECT_EQ(ref.error().code(), ErrorCode::kInvalidArgument) << name;
    }
  }
}

// normalize_test.go TestParseRepositoryInfo: each of the familiar, full and ambiguous spellings
// normalises to the same domain and path, and familiarises back. Our Reference adds the
// default tag (as docker's TagNameOnly does before a pull), so ":latest" follows every name.
TEST(ReferenceTest, ParseRepositoryInfoTable) {
  struct Case {
    std::string remote, familiar, full, ambiguous, domain;
  };
  const std::vector<Case> cases = {
      {"fooo/bar", "fooo/bar", "docker.io/fooo/bar", "index.docker.io/fooo/bar", "docker.io"},
      {"library/ubuntu", "ubuntu", "docker.io/library/ubuntu", "library/ubuntu", "docker.io"},
      {"nonlibrary/ubuntu", "nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu", "", "docker.io"},
      {"other/library", "other/library", "docker.io/other/library", "", "docker.io"},
      {"private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "",
       "127.0.0.1:8000"},
      {"privatebase", "127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase", "", "127.0.0.1:8000"},
      {"private/moonbase", "example.com/private/moonbase", "example.com/private/moonbase", "", "example.com"},
      {"privatebase", "example.com/privatebase", "example.com/privatebase", "", "example.com"},
      {"private/moonbase", "example.com:8000/private/moonbase", "example.com:8000/private/moonbase", "",
       "example.com:8000"},
      {"privatebasee", "example.com:8000/privatebasee", "example.com:8000/privatebasee", "", "example.com:8000"},
      {"library/ubuntu-12.04-base", "ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base",
       "index.docker.io/library/ubuntu-12.04-base", "docker.io"},
      {"library/foo", "foo", "docker.io/library/foo", "docker.io/foo", "docker.io"},
      {"library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar", "", "docker.io"},
      {"store/foo/bar", "store/foo/bar", "docker.io/store/foo/bar", "", "docker.io"},
      {"bar", "Foo/bar", "Foo/bar", "", "Foo"},
      {"bar", "FOO/bar", "FOO/bar", "", "FOO"},
  };
  int checked = 0;
  for (const auto& c : cases) {
    std::vector<std::string> spellings = {c.familiar, c.full};
    if (!c.ambiguous.empty()) spellings.push_back(c.ambiguous);
    for (const auto& s : spellings) {
      SCOPED_TRACE(s);
      auto ref = Reference::Parse(s);
      ASSERT_TRUE(ref.ok()) << ref.error().message();
      EXPECT_EQ(ref->Familiar(), c.familiar + ":latest");
      EXPECT_EQ(ref->ToString(), c.full + ":latest");
      EXPECT_EQ(ref->registry, c.domain);
      EXPECT_EQ(ref->repository, c.remote);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 36);  // 16 cases × 2 spellings + 4 ambiguous ones
}

// normalize_test.go TestParseReferenceWithTagAndDigest.
TEST(ReferenceTest, TagAndDigest) {
  const std::string short_ref =
      "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
  auto ref = Reference::Parse(short_ref);
  ASSERT_TRUE(ref.ok()) << ref.error().message();
  EXPECT_EQ(ref->ToString(), "docker.io/library/" + short_ref);
  EXPECT_EQ(ref->tag, "latest");
  ASSERT_TRUE(ref->digest.has_value());
  EXPECT_EQ(ref->Familiar(), short_ref);  // FamiliarString
  // What is pulled is the digest, never the tag.
  EXPECT_EQ(ref->Identifier(), "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa");
}

// normalize_test.go TestParseAnyReference, the cases that name a repository: ParseAnyReference
// falls through to ParseNormalizedNamed for them. Left out, deliberately: the bare identifier
// "dbcc…c9c" and "sha256:dbcc…c9c", which ParseAnyReference turns into a digest-only reference
// (a local image ID); a Reference here always names a repository to pull from, so the first is an
// error for us (as for ParseNormalizedNamed) and the second would be the repository "sha256" with
// a tag (again as ParseNormalizedNamed reads it). Expected strings gain ":latest" when neither tag
// nor digest was given (the default tag, see above).
TEST(ReferenceTest, ParseAnyReferenceNamedTable) {
  const std::string d = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
  struct Case {
    std::string reference, equivalent;
  };
  const std::vector<Case> cases = {
      {"redis", "docker.io/library/redis"},
      {"redis:latest", "docker.io/library/redis:latest"},
      {"docker.io/library/redis:latest", "docker.io/library/redis:latest"},
      {"redis@" + d, "docker.io/library/redis@" + d},
      {"docker.io/library/redis@" + d, "docker.io/library/redis@" + d},
      {"dmcgowan/myapp", "docker.io/dmcgowan/myapp"},
      {"dmcgowan/myapp:latest", "docker.io/dmcgowan/myapp:latest"},
      {"docker.io/mcgowan/myapp:latest", "docker.io/mcgowan/myapp:latest"},
      {"dmcgowan/myapp@" + d, "docker.io/dmcgowan/myapp@" + d},
      {"docker.io/dmcgowan/myapp@" + d, "docker.io/dmcgowan/myapp@" + d},
      {"dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
       "docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9"},
      {"dbcc1", "docker.io/library/dbcc1"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reference);
    auto ref = Reference::Parse(c.reference);
    ASSERT_TRUE(ref.ok()) << ref.error().message();
    auto equivalent = Reference::ParseUnnormalized(c.equivalent);
    ASSERT_TRUE(equivalent.ok());
    if (equivalent->tag.empty() && !equivalent->digest) equivalent->tag = "latest";
    EXPECT_EQ(*ref, *equivalent);
    EXPECT_EQ(ref->ToString(), equivalent->ToString());
  }
  // The identifier alone is refused, as ParseNormalizedNamed refuses it.
  auto id = Reference::Parse("dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c");
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().message().find("cannot specify 64-byte hexadecimal strings"), std::string::npos);
}

// normalize_test.go TestNormalizedSplitHostname.
TEST(ReferenceTest, NormalizedSplitHostnameTable) {
  struct Case {
    std::string input, domain, path;
  };
  const std::vector<Case> cases = {
      {"test.com/foo", "test.com", "foo"},
      {"test_com/foo", "docker.io", "test_com/foo"},
      {"docker/migrator", "docker.io", "docker/migrator"},
      {"test.com:8080/foo", "test.com:8080", "foo"},
      {"test-com:8080/foo", "test-com:8080", "foo"},
      {"foo", "docker.io", "library/foo"},
      {"xn--n3h.com/foo", "xn--n3h.com", "foo"},
      {"xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"},
      {"docker.io/foo", "docker.io", "library/foo"},
      {"docker.io/library/foo", "docker.io", "library/foo"},
      {"docker.io/library/foo/bar", "docker.io", "library/foo/bar"},
  };
  for (const auto& c : cases) {
    auto ref = Reference::Parse(c.input);
    ASSERT_TRUE(ref.ok()) << c.input << ": " << ref.error().message();
    EXPECT_EQ(ref->registry, c.domain) << c.input;
    EXPECT_EQ(ref->repository, c.path) << c.input;
  }
}

// normalize_test.go TestParseDockerRef. One deliberate difference: for "name:tag@digest"
// ParseDockerRef drops the tag; our Reference keeps it for display (reference.h) and pulls by the
// digest (Identifier()), so the comparison is made on the reference with the tag cleared.
TEST(ReferenceTest, ParseDockerRefTable) {
  const std::string d = "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";
  struct Case {
    std::string input, expected;
  };
  const std::vector<Case> cases = {
      {"busybox", "docker.io/library/busybox:latest"},
      {"busybox:latest", "docker.io/library/busybox:latest"},
      {"busybox@" + d, "docker.io/library/busybox@" + d},
      {"library/busybox", "docker.io/library/busybox:latest"},
      {"docker.io/busybox", "docker.io/library/busybox:latest"},
      {"docker.io/library/busybox", "docker.io/library/busybox:latest"},
      {"docker.io/busybox:latest", "docker.io/library/busybox:latest"},
      {"library/busybox:latest", "docker.io/library/busybox:latest"},
      {"docker.io/library/busybox:latest", "docker.io/library/busybox:latest"},
      {"gcr.io/library/busybox", "gcr.io/library/busybox:latest"},
      {"gcr.io/library/busybox:latest@" + d, "gcr.io/library/busybox@" + d},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    auto ref = Reference::Parse(c.input);
    ASSERT_TRUE(ref.ok()) << ref.error().message();
    Reference pulled = *ref;
    if (pulled.digest) pulled.tag.clear();
    EXPECT_EQ(pulled.ToString(), c.expected);
    EXPECT_TRUE(Reference::ParseUnnormalized(ref->ToString()).ok());
    // The fully qualified form parses back to the same reference.
    auto again = Reference::Parse(ref->ToString());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *ref);
  }
}

// The examples reference.h promises, and what the rest of hullscan relies on.
TEST(ReferenceTest, HeaderExamples) {
  auto alpine = Reference::Parse("alpine");
  ASSERT_TRUE(alpine.ok());
  EXPECT_EQ(alpine->ToString(), "docker.io/library/alpine:latest");
  EXPECT_EQ(alpine->Familiar(), "alpine:latest");
  EXPECT_EQ(alpine->Identifier(), "latest");
  EXPECT_EQ(alpine->ApiHost(), "registry-1.docker.io");

  auto user = Reference::Parse("user/app:1.4");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->ToString(), "docker.io/user/app:1.4");
  EXPECT_EQ(user->Familiar(), "user/app:1.4");

  auto local = Reference::Parse("localhost:5000/app");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->ToString(), "localhost:5000/app:latest");
  EXPECT_EQ(local->ApiHost(), "localhost:5000");
  // "localhost" without a port is a registry too (normalize.go: a reserved domain).
  auto bare_localhost = Reference::Parse("localhost/app");
  ASSERT_TRUE(bare_localhost.ok());
  EXPECT_EQ(bare_localhost->registry, "localhost");

  const std::string d = "sha256:" + std::string(64, 'a');
  auto ghcr = Reference::Parse("ghcr.io/org/app@" + d);
  ASSERT_TRUE(ghcr.ok());
  EXPECT_EQ(ghcr->tag, "");
  EXPECT_EQ(ghcr->Identifier(), d);
  EXPECT_EQ(ghcr->Familiar(), "ghcr.io/org/app@" + d);
  EXPECT_EQ(ghcr->ApiHost(), "ghcr.io");

  auto both = Reference::Parse("reg:5000/app:1.4@" + d);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->tag, "1.4");
  EXPECT_EQ(both->Identifier(), d);
  EXPECT_EQ(both->ToString(), "reg:5000/app:1.4@" + d);

  auto v6 = Reference::Parse("[::1]:5000/team/app:2");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->registry, "[::1]:5000");
  EXPECT_EQ(v6->repository, "team/app");
  EXPECT_EQ(v6->Familiar(), "[::1]:5000/team/app:2");

  // Docker Hub's official images nested one level deeper keep "library/" (familiarizeName).
  auto nested = Reference::Parse("docker.io/library/foo/bar:1");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->Familiar(), "library/foo/bar:1");
}

TEST(ReferenceTest, ErrorMessagesReadAsDockers) {
  auto upper = Reference::Parse("Alpine");
  ASSERT_FALSE(upper.ok());
  EXPECT_EQ(upper.error().message(), "invalid reference format: repository name (library/Alpine) must be lowercase");
  auto long_tag = Reference::Parse("alpine:" + std::string(129, 't'));
  ASSERT_FALSE(long_tag.ok());
  EXPECT_EQ(long_tag.error().message().rfind("invalid reference format", 0), 0u);
  EXPECT_NE(long_tag.error().message().find("tag too long"), std::string::npos);
  EXPECT_TRUE(Reference::Parse("alpine:" + std::string(128, 't')).ok());
  auto empty = Reference::Parse("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(Classify(empty.error()), Err::kInvalidFormat);
  // "docker.io/" + 255 characters of path is over: the limit counts the path with "library/".
  EXPECT_TRUE(Reference::Parse(std::string(247, 'a')).ok());
  auto too_long = Reference::Parse(std::string(248, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(Classify(too_long.error()), Err::kTooLong);
}

TEST(ReferenceTest, DigestGrammar) {
  // go-digest: sha256 wants 64 hex digits, sha512 128, lowercase only.
  EXPECT_TRUE(Reference::Parse("a@sha512:" + std::string(128, '0')).ok());
  EXPECT_EQ(Classify(Reference::Parse("a@sha256:" + std::string(63, '0')).error()), Err::kDigestLength);
  EXPECT_EQ(Classify(Reference::Parse("a@sha256:" + std::string(65, '0')).error()), Err::kDigestLength);
  EXPECT_EQ(Classify(Reference::Parse("a@sha512:" + std::string(64, '0')).error()), Err::kDigestLength);
  auto upper_hex = Reference::Parse("a@sha256:" + std::string(64, 'A'));
  ASSERT_FALSE(upper_hex.ok());
  EXPECT_NE(upper_hex.error().message().find("invalid checksum digest format"), std::string::npos);
  EXPECT_EQ(Classify(Reference::Parse("a@md5:" + std::string(32, '0')).error()), Err::kDigestUnsupported);
  // Shorter than 32 hex digits does not even match the reference grammar.
  EXPECT_EQ(Classify(Reference::Parse("a@sha256:" + std::string(31, '0')).error()), Err::kInvalidFormat);
  EXPECT_EQ(Classify(Reference::Parse("a@sha256:" + std::string(64, 'g')).error()), Err::kInvalidFormat);
  EXPECT_EQ(Classify(Reference::Parse("a@@sha256:" + std::string(64, '0')).error()), Err::kInvalidFormat);
  // Deliberate difference: Docker accepts sha384 digests; hullscan cannot verify content against
  // them (base/digest.h knows sha256 and sha512), so it refuses them up front as Unsupported.
  auto sha384 = Reference::Parse("a@sha384:" + std::string(96, '0'));
  ASSERT_FALSE(sha384.ok());
  EXPECT_EQ(sha384.error().code(), ErrorCode::kUnsupported);
}

// Deliberate difference: Docker parses "a_b.com/x" (its first component has a '.', so it is taken
// as a domain, but '_' is not valid in one, so the whole text matches as a path with an empty
// domain) into a name no client can pull. We refuse it and say why.
TEST(ReferenceTest, InvalidRegistryHostIsAnError) {
  auto ref = Reference::Parse("a_b.com/x");
  ASSERT_FALSE(ref.ok());
  EXPECT_NE(ref.error().message().find("registry host (a_b.com) is not a valid host name"), std::string::npos);
}

TEST(ReferenceTest, HostileInputIsRefusedQuickly) {
  const std::vector<std::string> inputs = {
      std::string(1 << 20, 'a'), std::string(1 << 20, '/'), std::string(1 << 20, ':'), std::string(1 << 20, '@'),
      "a" + Repeat("-", 1 << 16) + "b", std::string("a\0b", 3), "alpine:\x1b[31m",
  };
  for (const auto& in : inputs) {
    auto ref = Reference::Parse(in);
    EXPECT_FALSE(ref.ok() && in.size() > 300) << in.size();
  }
  auto escaped = Reference::Parse("A\x1b[31m/x");
  ASSERT_FALSE(escaped.ok());
  EXPECT_EQ(escaped.error().message().find('\x1b'), std::string::npos);
}

TEST(IsLoopbackHostTest, Hosts) {
  for (std::string_view host : {"localhost", "localhost:5000", "LOCALHOST:1", "127.0.0.1", "127.0.0.1:5000",
                                "127.1.2.3:80", "127.255.255.255", "[::1]", "[::1]:5000", "::1",
                                "[0:0:0:0:0:0:0:1]:443", "[::ffff:127.0.0.1]:5000"})
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  for (std::string_view host : {"", "docker.io", "registry-1.docker.io", "128.0.0.1", "10.0.0.1:5000", "[::2]:5000",
                                "[::1", "localhost.example.com", "127.0.0.1.nip.io", "127.0.0.1:5000:1", "[::1]x",
                                "0.0.0.0", "localhostx"})
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
}

}  // namespace
}  // namespace hullscan::net
