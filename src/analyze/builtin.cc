#include "analyze/analyzer.h"
#include "analyze/apk/apk.h"
#include "analyze/dpkg/dpkg.h"
#include "analyze/lang/dotnet/dotnet.h"
#include "analyze/lang/go/go.h"
#include "analyze/lang/java/java.h"
#include "analyze/lang/npm/npm.h"
#include "analyze/lang/php/php.h"
#include "analyze/lang/python/python.h"
#include "analyze/lang/ruby/ruby.h"
#include "analyze/lang/rust/rust.h"
#include "analyze/os/os.h"
#include "analyze/rpm/rpm.h"

namespace hullscan::analyze {

// The explicit list (no static self-registration): adding an ecosystem adds one line here.
AnalyzerList BuiltinAnalyzers() {
  AnalyzerList list;
  list.push_back(NewOsFilesAnalyzer());
  list.push_back(NewDpkgAnalyzer());
  list.push_back(NewApkAnalyzer());
  list.push_back(NewRpmAnalyzer());
  list.push_back(NewPythonAnalyzer());
  list.push_back(NewNpmAnalyzer());
  list.push_back(NewGoBinaryAnalyzer());
  list.push_back(NewGoModAnalyzer());
  list.push_back(NewRustAnalyzer());
  list.push_back(NewJavaAnalyzer());
  list.push_back(NewRubyAnalyzer());
  list.push_back(NewPhpAnalyzer());
  list.push_back(NewDotnetAnalyzer());
  return list;
}

std::string AnalyzerSetVersion(const AnalyzerList& analyzers) {
  std::string out;
  for (const auto& a : analyzers) {
    if (!out.empty()) out += ',';
    out.append(a->Name()).append(":").append(std::to_string(a->Version()));
  }
  return out;
}

}  // namespace hullscan::analyze
