// Maven versions (ComparableVersion ordering and canonical form) and Maven version ranges.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::version::maven {

// A parsed ComparableVersion (an item tree; opaque).
class Version {
 public:
  struct Item;
  // new ComparableVersion(s): any string of at most 256 characters is a version; the empty string is an error
  // here (Maven accepts it as "0"-equivalent; an empty version is never meaningful for matching).
  static Result<Version> Parse(std::string_view s);
  int Compare(const Version& other) const;
  std::string Canonical() const;  // getCanonical()

  Version();
  ~Version();
  Version(const Version&);
  Version& operator=(const Version&);
  Version(Version&&) noexcept;
  Version& operator=(Version&&) noexcept;

 private:
  std::unique_ptr<Item> root_;
};

// A Maven version range: "[1.0,2.0)", "(,1.0]", "[1.2]", unions "[1.0,2.0),[3.0,)". A bare version ("1.0") is
// treated as an exact match ("[1.0]"); Maven itself calls that a soft requirement that any version satisfies.
class Range {
 public:
  static Result<Range> Parse(std::string_view spec);
  bool Contains(const Version& v) const;

 private:
  struct Restriction {
    std::shared_ptr<Version> lower, upper;  // null = unbounded
    bool lower_inclusive = false, upper_inclusive = false;
  };
  std::vector<Restriction> restrictions_;
};

}  // namespace hullscan::version::maven
