#include "testing/registry_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace hullscan::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

// The fixture's own requests (readiness probes, log sync markers) carry this User-Agent and are
// left out of Requests(), so tests count only what their code under test sent.
constexpr std::string_view kFixtureUserAgent = "hullscan-registry-fixture";
constexpr std::string_view kTokenService = "hullscan-test-registry";
constexpr std::string_view kTokenIssuer = "hullscan-test-token-server";

// ---------------------------------------------------------------------------------------------
// Files and processes.

std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool WriteWholeFile(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out.flush());
}

std::string Tail(const std::string& text, size_t max_chars = 2000) {
  return text.size() <= max_chars ? text : "…" + text.substr(text.size() - max_chars);
}

// The executable `name` on PATH, or empty.
fs::path FindProgram(const std::string& name) {
  const char* path_env = std::getenv("PATH");
  std::string path_list = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream ss(path_list);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

struct SpawnOptions {
  fs::path stdout_file;  // empty: /dev/null
  fs::path stderr_file;  // empty: /dev/null
  bool append = false;   // append to the files instead of truncating them
  bool new_session = false;
};

// fork + execve without a shell. The child dies with us (PR_SET_PDEATHSIG), so a crashing test
// leaves no registry behind. Everything the child needs is prepared before fork(): after it only
// async-signal-safe calls run.
pid_t SpawnProcess(const fs::path& program, const std::vector<std::string>& args, const SpawnOptions& options) {
  std::vector<std::string> argv_storage;
  argv_storage.push_back(program.string());
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string out_path = options.stdout_file.empty() ? "/dev/null" : options.stdout_file.string();
  std::string err_path = options.stderr_file.empty() ? "/dev/null" : options.stderr_file.string();
  int open_flags = O_WRONLY | O_CREAT | O_CLOEXEC | (options.append ? O_APPEND : O_TRUNC);
  pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (options.new_session) setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path.c_str(), open_flags, 0600);
    int err = open(err_path.c_str(), open_flags, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(argv[0], argv.data(), environ);
    _exit(127);
  }
  return pid;
}

// PR_SET_PDEATHSIG fires when the *thread* that forked exits, not the process. Tests call
// Restart() from short-lived threads (to kill a registry mid-transfer), so the long-running
// registry is forked from this thread, which lives as long as the process.
class ProcessLifetimeSpawner {
 public:
  static ProcessLifetimeSpawner& Instance() {
    // Never destroyed: the thread waits on these members until the process ends.
    static ProcessLifetimeSpawner* instance = new ProcessLifetimeSpawner();
    return *instance;
  }

  pid_t Spawn(const fs::path& program, const std::vector<std::string>& args, const SpawnOptions& options) {
    std::promise<pid_t> done;
    std::future<pid_t> result = done.get_future();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back([&] { done.set_value(SpawnProcess(program, args, options)); });
    }
    wake_.notify_one();
    return result.get();
  }

 private:
  ProcessLifetimeSpawner() {
    std::thread([this] { Loop(); }).detach();
  }

  void Loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !jobs_.empty(); });
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
};

int WaitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Runs a program to completion; returns its exit code (-1: could not start).
int RunProgram(const fs::path& program, const std::vector<std::string>& args, const fs::path& stdout_file,
               const fs::path& stderr_file) {
  SpawnOptions options;
  options.stdout_file = stdout_file;
  options.stderr_file = stderr_file;
  pid_t pid = SpawnProcess(program, args, options);
  if (pid < 0) return -1;
  return WaitForExit(pid);
}

// A loopback port nobody listens on right now (the registry binds it a moment later; Start()
// retries with another port if someone else was faster).
int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// ---------------------------------------------------------------------------------------------
// A tiny HTTP(S) GET for the fixture's own probes. Returns the status code, 0 on any failure.

int ConnectLoopback(int port, int timeout_ms) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int ParseStatusLine(const std::string& response) {
  // "HTTP/1.1 200 OK"
  size_t space = response.find(' ');
  if (response.rfind("HTTP/", 0) != 0 || space == std::string::npos || response.size() < space + 4) return 0;
  int status = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (response[i] < '0' || response[i] > '9') return 0;
    status = status * 10 + (response[i] - '0');
  }
  return status;
}

int FixtureGet(int port, bool tls, const std::string& path) {
  int fd = ConnectLoopback(port, 3000);
  if (fd < 0) return 0;
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUser-Agent: " + std::string(kFixtureUserAgent) + "\r\nConnection: close\r\n\r\n";
  std::string response;
  char buf[4096];
  if (!tls) {
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      ssize_t n;
      while (response.size() < 64 && (n = recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, n);
    }
  } else {
    // The registry's certificate is verified by the clients under test; the probe only needs the
    // status line.
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = ctx ? SSL_new(ctx) : nullptr;
    if (ssl && SSL_set_fd(ssl, fd) == 1 && SSL_connect(ssl) == 1 &&
        SSL_write(ssl, request.data(), static_cast<int>(request.size())) == static_cast<int>(request.size())) {
      int n;
      while (response.size() < 64 && (n = SSL_read(ssl, buf, sizeof(buf))) > 0) response.append(buf, n);
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
  close(fd);
  return ParseStatusLine(response);
}

// ---------------------------------------------------------------------------------------------
// Encodings and crypto.

std::string Base64(std::string_view data, bool url) {
  static constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char* alphabet = url ? kUrl : kStd;
  std::string out;
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(data[k])); };
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (!url) out += rest == 2 ? "=" : "==";
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string Sha256Digest(std::string_view data) { return "sha256:" + Hex(Sha256(data)); }

// libtrust's key ID ("ABCD:EFGH:…"): base32 of the first 240 bits of SHA-256 over the DER
// SubjectPublicKeyInfo, in groups of four. distribution keys its trusted keys by it.
std::string LibtrustKeyId(std::string_view spki_der) {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string hash = Sha256(spki_der).substr(0, 30);
  std::string b32;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : hash) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      b32 += kBase32[(acc >> bits) & 31];
    }
  }
  std::string out;
  for (size_t i = 0; i < b32.size(); i += 4) {
    if (!out.empty()) out += ':';
    out += b32.substr(i, 4);
  }
  return out;
}

std::string UrlDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string Rfc3339(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string YamlQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

// =============================================================================================
// LocalRegistry

struct LocalRegistry::State {
  RegistryConfig config;
  std::string push_username;  // htpasswd user or the token server's user
  std::string push_password;
  TempDir temp;
  fs::path dir;
  fs::path registry_program;
  fs::path skopeo_program;
  int port = 0;
  pid_t pid = -1;
  std::uintmax_t log_offset = 0;
  int sync_counter = 0;

  fs::path config_file() const { return dir / "config.yml"; }
  fs::path access_log() const { return dir / "access.log"; }
  fs::path registry_log() const { return dir / "registry.log"; }
  fs::path data_dir() const { return dir / "data"; }
  fs::path cert_file() const { return dir / "cert.pem"; }
  fs::path cert_dir() const { return dir / "certs.d"; }

  bool WriteConfig() const {
    std::string yml;
    yml += "version: 0.1\n";
    yml += "log:\n  level: info\n  accesslog:\n    disabled: false\n";
    yml += "storage:\n  filesystem:\n    rootdirectory: " + YamlQuote(data_dir().string()) + "\n";
    yml += "  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\n";
    yml += "  maintenance:\n    uploadpurging:\n      enabled: false\n";
    yml += "http:\n  addr: 127.0.0.1:" + std::to_string(port) + "\n  secret: hullscan-fixture-not-a-secret\n";
    if (config.tls) {
      yml += "  tls:\n    certificate: " + YamlQuote(cert_file().string()) + "\n    key: " +
             YamlQuote((dir / "key.pem").string()) + "\n";
    }
    yml += "  headers:\n    X-Content-Type-Options: [nosniff]\n";
    if (!config.username.empty()) {
      yml += "auth:\n  htpasswd:\n    realm: hullscan-test-registry\n    path: " + YamlQuote((dir / "htpasswd").string()) +
             "\n";
    } else if (config.token_server) {
      const TokenServer& ts = *config.token_server;
      yml += "auth:\n  token:\n    realm: " + YamlQuote(ts.realm()) + "\n    service: " + YamlQuote(ts.service()) +
             "\n    issuer: " + YamlQuote(ts.issuer()) + "\n    rootcertbundle: " +
             YamlQuote(ts.certificate_bundle().string()) + "\n";
    }
    return WriteWholeFile(config_file(), yml);
  }

  bool Launch() {
    SpawnOptions options;
    // The access log (combined log format) goes to stdout, the structured log to stderr.
    options.stdout_file = access_log();
    options.stderr_file = registry_log();
    options.append = true;
    options.new_session = true;
    pid = ProcessLifetimeSpawner::Instance().Spawn(registry_program, {"serve", config_file().string()}, options);
    return pid > 0;
  }

  // Reaps the process if it has exited.
  bool Alive() {
    if (pid <= 0) return false;
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == 0) return true;
    pid = -1;
    return false;
  }

  bool WaitReady(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (!Alive()) return false;
      int status = FixtureGet(port, config.tls, "/v2/");
      if (status == 200 || status == 401) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    return false;
  }

  void Terminate(int signal_number, std::chrono::milliseconds grace) {
    if (pid <= 0) return;
    kill(-pid, signal_number);  // its own session and process group (setsid)
    auto deadline = Clock::now() + grace;
    while (Clock::now() < deadline) {
      if (!Alive()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(-pid, SIGKILL);
    WaitForExit(pid);
    pid = -1;
  }

  // Makes sure every request answered so far is in the access log: the registry writes the line
  // after the response, so a test that reads the log right after its last request could miss it.
  // A marker request sent now is logged after those; wait for it.
  void SyncAccessLog() {
    if (!Alive()) return;  // a stopped registry has written everything
    std::string marker = "/v2/_hullscan_fixture_sync/" + std::to_string(++sync_counter);
    if (FixtureGet(port, config.tls, marker) == 0) return;
    auto deadline = Clock::now() + std::chrono::seconds(3);
    while (Clock::now() < deadline) {
      std::string log = ReadWholeFile(access_log());
      if (log.find(marker + " ") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::uintmax_t AccessLogSize() const {
    std::error_code ec;
    auto size = fs::file_size(access_log(), ec);
    return ec ? 0 : size;
  }
};

namespace {

// `127.0.0.1 - - [29/Nov/2026:00:43:40 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"`
std::optional<std::pair<RegistryRequest, std::string>> ParseAccessLogLine(std::string_view line) {
  size_t open = line.find("] \"");
  if (open == std::string_view::npos) return std::nullopt;
  size_t start = open + 3;
  size_t close = line.find('"', start);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view request_line = line.substr(start, close - start);
  size_t sp1 = request_line.find(' ');
  size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1) return std::nullopt;
  RegistryRequest request;
  request.method = std::string(request_line.substr(0, sp1));
  std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  request.path = std::string(target.substr(0, target.find('?')));
  size_t pos = close + 1;
  while (pos < line.size() && line[pos] == ' ') ++pos;
  while (pos < line.size() && line[pos] >= '0' && line[pos] <= '9') {
    request.status = request.status * 10 + (line[pos] - '0');
    ++pos;
  }
  // The user agent is the last quoted field.
  std::string user_agent;
  if (line.size() >= 2 && line.back() == '"') {
    size_t ua_open = line.rfind('"', line.size() - 2);
    if (ua_open != std::string_view::npos && ua_open > close) {
      user_agent = std::string(line.substr(ua_open + 1, line.size() - ua_open - 2));
    }
  }
  return std::make_pair(std::move(request), std::move(user_agent));
}

}  // namespace

std::unique_ptr<LocalRegistry> LocalRegistry::Start(const RegistryConfig& config) {
  if (!config.username.empty() && config.token_server) {
    ADD_FAILURE() << "RegistryConfig: htpasswd (username) and token_server are mutually exclusive";
    return nullptr;
  }
  std::unique_ptr<LocalRegistry> registry(new LocalRegistry());
  registry->state_ = std::make_unique<State>();
  State& s = *registry->state_;
  s.config = config;
  s.dir = s.temp.path();
  s.registry_program = FindProgram("docker-registry");
  s.skopeo_program = FindProgram("skopeo");
  if (s.registry_program.empty()) {
    ADD_FAILURE() << "docker-registry not found on PATH (Debian package docker-registry)";
    return nullptr;
  }
  if (s.skopeo_program.empty()) {
    ADD_FAILURE() << "skopeo not found on PATH (Debian package skopeo)";
    return nullptr;
  }
  std::error_code ec;
  fs::create_directories(s.data_dir(), ec);
  // skopeo's signature policy: our own, so a host policy that demands signatures cannot interfere.
  WriteWholeFile(s.dir / "policy.json", R"({"default":[{"type":"insecureAcceptAnything"}]})");

  if (!config.username.empty()) {
    fs::path htpasswd = FindProgram("htpasswd");
    if (htpasswd.empty()) {
      ADD_FAILURE() << "htpasswd not found on PATH (Debian package apache2-utils)";
      return nullptr;
    }
    if (RunProgram(htpasswd, {"-Bbn", config.username, config.password}, s.dir / "htpasswd",
                   s.dir / "htpasswd.stderr") != 0) {
      ADD_FAILURE() << "htpasswd failed: " << ReadWholeFile(s.dir / "htpasswd.stderr");
      return nullptr;
    }
    s.push_username = config.username;
    s.push_password = config.password;
  } else if (config.token_server) {
    s.push_username = config.token_server->username();
    s.push_password = config.token_server->password();
  }

  if (config.tls) {
    fs::path openssl = FindProgram("openssl");
    if (openssl.empty()) {
      ADD_FAILURE() << "openssl not found on PATH";
      return nullptr;
    }
    int rc = RunProgram(openssl,
                        {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout",
                         (s.dir / "key.pem").string(), "-out", s.cert_file().string()},
                        {}, s.dir / "openssl.stderr");
    if (rc != 0) {
      ADD_FAILURE() << "openssl req failed: " << ReadWholeFile(s.dir / "openssl.stderr");
      return nullptr;
    }
    fs::create_directories(s.cert_dir(), ec);
    fs::copy_file(s.cert_file(), s.cert_dir() / "ca.crt", fs::copy_options::overwrite_existing, ec);
  }

  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    s.port = FreeLoopbackPort();
    if (s.port == 0 || !s.WriteConfig()) {
      ADD_FAILURE() << "cannot prepare the registry in " << s.dir;
      return nullptr;
    }
    if (!s.Launch()) {
      ADD_FAILURE() << "cannot start " << s.registry_program;
      return nullptr;
    }
    if (s.WaitReady(std::chrono::seconds(20))) {
      s.log_offset = s.AccessLogSize();
      return registry;
    }
    bool still_running = s.Alive();
    s.Terminate(SIGKILL, std::chrono::seconds(2));
    std::string log = ReadWholeFile(s.registry_log());
    if (!still_running && log.find("address already in use") != std::string::npos) {
      WriteWholeFile(s.registry_log(), "");  // another process took the port between probe and bind: retry
      continue;
    }
    ADD_FAILURE() << "docker-registry did not come up on 127.0.0.1:" << s.port << ":\n" << Tail(log);
    return nullptr;
  }
  ADD_FAILURE() << "docker-registry: no free port after " << kAttempts << " attempts";
  return nullptr;
}

LocalRegistry::~LocalRegistry() {
  if (state_) Stop();
}

std::string LocalRegistry::host() const { return "127.0.0.1:" + std::to_string(state_->port); }
std::string LocalRegistry::url() const { return (state_->config.tls ? "https://" : "http://") + host(); }
fs::path LocalRegistry::ca_file() const { return state_->config.tls ? state_->cert_file() : fs::path(); }
fs::path LocalRegistry::dir() const { return state_->dir; }

::testing::AssertionResult LocalRegistry::Push(const std::string& source, const std::string& dest, bool all) const {
  const State& s = *state_;
  std::vector<std::string> args = {"--policy", (s.dir / "policy.json").string(), "copy", "-q"};
  if (all) args.push_back("--all");
  if (s.config.tls) {
    args.push_back("--dest-cert-dir");
    args.push_back(s.cert_dir().string());
  } else {
    args.push_back("--dest-tls-verify=false");  // plain HTTP
  }
  if (!s.push_username.empty()) {
    args.push_back("--dest-creds");
    args.push_back(s.push_username + ":" + s.push_password);
  }
  args.push_back(source);
  args.push_back("docker://" + host() + "/" + dest);
  fs::path stderr_file = s.dir / "skopeo.stderr";
  int rc = RunProgram(s.skopeo_program, args, {}, stderr_file);
  if (rc == 0) return ::testing::AssertionSuccess();
  // Only the source, destination and skopeo's own message: the arguments hold credentials.
  return ::testing::AssertionFailure() << "skopeo copy " << source << " docker://" << host() << "/" << dest
                                       << " failed (exit " << rc << "): " << Tail(ReadWholeFile(stderr_file));
}

void LocalRegistry::Stop() { state_->Terminate(SIGTERM, std::chrono::seconds(5)); }

void LocalRegistry::Kill() { state_->Terminate(SIGKILL, std::chrono::seconds(5)); }

::testing::AssertionResult LocalRegistry::Restart() {
  State& s = *state_;
  if (s.Alive()) Stop();
  if (!s.Launch()) return ::testing::AssertionFailure() << "cannot start " << s.registry_program;
  if (!s.WaitReady(std::chrono::seconds(20))) {
    s.Terminate(SIGKILL, std::chrono::seconds(2));
    return ::testing::AssertionFailure() << "docker-registry did not come back on " << host() << ":\n"
                                         << Tail(ReadWholeFile(s.registry_log()));
  }
  return ::testing::AssertionSuccess();
}

bool LocalRegistry::Running() const { return state_->Alive(); }

std::vector<RegistryRequest> LocalRegistry::Requests() const {
  State& s = *state_;
  s.SyncAccessLog();
  std::string log = ReadWholeFile(s.access_log());
  std::vector<RegistryRequest> requests;
  if (s.log_offset >= log.size()) return requests;
  std::stringstream lines(log.substr(s.log_offset));
  std::string line;
  while (std::getline(lines, line)) {
    auto parsed = ParseAccessLogLine(line);
    if (!parsed || parsed->second == kFixtureUserAgent) continue;
    requests.push_back(std::move(parsed->first));
  }
  return requests;
}

void LocalRegistry::ClearRequests() {
  state_->SyncAccessLog();
  state_->log_offset = state_->AccessLogSize();
}

int LocalRegistry::CountRequests(std::string_view method, std::string_view path_part) const {
  int count = 0;
  for (const RegistryRequest& r : Requests()) {
    if (r.method == method && r.path.find(path_part) != std::string::npos) ++count;
  }
  return count;
}

fs::path LocalRegistry::BlobFile(std::string_view digest) const {
  std::string_view hex = digest;
  if (size_t colon = hex.find(':'); colon != std::string_view::npos) hex.remove_prefix(colon + 1);
  if (hex.size() < 2) return {};
  return state_->data_dir() / "docker/registry/v2/blobs/sha256" / std::string(hex.substr(0, 2)) / std::string(hex) /
         "data";
}

// =============================================================================================
// TokenServer

struct TokenServer::State {
  std::string username;
  std::string password;
  int expires_in = 300;
  TempDir temp;
  fs::path cert_pem;
  std::string cert_der_base64;
  std::string key_id;
  EVP_PKEY* key = nullptr;
  int listen_fd = -1;
  int wake_pipe[2] = {-1, -1};
  int port = 0;
  std::thread thread;
  std::atomic<int> issued{0};
  std::atomic<int> refused{0};

  ~State() {
    if (thread.joinable()) {
      char c = 'x';
      (void)!write(wake_pipe[1], &c, 1);
      thread.join();
    }
    if (listen_fd >= 0) close(listen_fd);
    for (int fd : wake_pipe) {
      if (fd >= 0) close(fd);
    }
    EVP_PKEY_free(key);
  }

  bool MakeKeyAndCertificate() {
    key = EVP_RSA_gen(2048);
    if (!key) return false;
    X509* cert = X509_new();
    bool ok = cert != nullptr;
    if (ok) {
      X509_set_version(cert, 2);
      unsigned char serial_bytes[8];
      RAND_bytes(serial_bytes, sizeof(serial_bytes));
      serial_bytes[0] &= 0x7f;  // positive
      BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
      BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert));
      BN_free(serial);
      X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
      X509_gmtime_adj(X509_getm_notAfter(cert), 7L * 24 * 3600);
      X509_set_pubkey(cert, key);
      X509_NAME* name = X509_get_subject_name(cert);
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(std::string(kTokenIssuer).c_str()), -1, -1, 0);
      X509_set_issuer_name(cert, name);
      ok = X509_sign(cert, key, EVP_sha256()) > 0;
    }
    if (ok) {
      unsigned char* der = nullptr;
      int len = i2d_X509(cert, &der);
      ok = len > 0;
      if (ok) cert_der_base64 = Base64(std::string_view(reinterpret_cast<char*>(der), len), false);
      OPENSSL_free(der);
    }
    if (ok) {
      unsigned char* spki = nullptr;
      int len = i2d_PUBKEY(key, &spki);
      ok = len > 0;
      if (ok) key_id = LibtrustKeyId(std::string_view(reinterpret_cast<char*>(spki), len));
      OPENSSL_free(spki);
    }
    if (ok) {
      BIO* bio = BIO_new(BIO_s_mem());
      ok = bio && PEM_write_bio_X509(bio, cert) == 1;
      if (ok) {
        char* data = nullptr;
        long len = BIO_get_mem_data(bio, &data);
        cert_pem = temp.path() / "token-signer.pem";
        ok = WriteWholeFile(cert_pem, std::string_view(data, static_cast<size_t>(len)));
      }
      BIO_free(bio);
    }
    X509_free(cert);
    return ok;
  }

  bool Listen() {
    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(listen_fd, 64) != 0 ||
        getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return false;
    }
    port = ntohs(addr.sin_port);
    return pipe2(wake_pipe, O_CLOEXEC) == 0;
  }

  void Serve() {
    for (;;) {
      pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents) return;
      if (!(fds[0].revents & POLLIN)) continue;
      int conn = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      timeval tv{5, 0};
      setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      HandleConnection(conn);
      close(conn);
    }
  }

  void HandleConnection(int conn) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 64 * 1024) {
      ssize_t n = recv(conn, buf, sizeof(buf), 0);
      if (n <= 0) return;
      request.append(buf, static_cast<size_t>(n));
    }
    std::string head = request.substr(0, request.find("\r\n\r\n"));
    std::string response = Respond(head);
    size_t sent = 0;
    while (sent < response.size()) {
      ssize_t n = send(conn, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
    shutdown(conn, SHUT_WR);
  }

  static std::string Reply(int status, std::string_view reason, const std::string& body,
                           const std::string& extra_headers = "") {
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
  }

  std::string Unauthorized() {
    ++refused;
    return Reply(401, "Unauthorized", R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                 "WWW-Authenticate: Basic realm=\"" + std::string(kTokenIssuer) + "\"\r\n");
  }

  std::string Respond(const std::string& head) {
    std::stringstream lines(head);
    std::string request_line;
    std::getline(lines, request_line);
    if (!request_line.empty() && request_line.back() == '\r') request_line.pop_back();
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.rfind(' ');
    if (sp1 == std::string::npos || sp2 <= sp1) return Reply(400, "Bad Request", "{}");
    std::string method = request_line.substr(0, sp1);
    std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string authorization;
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "authorization") {
        size_t v = line.find_first_not_of(' ', colon + 1);
        authorization = v == std::string::npos ? "" : line.substr(v);
      }
    }
    std::string path = target.substr(0, target.find('?'));
    if (path != "/token") return Reply(404, "Not Found", R"({"error":"not found"})");
    if (method != "GET") return Reply(405, "Method Not Allowed", R"({"error":"only GET /token"})");

    // Basic credentials of the one configured user; everything else (anonymous too) is refused.
    if (authorization.size() < 6 || strncasecmp(authorization.c_str(), "Basic ", 6) != 0) return Unauthorized();
    std::optional<std::string> decoded = Base64Decode(authorization.substr(6));
    if (!decoded || *decoded != username + ":" + password) return Unauthorized();

    json access = json::array();
    if (size_t q = target.find('?'); q != std::string::npos) {
      std::stringstream params(target.substr(q + 1));
      std::string param;
      while (std::getline(params, param, '&')) {
        size_t eq = param.find('=');
        if (eq == std::string::npos || param.substr(0, eq) != "scope") continue;
        // One scope parameter may carry several space-separated scopes.
        std::stringstream scopes(UrlDecode(param.substr(eq + 1)));
        std::string scope;
        while (scopes >> scope) {
          // type:name:actions; the name itself may contain ':' (registry host with a port).
          size_t first = scope.find(':');
          size_t last = scope.rfind(':');
          if (first == std::string::npos || last == first) continue;
          json actions = json::array();
          std::stringstream action_list(scope.substr(last + 1));
          std::string action;
          while (std::getline(action_list, action, ',')) {
            if (!action.empty()) actions.push_back(action);
          }
          access.push_back({{"type", scope.substr(0, first)},
                            {"name", scope.substr(first + 1, last - first - 1)},
                            {"actions", actions}});
        }
      }
    }
    std::optional<std::string> token = MakeJwt(access);
    if (!token) return Reply(500, "Internal Server Error", R"({"error":"signing failed"})");
    ++issued;
    std::time_t now = std::time(nullptr);
    json body = {{"token", *token},
                 {"access_token", *token},
                 {"expires_in", expires_in},
                 {"issued_at", Rfc3339(now)}};
    return Reply(200, "OK", body.dump());
  }

  std::optional<std::string> MakeJwt(const json& access) {
    // distribution 2.8 (registry/auth/token/token.go, VerifySigningKey) takes the signing key
    // from the header's x5c chain first (verified against rootcertbundle), then jwk, then kid
    // (a libtrust key ID looked up among the bundle's keys). x5c alone is enough; the kid is
    // added for verifiers that only look keys up by ID.
    json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5c", json::array({cert_der_base64})}, {"kid", key_id}};
    std::time_t now = std::time(nullptr);
    unsigned char jti_bytes[16];
    RAND_bytes(jti_bytes, sizeof(jti_bytes));
    json claims = {{"iss", std::string(kTokenIssuer)},
                   {"sub", username},
                   {"aud", std::string(kTokenService)},
                   {"exp", static_cast<int64_t>(now) + expires_in},
                   {"nbf", static_cast<int64_t>(now)},
                   {"iat", static_cast<int64_t>(now)},
                   {"jti", Hex(std::string_view(reinterpret_cast<char*>(jti_bytes), sizeof(jti_bytes)))},
                   {"access", access}};
    std::string signing_input = Base64(header.dump(), true) + "." + Base64(claims.dump(), true);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) return std::nullopt;
    std::string signature;
    size_t sig_len = 0;
    bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestSign(ctx, nullptr, &sig_len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
    if (ok) {
      signature.resize(sig_len);
      ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &sig_len,
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
      signature.resize(sig_len);
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) return std::nullopt;
    return signing_input + "." + Base64(signature, true);
  }
};

std::unique_ptr<TokenServer> TokenServer::Start(std::string username, std::string password, int expires_in_seconds) {
  std::unique_ptr<TokenServer> server(new TokenServer());
  server->state_ = std::make_unique<State>();
  State& s = *server->state_;
  s.username = std::move(username);
  s.password = std::move(password);
  s.expires_in = expires_in_seconds;
  if (!s.MakeKeyAndCertificate()) {
    ADD_FAILURE() << "TokenServer: cannot make the RSA key and certificate";
    return nullptr;
  }
  if (!s.Listen()) {
    ADD_FAILURE() << "TokenServer: cannot listen on loopback: " << std::strerror(errno);
    return nullptr;
  }
  s.thread = std::thread([&s] { s.Serve(); });
  return server;
}

TokenServer::~TokenServer() = default;

std::string TokenServer::realm() const { return "http://127.0.0.1:" + std::to_string(state_->port) + "/token"; }
std::string TokenServer::service() const { return std::string(kTokenService); }
std::string TokenServer::issuer() const { return std::string(kTokenIssuer); }
fs::path TokenServer::certificate_bundle() const { return state_->cert_pem; }
const std::string& TokenServer::username() const { return state_->username; }
const std::string& TokenServer::password() const { return state_->password; }
int TokenServer::tokens_issued() const { return state_->issued.load(); }
int TokenServer::requests_refused() const { return state_->refused.load(); }

// =============================================================================================
// MakeMultiArchLayout

namespace {

struct PlatformImage {
  std::string manifest_media_type;
  std::string manifest_digest;
  size_t manifest_size = 0;
  std::string architecture;
  std::string os;
};

fs::path BlobPath(const fs::path& layout, const std::string& digest) {
  size_t colon = digest.find(':');
  if (colon == std::string::npos) return {};
  return layout / "blobs" / digest.substr(0, colon) / digest.substr(colon + 1);
}

bool WriteBlob(const fs::path& out, const std::string& data, std::string* digest) {
  *digest = Sha256Digest(data);
  fs::path path = BlobPath(out, *digest);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  return WriteWholeFile(path, data);
}

bool CopyBlob(const fs::path& from_layout, const fs::path& out, const std::string& digest, std::string* error) {
  fs::path from = BlobPath(from_layout, digest);
  fs::path to = BlobPath(out, digest);
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (fs::exists(to)) return true;
  fs::copy_file(from, to, ec);
  if (ec) *error = "copy " + from.string() + ": " + ec.message();
  return !ec;
}

// Copies the image tagged `tag` of `layout` into `out` as a linux/`architecture` image: the config
// (and with it the manifest) is rewritten when its architecture differs.
std::optional<PlatformImage> AddPlatformImage(const fs::path& layout, const std::string& tag,
                                              const std::string& architecture, const fs::path& out,
                                              std::string* error) {
  json index = json::parse(ReadWholeFile(layout / "index.json"), nullptr, false);
  if (index.is_discarded() || !index.contains("manifests") || !index["manifests"].is_array()) {
    *error = layout.string() + ": no OCI index.json";
    return std::nullopt;
  }
  try {
    const json* descriptor = nullptr;
    for (const json& m : index["manifests"]) {
      if (m.is_object() &&
          m.value("/annotations/org.opencontainers.image.ref.name"_json_pointer, std::string()) == tag) {
        descriptor = &m;
      }
    }
    if (!descriptor) {
      *error = layout.string() + ": no image tagged " + tag;
      return std::nullopt;
    }
    PlatformImage image;
    image.manifest_media_type = descriptor->value("mediaType", "application/vnd.oci.image.manifest.v1+json");
    std::string manifest_bytes = ReadWholeFile(BlobPath(layout, descriptor->at("digest").get<std::string>()));
    json manifest = json::parse(manifest_bytes);
    std::string config_digest = manifest.at("config").at("digest").get<std::string>();
    std::string config_bytes = ReadWholeFile(BlobPath(layout, config_digest));
    json config = json::parse(config_bytes);
    for (const json& layer : manifest.at("layers")) {
      if (!CopyBlob(layout, out, layer.at("digest").get<std::string>(), error)) return std::nullopt;
    }
    image.os = config.value("os", "linux");
    if (config.value("architecture", "") == architecture) {
      if (!CopyBlob(layout, out, config_digest, error)) return std::nullopt;
    } else {
      config["architecture"] = architecture;
      config.erase("variant");
      std::string new_config = config.dump();
      std::string new_config_digest;
      if (!WriteBlob(out, new_config, &new_config_digest)) {
        *error = "cannot write a blob to " + out.string();
        return std::nullopt;
      }
      manifest["config"]["digest"] = new_config_digest;
      manifest["config"]["size"] = new_config.size();
      manifest_bytes = manifest.dump();
    }
    image.architecture = architecture;
    if (!WriteBlob(out, manifest_bytes, &image.manifest_digest)) {
      *error = "cannot write a blob to " + out.string();
      return std::nullopt;
    }
    image.manifest_size = manifest_bytes.size();
    return image;
  } catch (const json::exception& e) {
    *error = layout.string() + ": broken manifest or config: " + e.what();
    return std::nullopt;
  }
}

}  // namespace

std::string MakeMultiArchLayout(const fs::path& amd64_layout, const std::string& amd64_tag,
                                const fs::path& arm64_layout, const std::string& arm64_tag, const fs::path& out,
                                const std::string& tag) {
  std::error_code ec;
  fs::create_directories(out / "blobs" / "sha256", ec);
  std::string error;
  std::optional<PlatformImage> amd64 = AddPlatformImage(amd64_layout, amd64_tag, "amd64", out, &error);
  std::optional<PlatformImage> arm64 = amd64 ? AddPlatformImage(arm64_layout, arm64_tag, "arm64", out, &error)
                                             : std::nullopt;
  if (!amd64 || !arm64) {
    ADD_FAILURE() << "MakeMultiArchLayout: " << error;
    return "";
  }
  json manifests = json::array();
  for (const PlatformImage* image : {&*amd64, &*arm64}) {
    manifests.push_back({{"mediaType", image->manifest_media_type},
                         {"digest", image->manifest_digest},
                         {"size", image->manifest_size},
                         {"platform", {{"architecture", image->architecture}, {"os", image->os}}}});
  }
  json image_index = {
      {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", manifests}};
  std::string index_bytes = image_index.dump();
  std::string index_digest;
  if (!WriteBlob(out, index_bytes, &index_digest)) {
    ADD_FAILURE() << "MakeMultiArchLayout: cannot write to " << out;
    return "";
  }
  json layout_index = {{"schemaVersion", 2},
                       {"manifests",
                        {{{"mediaType", "application/vnd.oci.image.index.v1+json"},
                          {"digest", index_digest},
                          {"size", index_bytes.size()},
                          {"annotations", {{"org.opencontainers.image.ref.name", tag}}}}}}};
  if (!WriteWholeFile(out / "index.json", layout_index.dump()) ||
      !WriteWholeFile(out / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})")) {
    ADD_FAILURE() << "MakeMultiArchLayout: cannot write to " << out;
    return "";
  }
  return index_digest;
}

fs::path ReferenceImagesDir() {
  const char* dir = std::getenv("HULLSCAN_IMAGES");
  return dir && *dir ? fs::path(dir) : fs::path();
}

}  // namespace hullscan::testing
