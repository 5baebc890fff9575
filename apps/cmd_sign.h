// `hullscan key generate`, `hullscan sign`, `hullscan verify`, and the signature gate of
// `hullscan image --require-signature`: cosign/skopeo-compatible key-pair signatures (the
// sha256-<hex>.sig tag), cosign 3's Sigstore bundles (OCI referrers) and Notation signatures.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "apps/cmd_scan.h"
#include "base/status.h"
#include "report/report.h"

namespace hullscan::apps {

struct SignFlags {
  std::string image;     // a registry reference or oci:DIR[:ref]
  std::string key;       // private key (sign) or public key (verify)
  std::vector<std::string> annotations;  // -a k=v
  std::string identity;  // verify: the repository the signature must name (default: the image's)
  std::string reference; // sign: the docker-reference to write (default: the image's repository)
  bool offline = true;   // verify: no transparency log (the only mode)
  std::string trust_policy;  // verify: Notation trustpolicy.json
  std::string trust_store;   // verify: Notation trust store root (x509/ca/<name>/…)
  std::string format = "table";  // verify: table or json
  ScanFlags registry;    // registry access flags (--username, --cacert, --insecure, …)
};

// The password for a private key: $HULLSCAN_PASSWORD, else $COSIGN_PASSWORD, else a prompt on the
// terminal (twice when `confirm`). Set-but-empty variables mean an empty password, as cosign does.
Result<std::string> KeyPassword(bool confirm);

int RunKeyGenerate(const std::string& prefix, std::ostream& out);
int RunSign(const SignFlags& flags, std::ostream& out);
int RunVerify(const SignFlags& flags, std::ostream& out);

// The gate of `image --require-signature`: the verdict (for the report) when the image (a registry
// reference or OCI layout) carries a valid signature for the key; else an error saying why not,
// per signature.
Result<report::SignatureStatus> RequireSignature(const std::string& image, const std::string& public_key_file,
                                                 const ScanFlags& flags);

}  // namespace hullscan::apps
