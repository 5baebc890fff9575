// RubyGems versions (Gem::Version) and requirements (Gem::Requirement, including "~>").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::version::gem {

struct Segment {
  bool numeric = false;
  std::string text;  // digits (numeric) or letters
};

struct Version {
  std::string normalized;         // stripped, "-" replaced by ".pre." (Gem::Version#version)
  std::vector<Segment> segments;  // Gem::Version#segments
};

// Gem::Version.new: surrounding whitespace ignored, blank means "0"; otherwise
// [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? .
Result<Version> Parse(std::string_view s);
// Gem::Version#<=> (canonical segments: trailing zeros of the numeric and of the string part dropped; a string
// segment sorts before a number).
int Compare(const Version& a, const Version& b);
bool IsPrerelease(const Version& v);        // Gem::Version#prerelease?
Version Release(const Version& v);          // Gem::Version#release
Version Bump(const Version& v);             // Gem::Version#bump
std::string ApproximateRecommendation(const Version& v);  // Gem::Version#approximate_recommendation
bool Eql(const Version& a, const Version& b);              // Gem::Version#eql?

// Gem::Requirement#satisfied_by? for a list of requirements joined by ','. Each is "[op] version" with op one of
// = != > < >= <= ~> (default =).
Result<bool> SatisfiedBy(std::string_view requirements, const Version& v);

}  // namespace hullscan::version::gem
