// A port of apk-tools src/version.c (apk-tools 3: token_first/token_next/token_cmp, apk_version_compare_fuzzy).
#include "version/apk.h"

#include <cstdint>

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::apk {
namespace {

using internal::IsDigit;

constexpr std::string_view kName = "apk";

enum Token : int {
  kInitialDigit,
  kDigit,
  kLetter,
  kSuffix,
  kSuffixNo,
  kCommitHash,
  kRevisionNo,
  kEnd,
  kInvalid,
};

// Suffix values in apk's order; kSuffixNone is the pivot between pre-release and post-release suffixes.
enum Suffix : int {
  kSuffixInvalid,
  kAlpha,
  kBeta,
  kPre,
  kRc,
  kSuffixNone,
  kCvs,
  kSvn,
  kGit,
  kHg,
  kP,
};

constexpr uint8_t kVersionCompareLess = 1, kVersionCompareEqual = 2, kVersionCompareGreater = 4,
                  kVersionFuzzy = 8, kVersionConflict = 16;

struct TokenState {
  int token = kInitialDigit;
  int suffix = kSuffixInvalid;
  std::string_view value;  // the token's text (digits without the leading '.')
};

int SuffixValue(std::string_view s) {
  if (s == "alpha") return kAlpha;
  if (s == "beta") return kBeta;
  if (s == "pre") return kPre;
  if (s == "rc") return kRc;
  if (s == "cvs") return kCvs;
  if (s == "svn") return kSvn;
  if (s == "git") return kGit;
  if (s == "hg") return kHg;
  if (s == "p") return kP;
  return kSuffixInvalid;
}

void ParseDigits(TokenState* t, std::string_view* b) {
  size_t n = 0;
  while (n < b->size() && IsDigit((*b)[n])) ++n;
  t->value = b->substr(0, n);
  b->remove_prefix(n);
  if (n == 0) t->token = kInvalid;
}

void TokenFirst(TokenState* t, std::string_view* b) {
  t->token = kInitialDigit;
  ParseDigits(t, b);
}

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

void TokenNext(TokenState* t, std::string_view* b) {
  if (b->empty()) {
    t->token = kEnd;
    return;
  }
  char c = b->front();
  if (c >= 'a' && c <= 'z') {
    if (t->token > kDigit) goto invalid;
    t->value = b->substr(0, 1);
    t->token = kLetter;
    b->remove_prefix(1);
    return;
  }
  if (c == '.' || IsDigit(c)) {
    if (c == '.') {
      if (t->token > kDigit) goto invalid;
      b->remove_prefix(1);
    }
    switch (t->token) {
      case kInitialDigit:
      case kDigit:
        t->token = kDigit;
        break;
      case kSuffix:
        t->token = kSuffixNo;
        break;
      default:
        goto invalid;
    }
    ParseDigits(t, b);
    return;
  }
  if (c == '_') {
    if (t->token > kSuffixNo) goto invalid;
    b->remove_prefix(1);
    size_t n = 0;
    while (n < b->size() && (*b)[n] >= 'a' && (*b)[n] <= 'z') ++n;
    t->value = b->substr(0, n);
    b->remove_prefix(n);
    t->suffix = SuffixValue(t->value);
    if (t->suffix == kSuffixInvalid) goto invalid;
    t->token = kSuffix;
    return;
  }
  if (c == '~') {
    if (t->token >= kCommitHash) goto invalid;
    b->remove_prefix(1);
    size_t n = 0;
    while (n < b->size() && IsHex((*b)[n])) ++n;
    t->value = b->substr(0, n);
    b->remove_prefix(n);
    if (n == 0) goto invalid;
    t->token = kCommitHash;
    return;
  }
  if (c == '-') {
    if (t->token >= kRevisionNo) goto invalid;
    if (b->size() < 2 || (*b)[1] != 'r') goto invalid;
    b->remove_prefix(2);
    t->token = kRevisionNo;
    ParseDigits(t, b);
    return;
  }
invalid:
  t->token = kInvalid;
}

// apk_blob_sort(): memcmp over the common length, then the shorter first.
int BlobSort(std::string_view a, std::string_view b) {
  int r = a.compare(b);
  return internal::Sign(r);
}

int TokenCmp(const TokenState& a, const TokenState& b) {
  switch (a.token) {
    case kDigit:
      if (a.value.front() == '0' || b.value.front() == '0') return BlobSort(a.value, b.value);
      [[fallthrough]];
    case kInitialDigit:
    case kSuffixNo:
    case kRevisionNo:
      // apk compares uint64 values; comparing the digit strings numerically is the same without overflow.
      return internal::CompareDigits(a.value, b.value);
    case kLetter:
      return internal::Sign(static_cast<unsigned char>(a.value.front()) - static_cast<unsigned char>(b.value.front()));
    case kSuffix:
      return internal::Sign(a.suffix - b.suffix);
    default:
      return BlobSort(a.value, b.value);
  }
}

int CompareFuzzy(std::string_view a, std::string_view b, bool fuzzy) {
  TokenState ta, tb;
  TokenFirst(&ta, &a);
  TokenFirst(&tb, &b);
  while (ta.token == tb.token && ta.token < kEnd) {
    int r = TokenCmp(ta, tb);
    if (r != 0) return r;
    TokenNext(&ta, &a);
    TokenNext(&tb, &b);
  }
  if (ta.token == tb.token) return 0;
  if (tb.token == kEnd && fuzzy) return 0;
  if (ta.token == kSuffix && ta.suffix < kSuffixNone) return -1;
  if (tb.token == kSuffix && tb.suffix < kSuffixNone) return 1;
  if (ta.token > tb.token) return -1;
  if (tb.token > ta.token) return 1;
  return 0;
}

uint8_t CompareBit(int r) {
  return r < 0 ? kVersionCompareLess : (r > 0 ? kVersionCompareGreater : kVersionCompareEqual);
}

// apk_version_result_mask_blob() plus the "!" conflict prefix; 0 for an unknown operator.
uint8_t OpMask(std::string_view op) {
  uint8_t mask = 0;
  if (!op.empty() && op.front() == '!') {
    mask |= kVersionConflict;
    op.remove_prefix(1);
  }
  if (op.empty()) return 0;
  uint8_t r = 0;
  for (char c : op) {
    switch (c) {
      case '<': r |= kVersionCompareLess; break;
      case '>': r |= kVersionCompareGreater; break;
      case '=': r |= kVersionCompareEqual; break;
      case '~': r |= kVersionFuzzy | kVersionCompareEqual; break;
      default: return 0;
    }
  }
  return mask | r;
}

bool MatchMask(std::string_view a, uint8_t op, std::string_view b) {
  constexpr uint8_t kAny = kVersionCompareLess | kVersionCompareEqual | kVersionCompareGreater;
  bool ok = (op & kAny) == kAny || (CompareBit(CompareFuzzy(a, b, (op & kVersionFuzzy) != 0)) & op) != 0;
  if (op & kVersionConflict) ok = !ok;
  return ok;
}

}  // namespace

bool IsValid(std::string_view v) {
  TokenState t;
  for (TokenFirst(&t, &v); t.token < kEnd; TokenNext(&t, &v)) {
  }
  return t.token == kEnd;
}

int CompareRaw(std::string_view a, std::string_view b) { return CompareFuzzy(a, b, false); }

Result<bool> Match(std::string_view a, std::string_view op, std::string_view b) {
  uint8_t mask = OpMask(op);
  if ((mask & ~kVersionConflict) == 0) return internal::InvalidConstraint(kName, op, "unknown operator");
  return MatchMask(a, mask, b);
}

namespace {

class ApkScheme final : public internal::TermScheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    if (!IsValid(v)) return internal::InvalidVersion(kName, v, "not an apk version (digit{.digit}{letter}{_suffix{N}}{~hash}{-rN})");
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_TRY(Validate(a));
    HS_TRY(Validate(b));
    return CompareRaw(a, b);
  }

 protected:
  internal::ComparatorSyntax Syntax() const override { return {{"~", "<~", ">~"}, true}; }
  Result<bool> EvalTerm(std::string_view version, const internal::Term& term) const override {
    HS_TRY(Validate(term.version));
    return Match(version, term.op, term.version);
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const ApkScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::apk
