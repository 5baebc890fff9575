// Running the hullscan binary from end-to-end tests, and finding the reference images.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace hullscan::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Single-quotes `s` for the shell.
inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `HULLSCAN_BIN args` (args already quoted) in the shell with `env` ("NAME=value …", quoted)
// before it, capturing stdout and stderr into files in `dir`.
inline CliRun Hullscan(const std::string& args, const std::filesystem::path& dir, const std::string& env = "") {
  std::filesystem::path out = dir / "stdout", err = dir / "stderr";
  std::string cmd = env + (env.empty() ? "" : " ") + std::string(HULLSCAN_BIN) + " " + args + " >" +
                    Quote(out.string()) + " 2>" + Quote(err.string());
  int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

// $HULLSCAN_IMAGES: the reference images (scripts/build-test-images), or empty.
inline std::filesystem::path ImagesDir() {
  const char* env = std::getenv("HULLSCAN_IMAGES");
  return env ? std::filesystem::path(env) : std::filesystem::path();
}

struct ImageRow {
  std::string key, ref, manifest_digest;
};

// images.tsv of the reference images: key, ref, …, manifest_digest.
inline std::vector<ImageRow> Images() {
  std::vector<ImageRow> rows;
  std::ifstream in(ImagesDir() / "images.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) f.push_back(cell);
    if (f.size() >= 7) rows.push_back({f[0], f[1], f[6]});
  }
  return rows;
}

}  // namespace hullscan::testing
