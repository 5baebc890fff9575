// A real HTTP server on loopback for tests: python3's http.server serving a directory, or a
// python3 script written by the test. Started in the constructor, killed in the destructor.
// Header-only so that other test folders (tests/vulndb) can use it too.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace hullscan::testing {

// A port that was free a moment ago (the kernel's pick for port 0).
inline int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

inline bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// Clears proxy variables so that requests to 127.0.0.1 go straight to the test server.
inline void ClearProxyEnvironment() {
  for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    unsetenv(name);
}

class LoopbackServer {
 public:
  // Runs python3 with `args`, where "{port}" in an argument is replaced by the chosen port.
  // Retries with another port when the first one was taken in the meantime.
  explicit LoopbackServer(std::vector<std::string> args) {
    ClearProxyEnvironment();
    for (int tries = 0; tries < 5 && pid_ <= 0; ++tries) {
      int port = PickFreePort();
      if (port == 0) continue;
      std::vector<std::string> argv{"python3"};
      for (std::string a : args) {
        if (size_t at = a.find("{port}"); at != std::string::npos) a.replace(at, 6, std::to_string(port));
        argv.push_back(std::move(a));
      }
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      // Quiet: python's access log goes nowhere (scripts keep their own request log).
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
      pid_t pid = 0;
      int rc = posix_spawnp(&pid, "python3", &actions, nullptr, cargv.data(), environ);
      posix_spawn_file_actions_destroy(&actions);
      if (rc != 0) {
        ADD_FAILURE() << "cannot start python3";
        return;
      }
      // Up to 10 s for the server to listen; give up on this port when the process exits.
      for (int i = 0; i < 200; ++i) {
        if (CanConnect(port)) {
          pid_ = pid;
          port_ = port;
          break;
        }
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
          pid = 0;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (pid_ <= 0 && pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
    if (pid_ <= 0) ADD_FAILURE() << "test HTTP server did not start";
  }

  ~LoopbackServer() { Stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = 0;
    }
  }

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // python3 -m http.server serving `dir`.
  static std::vector<std::string> StaticFiles(const std::filesystem::path& dir) {
    return {"-m", "http.server", "--bind", "127.0.0.1", "{port}", "--directory", dir.string()};
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace hullscan::testing
