// libFuzzer target: a layer blob end to end — decompression (gzip via ISA-L, zstd, none chosen by
// magic bytes), the tar walk (libarchive), whiteouts and path cleaning, and every built-in
// analyzer on what the walk hands them. The digest checks run too (they fail, as they should
// for random input), so the Explain() path is exercised as well.
// Seeds: small real layers (scripts/fuzz makes them from the shared test data).
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyze/analyzer.h"
#include "analyze/layer_analysis.h"
#include "base/digest.h"
#include "io/reader.h"
#include "layer/layer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hullscan;
  static const analyze::AnalyzerList analyzers = analyze::BuiltinAnalyzers();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  layer::Limits limits;
  limits.max_layer_bytes = 64 << 20;  // keep each input fast; bombs must stop here
  Digest diff_id = Sha256::Of(bytes);  // matches when the input is a plain tar
  auto stream = layer::OpenLayerStream(io::NewStringReader(bytes), std::nullopt, -1, diff_id, limits);
  if (!stream.ok()) return 0;
  analyze::LayerAnalysis analysis(analyzers, diff_id.ToString());
  Status walked = layer::WalkTar(**stream, analysis, limits);
  if (!walked.ok()) (void)(*stream)->Explain(std::move(walked).error());
  (void)std::move(analysis).Finish();
  return 0;
}
