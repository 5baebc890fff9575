// Inventories and helpers shared by the report tests.
//
// Inventories are built in the test, since the report module's input is an Inventory (the analyzers'
// own tests cover parsing). Where the shared test data gives real package facts, they are used: the
// Ubuntu 18.04 packages dpkg-query lists for trivy's "valid" status file, the Alpine 3.21.3
// packages (with their SPDX licence strings) from apk-tools' own test suite, and the licences Syft
// reads from a Debian copyright file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "checks/finding.h"
#include "inventory/inventory.h"
#include "match/finding.h"
#include "report/report.h"

namespace hullscan::report::testing {

// A fake but well-formed "sha256:<64 hex>" derived from `seed`.
std::string FakeDigest(std::string_view seed);

// docker.io/library/ubuntu:18.04 with the 90 installed packages of
// osdb/dpkg/trivy-ubuntu1804-valid (dpkg-query's view; maintainers from trivy's expectation),
// two layers, purls set as the inventory sets them.
inventory::Inventory UbuntuInventory();

// alpine:3.21.3 with the 39 packages of osdb/apk/apk-tools-alpine3.21.3, licences as recorded;
// purls left empty (the writers must compute them).
inventory::Inventory AlpineInventory();

// Hostile and awkward values: unicode, spaces, '@', '/', very long name and version, invalid UTF-8,
// terminal escapes, empty licences, the same name for two architectures, the same package recorded
// twice, rpm epochs and modules, no distro, diagnostics.
inventory::Inventory TrickyInventory();

// TrickyInventory() on a detected RHEL 9.2 (with a CPE), so the awkward packages also hang off an OS.
inventory::Inventory RhelTrickyInventory();

// A root file system directory: no digests, no layers.
inventory::Inventory RootfsInventory();

// An image with nothing in it.
inventory::Inventory EmptyInventory();

// The small inventory docs/json-format.md shows.
inventory::Inventory ExampleInventory();

// The one finding docs/json-format.md shows, on ExampleInventory()'s libc6: Debian's record of
// CVE-2010-4756 (glibc glob() CPU exhaustion; "unimportant", no fix).
std::vector<match::Finding> ExampleFindings(const inventory::Inventory& example);

// Findings on packages of `inventory` that exercise every field and both suppression kinds:
// severities from CRITICAL to UNKNOWN, KEV, EPSS, several fixed versions, an id rated by two
// sources, VEX- and ignore-suppressed findings, odd dates and URLs, terminal escapes in titles.
// Every package of the inventory up to `max_packages` gets at least one.
std::vector<match::Finding> VariedFindings(const inventory::Inventory& inventory, size_t max_packages = 12);

// scantest/app-secrets:bookworm as ../shared/tools/make-images.sh builds it (build_secrets): its
// real manifest digest, layer diff_ids and history steps, USER root, its one label; no packages
// (the check reports are about the rest).
inventory::Inventory AppSecretsInventory();

// Check findings on AppSecretsInventory(), shaped as the checks report them (sorted, as after
// policy::ApplyChecks): the secrets make-images.sh planted (settings.py, the .env deleted in the
// top layer but still in the COPY layer, the SSH and TLS private keys, the AWS keys in ENV) with
// Trivy's rule titles and severities and Trivy-style masked matches; the root user, no
// HEALTHCHECK; one secret and one config finding suppressed by ignore rules.
std::vector<checks::Finding> AppSecretsCheckFindings();

// The three check findings docs/json-format.md shows: the GitHub token in app/.env, the root
// user, and the missing HEALTHCHECK (suppressed by an ignore rule).
std::vector<checks::Finding> ExampleCheckFindings();

// Findings of `hullscan config` on a Dockerfile and a Kubernetes manifest (target, line, resource).
std::vector<checks::Finding> ConfigFileCheckFindings();

// Awkward values: terminal escapes and invalid UTF-8 in messages, spaces, '#', '%' and ':' in
// paths, an empty title, UNKNOWN and NEGLIGIBLE severities, very long matches.
std::vector<checks::Finding> TrickyCheckFindings();

// The raw secret values the masked matches of AppSecretsCheckFindings() stand for: they must never
// appear in a report.
std::vector<std::string> UnmaskedSecretValues();

// Fixed options: tool version "0.1.0-test", timestamp 2024-01-02T03:04:05Z.
Options TestOptions();

// The whole document, or a test failure and "".
std::string Render(const inventory::Inventory& inventory, Format format, const Options& options = TestOptions());

// WriteReport with the findings (nullptr: SBOM only), or a test failure and "".
std::string RenderReport(const inventory::Inventory& inventory, const std::vector<match::Finding>* findings,
                         Format format, const Options& options = TestOptions());

// WriteReport with vulnerability findings and check findings (either may be nullptr); scanners
// "vuln" when vulns are given, "config" and "secret" when checks are.
std::string RenderScan(const inventory::Inventory& inventory, const std::vector<match::Finding>* vulns,
                       const std::vector<checks::Finding>* checks, Format format,
                       const Options& options = TestOptions());

void WriteFile(const std::filesystem::path& path, const std::string& content);

struct ValidatorResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr of validate.mjs
};
// True when `node` can be run here.
bool NodeAvailable();
// Runs tests/tools/schema-validator/validate.mjs with ../shared/schemas/<schema> on the files.
ValidatorResult RunSchemaValidator(const std::string& schema, const std::vector<std::filesystem::path>& files);

}  // namespace hullscan::report::testing
