#include "net/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <system_error>
#include <vector>

#include "base/strings.h"
#include "io/reader.h"
#include "net/reference.h"

extern char** environ;

namespace hullscan::net {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr uint64_t kMaxConfigBytes = 4 << 20;
constexpr size_t kMaxHelperOutput = 1 << 20;
constexpr std::chrono::seconds kHelperTimeout{30};
// What docker-credential-helpers print (credentials.ErrCredentialsNotFound) when they hold nothing.
constexpr std::string_view kHelperNotFound = "credentials not found in native keychain";
// A helper's Username meaning "Secret is an identity token" (docker/cli credentials/native_store.go).
constexpr std::string_view kTokenUsername = "<token>";
constexpr std::string_view kDockerHubServerUrl = "https://index.docker.io/v1/";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string Shown(std::string_view s) { return QuoteForMessage(s, '\'', 128); }

bool IsDockerHub(std::string_view registry) {
  return registry == kDockerHub || registry == "index.docker.io" || registry == "registry-1.docker.io";
}

// Where a registry's entry may be stored.
struct HostKeys {
  std::vector<std::string> exact;      // tried first, in order
  std::vector<std::string> hostnames;  // then any key that reduces to one of these (in this order)
  std::vector<std::string> helper_urls;  // what is handed to a credential helper, in order
};

HostKeys KeysFor(std::string_view registry) {
  HostKeys k;
  if (IsDockerHub(registry)) {
    // `docker login` stores Docker Hub under its v1 index URL; podman and skopeo under docker.io.
    k.exact = {std::string(kDockerHubServerUrl), "index.docker.io", "docker.io", "registry-1.docker.io"};
    k.hostnames = {"index.docker.io", "docker.io", "registry-1.docker.io"};
    k.helper_urls = {std::string(kDockerHubServerUrl), "index.docker.io", "docker.io"};
  } else {
    std::string r(registry);
    k.exact = {r, "https://" + r, "http://" + r};
    k.hostnames = {r};
    k.helper_urls = {r};
  }
  return k;
}

// docker/cli credentials.ConvertToHostname: "https://host:5000/v1/" → "host:5000".
std::string_view ConvertToHostname(std::string_view key) {
  if (StartsWith(key, "http://")) key.remove_prefix(7);
  else if (StartsWith(key, "https://")) key.remove_prefix(8);
  if (size_t slash = key.find('/'); slash != std::string_view::npos) key = key.substr(0, slash);
  return key;
}

// The entry of `object` (an "auths" or "credHelpers" map) for the registry, or nullptr.
const json* FindEntry(const json& object, const HostKeys& keys, std::string* key_found) {
  for (const auto& k : keys.exact) {
    auto it = object.find(k);
    if (it != object.end()) {
      *key_found = k;
      return &*it;
    }
  }
  for (const auto& host : keys.hostnames) {
    for (auto it = object.begin(); it != object.end(); ++it) {  // sorted keys: a stable choice
      if (ConvertToHostname(it.key()) == host) {
        *key_found = it.key();
        return &*it;
      }
    }
  }
  return nullptr;
}

// RFC 4648 base64 (standard alphabet). Padding may be absent; line breaks are skipped, as Go's
// decoder does. nullopt when any other byte is not of the alphabet or the length is impossible.
std::optional<std::string> DecodeBase64(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t symbols = 0, padding = 0;
  for (char c : in) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    int v = value(c);
    if (v < 0) return std::nullopt;
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (symbols % 4 == 1) return std::nullopt;
  if (padding > 0 && (symbols + padding) % 4 != 0) return std::nullopt;
  if (padding > 2) return std::nullopt;
  // The unused low bits of the last symbol must be zero (a canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

// A string member of `entry`, or an error naming the file, the key and the field.
Result<std::string> StringField(const json& entry, const char* field, const std::string& where) {
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Corrupt(where + ": '" + field + "' is not a string");
  return it->get<std::string>();
}

// One "auths" entry: {"auth": base64(user:pass), "username", "password", "identitytoken", "registrytoken"}.
Result<Credential> CredentialFromAuthEntry(const json& entry, const std::string& where, std::string source) {
  if (!entry.is_object()) return Corrupt(where + " is not an object");
  Credential c;
  HS_ASSIGN_OR_RETURN(c.username, StringField(entry, "username", where));
  HS_ASSIGN_OR_RETURN(c.password, StringField(entry, "password", where));
  HS_ASSIGN_OR_RETURN(std::string auth, StringField(entry, "auth", where));
  HS_ASSIGN_OR_RETURN(c.identity_token, StringField(entry, "identitytoken", where));
  HS_ASSIGN_OR_RETURN(c.registry_token, StringField(entry, "registrytoken", where));
  if (!auth.empty()) {
    // docker/cli configfile decodeAuth: split at the first ':', the password may hold more.
    std::optional<std::string> decoded = DecodeBase64(auth);
    if (!decoded) return Corrupt(where + ": 'auth' is not valid base64");
    size_t colon = decoded->find(':');
    if (colon == std::string::npos || colon == 0)
      return Corrupt(where + ": 'auth' does not decode to username:password");
    c.username = decoded->substr(0, colon);
    c.password = decoded->substr(colon + 1);
    while (!c.password.empty() && c.password.back() == '\0') c.password.pop_back();
  }
  c.source = std::move(source);
  return c;
}

// A parsed config file; nullopt when the file does not exist.
Result<std::optional<json>> LoadJsonFile(const fs::path& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    if (!ec || ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory)
      return std::optional<json>();
    return IoErrorFromErrno(path.string(), ec.value());
  }
  if (!fs::is_regular_file(st)) return Corrupt(path.string() + ": not a regular file");
  auto text = io::ReadFile(path, kMaxConfigBytes);
  if (!text.ok()) return std::move(text).error();
  // No exception text in the message: nlohmann's includes bytes of the file, which may be secrets.
  json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Corrupt(path.string() + ": not valid JSON");
  if (!doc.is_object()) return Corrupt(path.string() + ": not a JSON object");
  return std::optional<json>(std::move(doc));
}

bool ValidHelperName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.';
    if (!ok) return false;
  }
  return name != "." && name != "..";
}

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct HelperRun {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs `docker-credential-<helper> get` (found on PATH, never through a shell) with `input` on
// stdin; collects stdout and stderr. The child is killed after kHelperTimeout.
Result<HelperRun> RunHelper(const std::string& helper, std::string_view input, const std::string& what) {
  const std::string program = "docker-credential-" + helper;
  int in_pair[2], out_pipe[2], err_pipe[2];
  // stdin is a socket so that writing to a helper that exited early fails with EPIPE
  // (MSG_NOSIGNAL) instead of raising SIGPIPE in the whole process.
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) return IoErrorFromErrno(what + ": socketpair", errno);
  Fd in_parent(in_pair[0]), in_child(in_pair[1]);
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return IoErrorFromErrno(what + ": pipe", errno);
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return IoErrorFromErrno(what + ": pipe", errno);
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_child.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string arg0 = program, arg1 = "get";
  std::array<char*, 3> argv{arg0.data(), arg1.data(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc == ENOENT) return NotFound(what + ": " + program + " is not on PATH");
  if (rc != 0) return IoErrorFromErrno(what + ": cannot run " + program, rc);
  in_child.Close();
  out_write.Close();
  err_write.Close();

  const auto deadline = std::chrono::steady_clock::now() + kHelperTimeout;
  HelperRun run;
  size_t written = 0;
  bool out_open = true, err_open = true;
  std::string failure;
  for (int fd : {in_parent.get(), out_read.get(), err_read.get()}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (input.empty()) in_parent.Close();
  while (failure.empty() && (out_open || err_open || in_parent.get() >= 0)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = "timed out after " + std::to_string(kHelperTimeout.count()) + " s";
      break;
    }
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    int in_i = -1, out_i = -1, err_i = -1;
    if (in_parent.get() >= 0) { in_i = static_cast<int>(n); fds[n++] = {in_parent.get(), POLLOUT, 0}; }
    if (out_open) { out_i = static_cast<int>(n); fds[n++] = {out_read.get(), POLLIN, 0}; }
    if (err_open) { err_i = static_cast<int>(n); fds[n++] = {err_read.get(), POLLIN, 0}; }
    int ready = poll(fds.data(), n, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      failure = "poll failed";
      break;
    }
    if (in_i >= 0 && fds[in_i].revents != 0) {
      ssize_t w = send(in_parent.get(), input.data() + written, input.size() - written, MSG_NOSIGNAL);
      if (w > 0) written += static_cast<size_t>(w);
      // A helper that exits without reading its input is its own business: its exit status tells.
      if (w < 0 && errno != EAGAIN && errno != EINTR) in_parent.Close();
      if (written == input.size()) in_parent.Close();  // EOF tells the helper the input is complete
    }
    auto drain = [&](int index, int fd, std::string& sink, bool& open) {
      if (index < 0 || fds[index].revents == 0) return;
      char buf[8192];
      ssize_t r = read(fd, buf, sizeof buf);
      if (r > 0) {
        sink.append(buf, static_cast<size_t>(r));
        if (sink.size() > kMaxHelperOutput) failure = "wrote more than 1 MiB";
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        open = false;
      }
    };
    drain(out_i, out_read.get(), run.out, out_open);
    drain(err_i, err_read.get(), run.err, err_open);
  }
  // Reap the child; kill it when it failed above or outlives the deadline.
  int status = 0;
  if (!failure.empty()) kill(pid, SIGKILL);
  while (true) {
    pid_t w = waitpid(pid, &status, failure.empty() ? WNOHANG : 0);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {
      failure = failure.empty() ? "waitpid failed" : failure;
      break;
    }
    if (w == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        failure = "timed out after " + std::to_string(kHelperTimeout.count()) + " s";
        kill(pid, SIGKILL);
        continue;  // now reaped blocking
      }
      usleep(5000);
    }
  }
  if (!failure.empty()) return Unavailable(what + ": " + program + " get " + failure);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Asks a credential helper for `server_url`. nullopt when it holds nothing for it.
Result<std::optional<Credential>> AskHelper(const std::string& helper, const std::string& server_url,
                                            const std::string& source, std::string_view registry) {
  const std::string what = source + " for " + Shown(registry);
  HS_ASSIGN_OR_RETURN(HelperRun run, RunHelper(helper, server_url, what));
  if (run.exit_code != 0) {
    if (TrimSpace(run.out) == kHelperNotFound || TrimSpace(run.err) == kHelperNotFound)
      return std::optional<Credential>();
    // The helper's output is not quoted: a confused helper may print what it holds.
    std::string how = run.exit_code < 0 ? "was killed by a signal" : "exited with status " + std::to_string(run.exit_code);
    return Unavailable(what + ": docker-credential-" + helper + " get " + how);
  }
  json doc = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Corrupt(what + ": docker-credential-" + helper + " get did not print a JSON object");
  std::string username, secret;
  auto get = [&](const char* field, std::string* out) -> Status {
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) return OkStatus();
    if (!it->is_string())
      return Corrupt(what + ": docker-credential-" + helper + " get printed a non-string " + field);
    *out = it->get<std::string>();
    return OkStatus();
  };
  HS_TRY(get("Username", &username));
  HS_TRY(get("Secret", &secret));
  if (username.empty() && secret.empty()) return std::optional<Credential>();
  Credential c;
  if (username == kTokenUsername) {
    c.identity_token = std::move(secret);
  } else {
    c.username = std::move(username);
    c.password = std::move(secret);
  }
  c.source = source;
  return std::optional<Credential>(std::move(c));
}

Result<std::optional<Credential>> AskHelperForRegistry(const std::string& helper, const HostKeys& keys,
                                                       const std::string& source, std::string_view registry) {
  for (const auto& url : keys.helper_urls) {
    HS_ASSIGN_OR_RETURN(std::optional<Credential> c, AskHelper(helper, url, source, registry));
    if (c) return c;
  }
  return std::optional<Credential>();
}

// The "auths" entry for the registry in a parsed config, if any and not empty.
Result<std::optional<Credential>> FromAuths(const json& doc, const fs::path& path, const HostKeys& keys,
                                            const std::string& source) {
  auto auths = doc.find("auths");
  if (auths == doc.end() || auths->is_null()) return std::optional<Credential>();
  if (!auths->is_object()) return Corrupt(path.string() + ": 'auths' is not an object");
  std::string key;
  const json* entry = FindEntry(*auths, keys, &key);
  if (!entry) return std::optional<Credential>();
  HS_ASSIGN_OR_RETURN(Credential c, CredentialFromAuthEntry(*entry, path.string() + ": auths[" + Shown(key) + "]", source));
  if (c.empty()) return std::optional<Credential>();  // e.g. {} left beside a credsStore
  return std::optional<Credential>(std::move(c));
}

Result<std::optional<Credential>> FromDockerConfig(const fs::path& path, std::string_view registry) {
  HS_ASSIGN_OR_RETURN(std::optional<json> doc, LoadJsonFile(path));
  if (!doc) return std::optional<Credential>();
  const HostKeys keys = KeysFor(registry);

  // credHelpers[host] → that helper; else credsStore → the default store. As docker's native
  // store, a helper that holds nothing falls back to the file's own "auths".
  std::string helper, source;
  if (auto helpers = doc->find("credHelpers"); helpers != doc->end() && !helpers->is_null()) {
    if (!helpers->is_object()) return Corrupt(path.string() + ": 'credHelpers' is not an object");
    std::string key;
    if (const json* name = FindEntry(*helpers, keys, &key)) {
      if (!name->is_string() || !ValidHelperName(name->get<std::string>()))
        return Corrupt(path.string() + ": credHelpers[" + Shown(key) + "] is not a helper name");
      helper = name->get<std::string>();
      source = "docker config credHelpers (" + helper + ")";
    }
  }
  if (helper.empty()) {
    if (auto store = doc->find("credsStore"); store != doc->end() && !store->is_null()) {
      if (!store->is_string()) return Corrupt(path.string() + ": 'credsStore' is not a string");
      std::string name = store->get<std::string>();
      if (!name.empty()) {
        if (!ValidHelperName(name)) return Corrupt(path.string() + ": 'credsStore' is not a helper name");
        helper = name;
        source = "docker config credsStore (" + helper + ")";
      }
    }
  }
  if (!helper.empty()) {
    auto c = AskHelperForRegistry(helper, keys, source, registry);
    if (!c.ok()) return std::move(c).error().AddContext(path.string());
    if (*c) return c;
  }
  return FromAuths(*doc, path, keys, "docker config " + path.string());
}

Result<std::optional<Credential>> FromAuthFile(const fs::path& path, std::string_view registry) {
  HS_ASSIGN_OR_RETURN(std::optional<json> doc, LoadJsonFile(path));
  if (!doc) return std::optional<Credential>();
  return FromAuths(*doc, path, KeysFor(registry), "containers auth file " + path.string());
}

fs::path DefaultDockerConfig() {
  if (std::string dir = Env("DOCKER_CONFIG"); !dir.empty()) return fs::path(dir) / "config.json";
  std::string home = Env("HOME");
  if (home.empty()) {
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) home = pw->pw_dir;
  }
  if (home.empty()) return {};
  return fs::path(home) / ".docker" / "config.json";
}

fs::path DefaultAuthFile() {
  if (std::string file = Env("REGISTRY_AUTH_FILE"); !file.empty()) return file;
  if (std::string run = Env("XDG_RUNTIME_DIR"); !run.empty()) return fs::path(run) / "containers" / "auth.json";
  return {};
}

// A username and password given together (flags or environment), or an error when only one is.
Result<std::optional<Credential>> Pair(const std::optional<std::string>& user, const std::optional<std::string>& pass,
                                       std::string_view user_name, std::string_view pass_name) {
  if (!user && !pass) return std::optional<Credential>();
  if (!user) return InvalidArgument(std::string(pass_name) + " is given without " + std::string(user_name));
  if (!pass) return InvalidArgument(std::string(user_name) + " is given without " + std::string(pass_name));
  Credential c;
  c.username = *user;
  c.password = *pass;
  c.source = std::string(user_name);
  return std::optional<Credential>(std::move(c));
}

}  // namespace

Result<std::optional<Credential>> LookupCredential(std::string_view registry, const CredentialSources& sources) {
  // 1. Explicit flags.
  HS_ASSIGN_OR_RETURN(std::optional<Credential> explicit_cred,
                      Pair(sources.username, sources.password, "--username", "--password"));
  if (sources.registry_token) {
    if (!explicit_cred) explicit_cred.emplace();
    explicit_cred->registry_token = *sources.registry_token;
    if (explicit_cred->source.empty()) explicit_cred->source = "--registry-token";
  }
  if (explicit_cred) return explicit_cred;

  // 2. Environment.
  if (sources.use_environment) {
    auto opt_env = [](const char* name) -> std::optional<std::string> {
      const char* v = std::getenv(name);
      if (!v || !*v) return std::nullopt;
      return std::string(v);
    };
    HS_ASSIGN_OR_RETURN(std::optional<Credential> env_cred, Pair(opt_env("HULLSCAN_REGISTRY_USERNAME"), opt_env("HULLSCAN_REGISTRY_PASSWORD"),
                                                                 "HULLSCAN_REGISTRY_USERNAME", "HULLSCAN_REGISTRY_PASSWORD"));
    if (env_cred) return env_cred;
  }

  // 3. The Docker config.
  fs::path docker_config = sources.docker_config;
  if (docker_config.empty() && sources.use_environment) docker_config = DefaultDockerConfig();
  if (!docker_config.empty()) {
    HS_ASSIGN_OR_RETURN(std::optional<Credential> c, FromDockerConfig(docker_config, registry));
    if (c) return c;
  }

  // 4. The containers auth file.
  fs::path auth_file = sources.auth_file;
  if (auth_file.empty() && sources.use_environment) auth_file = DefaultAuthFile();
  if (!auth_file.empty()) {
    HS_ASSIGN_OR_RETURN(std::optional<Credential> c, FromAuthFile(auth_file, registry));
    if (c) return c;
  }
  return std::optional<Credential>();
}

}  // namespace hullscan::net
