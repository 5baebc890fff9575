// A port of Maven's org.apache.maven.artifact.versioning.ComparableVersion (the item tree with IntItem/LongItem/
// BigIntegerItem folded into one numeric item, StringItem, CombinationItem, ListItem) and of
// VersionRange.createFromVersionSpec / Restriction.containsVersion.
#include "version/maven.h"

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::maven {

struct Version::Item {
  enum class Type { kNumber, kString, kList, kCombination };
  Type type = Type::kList;
  std::string text;         // kNumber: digits without leading zeros; kString: the qualifier (after aliases)
  std::vector<Item> items;  // kList: children; kCombination: {string part, number part}
};

namespace {

using Item = Version::Item;
using Type = Item::Type;
using internal::IsDigit;

constexpr std::string_view kName = "maven";
constexpr size_t kMaxVersionLength = 256;

// Java's String.toLowerCase(Locale.ENGLISH) on UTF-8 text: ASCII, Latin-1, Latin Extended-A, basic Greek and
// Cyrillic capitals are folded (the scripts version qualifiers plausibly use); other characters are kept.
std::string LowerCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += internal::ToLowerAscii(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t len = (c & 0xe0) == 0xc0 ? 2 : 0;
    if (len != 2 || i + 1 >= s.size() || (static_cast<unsigned char>(s[i + 1]) & 0xc0) != 0x80) {
      out += s[i++];
      continue;
    }
    uint32_t cp = ((c & 0x1fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3fu);
    uint32_t lower = cp;
    if ((cp >= 0xc0 && cp <= 0xd6) || (cp >= 0xd8 && cp <= 0xde)) {
      lower = cp + 0x20;
    } else if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177)) {
      lower = cp | 1u;
    } else if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) {
      lower = (cp & 1u) ? cp + 1 : cp;
    } else if (cp == 0x178) {
      lower = 0xff;
    } else if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) || (cp >= 0x410 && cp <= 0x42f)) {
      lower = cp + 0x20;
    } else if (cp >= 0x400 && cp <= 0x40f) {
      lower = cp + 0x50;
    }
    out += static_cast<char>(0xc0 | (lower >> 6));
    out += static_cast<char>(0x80 | (lower & 0x3f));
    i += 2;
  }
  return out;
}

Item Number(std::string_view digits) {
  Item it;
  it.type = Type::kNumber;
  std::string_view d = internal::StripLeadingZeros(digits);
  it.text = d.empty() ? "0" : std::string(d);
  return it;
}

Item String(std::string value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
    if (value == "a") value = "alpha";
    else if (value == "b") value = "beta";
    else if (value == "m") value = "milestone";
  }
  if (value == "cr") value = "rc";
  Item it;
  it.type = Type::kString;
  it.text = std::move(value);
  return it;
}

Item Combination(std::string_view value) {
  size_t index = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    if (IsDigit(value[i])) {
      index = i;
      break;
    }
  }
  Item it;
  it.type = Type::kCombination;
  it.items.push_back(String(std::string(value.substr(0, index)), true));
  it.items.push_back(Number(value.substr(index)));
  return it;
}

Item ParseItem(bool is_combination, bool is_digit, std::string_view buf) {
  if (is_combination) {
    std::string b;
    for (char c : buf) {
      if (c != '-') b += c;
    }
    return Combination(b);
  }
  if (is_digit) return Number(buf);
  return String(std::string(buf), false);
}

bool IsNull(const Item& it) {
  switch (it.type) {
    case Type::kNumber: return it.text == "0";
    case Type::kString: return it.text.empty();
    case Type::kList: return it.items.empty();
    case Type::kCombination: return false;
  }
  return false;
}

// StringItem.comparableQualifier, compared as Java strings.
std::string ComparableQualifier(const std::string& q) {
  if (q == "ga" || q == "final" || q == "release") return "5";
  static constexpr std::string_view kQualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  for (size_t i = 0; i < 7; ++i) {
    if (q == kQualifiers[i]) return std::to_string(i);
  }
  return "7-" + q;
}

int JavaCompare(const std::string& a, const std::string& b) { return internal::Sign(a.compare(b)); }

int CompareItems(const Item* a, const Item* b);

// a.compareTo(null)
int CompareToNull(const Item& a) {
  switch (a.type) {
    case Type::kNumber:
      return a.text == "0" ? 0 : 1;
    case Type::kString:
      return JavaCompare(ComparableQualifier(a.text), "5");
    case Type::kCombination: {
      int r = CompareToNull(a.items[0]);
      if (r == 0) return CompareToNull(a.items[1]);
      return r;
    }
    case Type::kList:
      for (const Item& i : a.items) {
        int r = CompareToNull(i);
        if (r != 0) return r;
      }
      return 0;
  }
  return 0;
}

// a.compareTo(b) with b non-null.
int CompareItems(const Item* a, const Item* b) {
  if (b == nullptr) return CompareToNull(*a);
  switch (a->type) {
    case Type::kNumber:
      if (b->type == Type::kNumber) return internal::CompareDigits(a->text, b->text);
      return 1;  // 1.1 > 1-sp, 1.1 > 1-1, numbers after qualifiers
    case Type::kString:
      switch (b->type) {
        case Type::kNumber:
          return -1;
        case Type::kString:
          return JavaCompare(ComparableQualifier(a->text), ComparableQualifier(b->text));
        case Type::kCombination: {
          int r = CompareItems(a, &b->items[0]);
          if (r == 0) {
            if (CompareToNull(*a) == 0) return -CompareToNull(b->items[1]);
            return -1;
          }
          return r;
        }
        case Type::kList:
          return -CompareItems(b, a);
      }
      return 0;
    case Type::kCombination:
      switch (b->type) {
        case Type::kNumber:
          return -1;
        case Type::kString: {
          int r = CompareItems(&a->items[0], b);
          if (r == 0) {
            if (CompareToNull(a->items[0]) == 0) return CompareToNull(a->items[1]);
            return 1;  // X1 > X
          }
          return r;
        }
        case Type::kList:
          return -CompareItems(b, a);
        case Type::kCombination: {
          int r = CompareItems(&a->items[0], &b->items[0]);
          if (r == 0) return CompareItems(&a->items[1], &b->items[1]);
          return r;
        }
      }
      return 0;
    case Type::kList:
      switch (b->type) {
        case Type::kNumber:
          return -1;  // 1-1 < 1.0.x
        case Type::kString:
        case Type::kCombination: {
          int r = a->items.empty() ? -CompareToNull(*b) : CompareItems(&a->items[0], b);
          for (size_t i = 1; r == 0 && i < a->items.size(); ++i) r = CompareToNull(a->items[i]);
          return r;
        }
        case Type::kList: {
          size_t n = std::max(a->items.size(), b->items.size());
          for (size_t i = 0; i < n; ++i) {
            const Item* l = i < a->items.size() ? &a->items[i] : nullptr;
            const Item* r = i < b->items.size() ? &b->items[i] : nullptr;
            int result;
            if (l == nullptr) {
              result = r == nullptr ? 0 : -CompareItems(r, nullptr);
            } else {
              result = CompareItems(l, r);
            }
            if (result != 0) return result;
          }
          return 0;
        }
      }
      return 0;
  }
  return 0;
}

void Normalize(Item* list) {
  auto& v = list->items;
  for (size_t k = v.size(); k-- > 0;) {
    if (!IsNull(v[k])) continue;
    if (k == v.size() - 1 || v[k + 1].type == Type::kString) {
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(k));
    } else if (v[k + 1].type == Type::kList && !v[k + 1].items.empty()) {
      Type first = v[k + 1].items[0].type;
      if (first == Type::kCombination || first == Type::kString) v.erase(v.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
  if (v.size() == 1 && v[0].type == Type::kList) {
    std::vector<Item> inner = std::move(v[0].items);
    v = std::move(inner);
  }
}

std::string ToString(const Item& it) {
  switch (it.type) {
    case Type::kNumber:
    case Type::kString:
      return it.text;
    case Type::kCombination:
      return it.items[0].text + it.items[1].text;
    case Type::kList: {
      std::string out;
      for (const Item& i : it.items) {
        if (!out.empty()) out += i.type == Type::kList ? '-' : '.';
        out += ToString(i);
      }
      return out;
    }
  }
  return "";
}

}  // namespace

Version::Version() : root_(std::make_unique<Item>()) {}
Version::~Version() = default;
Version::Version(const Version& o) : root_(std::make_unique<Item>(*o.root_)) {}
Version& Version::operator=(const Version& o) {
  root_ = std::make_unique<Item>(*o.root_);
  return *this;
}
Version::Version(Version&&) noexcept = default;
Version& Version::operator=(Version&&) noexcept = default;

Result<Version> Version::Parse(std::string_view input) {
  if (input.empty()) return internal::InvalidVersion(kName, input, "empty");
  if (input.size() > kMaxVersionLength) return internal::InvalidVersion(kName, input, "longer than 256 characters");
  std::string version = LowerCase(input);
  Version out;
  Item* list = out.root_.get();
  std::vector<Item*> stack{list};
  bool is_digit = false, is_combination = false;
  size_t start = 0;
  auto push_list = [&] {
    list->items.emplace_back();
    list = &list->items.back();
    stack.push_back(list);
  };
  const size_t n = version.size();
  for (size_t i = 0; i < n; ++i) {
    char c = version[i];
    if (c == '.') {
      if (i == start) {
        list->items.push_back(Number("0"));
      } else {
        list->items.push_back(ParseItem(is_combination, is_digit, std::string_view(version).substr(start, i - start)));
      }
      is_combination = false;
      start = i + 1;
    } else if (c == '-') {
      if (i == start) {
        list->items.push_back(Number("0"));
      } else {
        // X-1 is treated as X1
        if (!is_digit && i != n - 1 && IsDigit(version[i + 1])) {
          is_combination = true;
          continue;
        }
        list->items.push_back(ParseItem(is_combination, is_digit, std::string_view(version).substr(start, i - start)));
      }
      start = i + 1;
      if (!list->items.empty()) push_list();
      is_combination = false;
    } else if (IsDigit(c)) {
      if (!is_digit && i > start) {
        is_combination = true;  // X1
        if (!list->items.empty()) push_list();
      }
      is_digit = true;
    } else {
      if (is_digit && i > start) {
        list->items.push_back(ParseItem(is_combination, true, std::string_view(version).substr(start, i - start)));
        start = i;
        push_list();
        is_combination = false;
      }
      is_digit = false;
    }
  }
  if (n > start) {
    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X
    if (!is_digit && !list->items.empty()) push_list();
    list->items.push_back(ParseItem(is_combination, is_digit, std::string_view(version).substr(start)));
  }
  while (!stack.empty()) {
    Normalize(stack.back());
    stack.pop_back();
  }
  return out;
}

int Version::Compare(const Version& other) const { return CompareItems(root_.get(), other.root_.get()); }

std::string Version::Canonical() const { return ToString(*root_); }

Result<Range> Range::Parse(std::string_view spec_in) {
  auto bad = [&](std::string_view why) { return internal::InvalidConstraint(kName, spec_in, why); };
  std::string_view process = internal::TrimAsciiSpace(spec_in);
  if (process.empty()) return bad("empty");
  Range range;
  std::shared_ptr<Version> upper_bound;
  bool have_upper = false;
  while (!process.empty() && (process.front() == '[' || process.front() == '(')) {
    size_t index1 = process.find(')'), index2 = process.find(']');
    size_t index = index2;
    if (index2 == std::string_view::npos || (index1 != std::string_view::npos && index1 < index2)) index = index1;
    if (index == std::string_view::npos) return bad("unbounded range");
    std::string_view r = process.substr(0, index + 1);
    Restriction res;
    res.lower_inclusive = r.front() == '[';
    res.upper_inclusive = r.back() == ']';
    std::string_view inner = internal::TrimAsciiSpace(r.substr(1, r.size() - 2));
    size_t comma = inner.find(',');
    if (comma == std::string_view::npos) {
      if (!res.lower_inclusive || !res.upper_inclusive) return bad("single version must be surrounded by []");
      HS_ASSIGN_OR_RETURN(Version v, Version::Parse(inner));
      res.lower = std::make_shared<Version>(std::move(v));
      res.upper = res.lower;
    } else {
      std::string_view lo = internal::TrimAsciiSpace(inner.substr(0, comma));
      std::string_view hi = internal::TrimAsciiSpace(inner.substr(comma + 1));
      if (!lo.empty()) {
        HS_ASSIGN_OR_RETURN(Version v, Version::Parse(lo));
        res.lower = std::make_shared<Version>(std::move(v));
      }
      if (!hi.empty()) {
        HS_ASSIGN_OR_RETURN(Version v, Version::Parse(hi));
        res.upper = std::make_shared<Version>(std::move(v));
      }
      if (res.lower && res.upper) {
        int c = res.upper->Compare(*res.lower);
        if (c < 0 || (c == 0 && (!res.lower_inclusive || !res.upper_inclusive))) {
          return bad("range defies version ordering");
        }
      }
    }
    if (have_upper && upper_bound) {
      if (!res.lower || res.lower->Compare(*upper_bound) < 0) return bad("ranges overlap");
    }
    upper_bound = res.upper;
    have_upper = true;
    range.restrictions_.push_back(std::move(res));
    process = internal::TrimAsciiSpace(process.substr(index + 1));
    if (!process.empty() && process.front() == ',') process = internal::TrimAsciiSpace(process.substr(1));
  }
  if (!process.empty()) {
    if (!range.restrictions_.empty()) return bad("only fully-qualified sets allowed in multiple set scenario");
    HS_ASSIGN_OR_RETURN(Version v, Version::Parse(process));
    Restriction res;
    res.lower = std::make_shared<Version>(std::move(v));
    res.upper = res.lower;
    res.lower_inclusive = res.upper_inclusive = true;
    range.restrictions_.push_back(std::move(res));
  }
  return range;
}

bool Range::Contains(const Version& v) const {
  for (const Restriction& r : restrictions_) {
    if (r.lower) {
      int c = r.lower->Compare(v);
      if (c > 0 || (c == 0 && !r.lower_inclusive)) continue;
    }
    if (r.upper) {
      int c = r.upper->Compare(v);
      if (c < 0 || (c == 0 && !r.upper_inclusive)) continue;
    }
    return true;
  }
  return false;
}

namespace {

class MavenScheme final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    HS_TRY(Version::Parse(v));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(Version va, Version::Parse(a));
    HS_ASSIGN_OR_RETURN(Version vb, Version::Parse(b));
    return internal::Sign(va.Compare(vb));
  }
  Result<bool> Satisfies(std::string_view version, std::string_view constraint) const override {
    HS_ASSIGN_OR_RETURN(Version v, Version::Parse(version));
    HS_ASSIGN_OR_RETURN(Range r, Range::Parse(constraint));
    return r.Contains(v);
  }
  Status ValidateConstraint(std::string_view constraint) const override {
    HS_TRY(Range::Parse(constraint));
    return OkStatus();
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const MavenScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::maven
