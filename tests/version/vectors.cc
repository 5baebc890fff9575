#include "vectors.h"

#include <algorithm>
#include <set>

#include "testing/testdata.h"

namespace hullscan::version::testing {

const std::string& Row::operator[](size_t i) const {
  static const std::string kEmpty;
  return i < cells.size() ? cells[i] : kEmpty;
}

std::string Row::Where() const {
  std::string out = file + ":" + std::to_string(line) + ": ";
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += " | ";
    out += cells[i];
  }
  return out;
}

namespace {

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      switch (n) {
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case '\\': out += '\\'; break;
        default: out += '\\'; out += n; break;
      }
    } else {
      out += s[i];
    }
  }
  return out;
}

std::filesystem::path VersionsDir() { return hullscan::testing::TestData() / "versions"; }

}  // namespace

std::vector<Row> LoadTsv(const std::string& rel_path, bool escaped) {
  std::string text = hullscan::testing::ReadFileOrFail(VersionsDir() / rel_path);
  std::vector<Row> rows;
  size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view l(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++line;
    if (line == 1) continue;  // header
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    Row row;
    row.file = rel_path;
    row.line = line;
    size_t start = 0;
    while (true) {
      size_t tab = l.find('\t', start);
      std::string_view cell = l.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
      row.cells.push_back(escaped ? Unescape(cell) : std::string(cell));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  EXPECT_FALSE(rows.empty()) << rel_path << " has no rows";
  return rows;
}

std::vector<std::string> LoadLines(const std::string& rel_path) {
  std::string text = hullscan::testing::ReadFileOrFail(VersionsDir() / rel_path);
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string l = text.substr(pos, (nl == std::string::npos ? text.size() : nl) - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

nlohmann::json LoadJson(const std::string& rel_path) {
  std::string text = hullscan::testing::ReadFileOrFail(VersionsDir() / rel_path);
  auto j = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << rel_path;
  return j;
}

int ExpectedOrder(const std::string& s) {
  if (s == "-1") return -1;
  if (s == "0") return 0;
  if (s == "1") return 1;
  ADD_FAILURE() << "unexpected expected-order value " << s;
  return 0;
}

void ExpectTotalOrder(const Scheme& scheme, const std::vector<std::string>& input) {
  std::vector<std::string> versions;
  std::set<std::string> seen;
  for (const std::string& v : input) {
    if (scheme.Validate(v).ok() && seen.insert(v).second) versions.push_back(v);
  }
  ASSERT_GE(versions.size(), 3u) << scheme.Name();
  const size_t n = versions.size();
  std::vector<int> m(n * n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      auto c = scheme.Compare(versions[i], versions[j]);
      ASSERT_TRUE(c.ok()) << c.error().message();
      m[i * n + j] = *c;
      ASSERT_TRUE(*c >= -1 && *c <= 1) << versions[i] << " vs " << versions[j];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(m[i * n + i], 0) << scheme.Name() << ": not reflexive: " << versions[i];
    for (size_t j = 0; j < n; ++j) {
      ASSERT_EQ(m[i * n + j], -m[j * n + i]) << scheme.Name() << ": not antisymmetric: " << versions[i] << " vs "
                                            << versions[j];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      int ij = m[i * n + j];
      if (ij > 0) continue;
      for (size_t k = 0; k < n; ++k) {
        int jk = m[j * n + k];
        if (jk > 0) continue;
        int ik = m[i * n + k];
        // a <= b and b <= c imply a <= c, strictly when either step is strict.
        int expect_max = (ij < 0 || jk < 0) ? -1 : 0;
        ASSERT_LE(ik, expect_max) << scheme.Name() << ": not transitive: " << versions[i] << " / " << versions[j]
                                  << " / " << versions[k];
      }
    }
  }
}

}  // namespace hullscan::version::testing
