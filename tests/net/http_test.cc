// net::Get / net::Download against real HTTP servers on loopback: python3's http.server for
// static files and a small python3 server (below) for statuses, retries, limits and resets.
// Attempt counts come from the server's own request log, not from the client.
#include "net/http.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "base/digest.h"
#include "base/strings.h"
#include "net/test_server.h"
#include "testing/testdata.h"

namespace hullscan::net {
namespace {

using hullscan::testing::LoopbackServer;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::SharedDir;
using hullscan::testing::TempDir;

// Each path misbehaves in one way; every request is appended to the log file as "GET <path>\t<user agent>".
constexpr char kScript[] = R"PY(
import socket, struct, sys, threading, time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log_path = int(sys.argv[1]), sys.argv[2]
counts, lock = {}, threading.Lock()
BIG = b"x" * 100000

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reset(self, declared, sent):
        self.send_response(200)
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        self.wfile.write(BIG[:sent])
        self.wfile.flush()
        time.sleep(0.05)
        # SO_LINGER 0 + close = TCP RST: the client sees "connection reset" mid-body.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()
        self.close_connection = True

    def do_GET(self):
        path = self.path.split("?")[0]
        with lock:
            counts[path] = counts.get(path, 0) + 1
            n = counts[path]
            with open(log_path, "a") as f:
                f.write("GET %s\t%s\n" % (path, self.headers.get("User-Agent", "")))
        if path == "/ok":
            self.reply(200, b"hello", [("X-Test-Header", "Value")])
        elif path == "/flaky503":
            self.reply(503, b"busy") if n <= 2 else self.reply(200, b"recovered")
        elif path == "/always503":
            self.reply(503, b"busy")
        elif path == "/retry-after":
            self.reply(429, b"slow down", [("Retry-After", "1")]) if n == 1 else self.reply(200, b"after wait")
        elif path == "/retry-after-date":
            if n == 1:
                self.reply(503, b"busy", [("Retry-After", formatdate(time.time() + 2, usegmt=True))])
            else:
                self.reply(200, b"after date")
        elif path == "/always429":
            self.reply(429, b"slow down", [("Retry-After", "1")])
        elif path == "/notfound":
            self.reply(404, b"no such thing")
        elif path == "/forbidden":
            self.reply(403, b"go away")
        elif path == "/big":
            self.reply(200, BIG)
        elif path == "/big-unsized":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(BIG)
            self.close_connection = True
        elif path == "/reset-once":
            self.reset(len(BIG), 1000) if n == 1 else self.reply(200, BIG)
        elif path == "/reset-always":
            self.reset(len(BIG), 1000)
        elif path == "/redirect":
            self.reply(302, b"", [("Location", "/ok")])
        elif path == "/redirect-loop":
            self.reply(302, b"", [("Location", "/redirect-loop")])
        elif path == "/echo-headers":
            self.reply(200, "".join("%s: %s\n" % (k.lower(), v) for k, v in self.headers.items()).encode())
        else:
            self.reply(404, b"unknown")

class Server(ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):
        pass

Server(("127.0.0.1", port), Handler).serve_forever()
)PY";

class ScriptServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::ofstream(dir_->path() / "server.py") << kScript;
    server_ = new LoopbackServer({(dir_->path() / "server.py").string(), "{port}", LogPath().string()});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static std::filesystem::path LogPath() { return dir_->path() / "requests.log"; }

  // How many requests the server saw for `path` so far.
  static int Requests(const std::string& path) {
    std::ifstream in(LogPath());
    std::string line;
    int n = 0;
    while (std::getline(in, line))
      if (line.substr(0, line.find('\t')) == "GET " + path) ++n;
    return n;
  }

  static std::string Url(const std::string& path) { return server_->base_url() + path; }

  static RequestOptions Fast() {
    RequestOptions o;
    o.initial_backoff = std::chrono::milliseconds(10);
    o.timeout = std::chrono::seconds(20);
    return o;
  }

  static TempDir* dir_;
  static LoopbackServer* server_;
};
TempDir* ScriptServerTest::dir_ = nullptr;
LoopbackServer* ScriptServerTest::server_ = nullptr;

TEST_F(ScriptServerTest, GetReturnsBodyStatusAndLowercasedHeaders) {
  ASSERT_TRUE(server_->running());
  auto r = Get(Url("/ok"), Fast());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  ASSERT_TRUE(r->Header("X-Test-Header").has_value());
  EXPECT_EQ(*r->Header("x-test-header"), "Value");
  bool found = false;
  for (const auto& [name, value] : r->headers) {
    EXPECT_EQ(name, ToLower(name));
    if (name == "x-test-header") found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(r->Header("content-length").value_or(""), "5");
}

TEST_F(ScriptServerTest, SendsUserAgentAndRequestHeaders) {
  RequestOptions o = Fast();
  o.headers = {{"Accept", "application/json"}, {"X-Extra", "1"}};
  auto r = Get(Url("/echo-headers"), o);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_NE(r->body.find("user-agent: hullscan/"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("accept: application/json\n"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("x-extra: 1\n"), std::string::npos) << r->body;
  // No Accept-Encoding: bytes are stored as the server holds them.
  EXPECT_EQ(r->body.find("accept-encoding"), std::string::npos) << r->body;
}

TEST_F(ScriptServerTest, RejectsHeaderInjection) {
  RequestOptions o = Fast();
  o.headers = {{"X-Bad", "a\r\nInjected: yes"}};
  auto r = Get(Url("/echo-headers"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ScriptServerTest, RetriesServiceUnavailableThenSucceeds) {
  auto r = Get(Url("/flaky503"), Fast());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "recovered");
  EXPECT_EQ(Requests("/flaky503"), 3);
}

TEST_F(ScriptServerTest, GivesUpAfterMaxAttempts) {
  RequestOptions o = Fast();
  o.max_attempts = 3;
  auto r = Get(Url("/always503"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message(),
            "GET " + Url("/always503") + ": 503 Service Unavailable (gave up after 3 attempts)");
  EXPECT_EQ(Requests("/always503"), 3);
}

TEST_F(ScriptServerTest, HonoursRetryAfterSeconds) {
  auto start = std::chrono::steady_clock::now();
  auto r = Get(Url("/retry-after"), Fast());
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "after wait");
  EXPECT_EQ(Requests("/retry-after"), 2);
  // The server asked for 1 s; our own backoff would have been 10 ms.
  EXPECT_GE(elapsed, std::chrono::milliseconds(950));
}

TEST_F(ScriptServerTest, HonoursRetryAfterHttpDate) {
  auto start = std::chrono::steady_clock::now();
  auto r = Get(Url("/retry-after-date"), Fast());
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "after date");
  EXPECT_EQ(Requests("/retry-after-date"), 2);
  // now + 2 s at one-second resolution: at least 1 s remains.
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
}

TEST_F(ScriptServerTest, CapsRetryAfter) {
  // The server always asks for 1 s; max_backoff bounds the wait.
  RequestOptions o = Fast();
  o.max_backoff = std::chrono::milliseconds(100);
  o.max_attempts = 2;
  auto start = std::chrono::steady_clock::now();
  auto r = Get(Url("/always429"), o);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "GET " + Url("/always429") + ": 429 Too Many Requests (gave up after 2 attempts)");
  EXPECT_EQ(Requests("/always429"), 2);
  EXPECT_LT(elapsed, std::chrono::milliseconds(900));
}

TEST_F(ScriptServerTest, NoRetryOnNotFound) {
  auto r = Get(Url("/notfound"), Fast());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message(), "GET " + Url("/notfound") + ": 404 Not Found");
  EXPECT_EQ(Requests("/notfound"), 1);
}

TEST_F(ScriptServerTest, ForbiddenIsPermissionDenied) {
  auto r = Get(Url("/forbidden"), Fast());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Requests("/forbidden"), 1);
}

TEST_F(ScriptServerTest, AcceptAnyStatusReturnsTheErrorDocument) {
  RequestOptions o = Fast();
  o.accept_any_status = true;
  int before = Requests("/notfound");
  auto r = Get(Url("/notfound"), o);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "no such thing");
  EXPECT_EQ(Requests("/notfound"), before + 1);
}

TEST_F(ScriptServerTest, BodyLimitWithContentLength) {
  RequestOptions o = Fast();
  o.max_body_bytes = 1000;
  auto r = Get(Url("/big"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded) << r.error().message();
  EXPECT_EQ(Requests("/big"), 1);
  o.max_body_bytes = 100000;  // exactly the size: allowed
  auto exact = Get(Url("/big"), o);
  ASSERT_TRUE(exact.ok()) << exact.error().message();
  EXPECT_EQ(exact->body.size(), 100000u);
}

TEST_F(ScriptServerTest, BodyLimitWithoutContentLength) {
  RequestOptions o = Fast();
  o.max_body_bytes = 1000;
  auto r = Get(Url("/big-unsized"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded) << r.error().message();
  EXPECT_EQ(Requests("/big-unsized"), 1);
  TempDir dir;
  Status d = Download(Url("/big-unsized"), dir.path() / "big", o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "big"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "big.part"));
}

TEST_F(ScriptServerTest, ConnectionResetMidBodyIsRetried) {
  TempDir dir;
  Digest expected = Sha256::Of(std::string(100000, 'x'));
  Status d = Download(Url("/reset-once"), dir.path() / "file", Fast(), expected);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(Requests("/reset-once"), 2);
  // The retry starts the file over: exactly the body, not the first try's 1000 bytes plus it.
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "file"), 100000u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "file.part"));
}

TEST_F(ScriptServerTest, ConnectionResetEveryTimeFails) {
  RequestOptions o = Fast();
  auto r = Get(Url("/reset-always"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message().find("gave up after 4 attempts"), std::string::npos) << r.error().message();
  EXPECT_EQ(Requests("/reset-always"), 4);
}

TEST_F(ScriptServerTest, FollowsRedirects) {
  auto r = Get(Url("/redirect"), Fast());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->effective_url, Url("/ok"));
  EXPECT_EQ(*r->Header("x-test-header"), "Value");  // the final response's headers
}

TEST_F(ScriptServerTest, RedirectLoopFailsWithoutRetry) {
  auto r = Get(Url("/redirect-loop"), Fast());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("redirect"), std::string::npos) << r.error().message();
  EXPECT_EQ(Requests("/redirect-loop"), 11);  // the first request and 10 redirects, once
}

TEST_F(ScriptServerTest, CredentialsNeverAppearInErrors) {
  std::string url = "http://alice:s3cr3tpw@127.0.0.1:" + std::to_string(server_->port()) +
                    "/notfound?access_token=abc123xyz&page=2";
  auto r = Get(url, Fast());
  ASSERT_FALSE(r.ok());
  const std::string& m = r.error().message();
  EXPECT_EQ(m.find("s3cr3tpw"), std::string::npos) << m;
  EXPECT_EQ(m.find("alice"), std::string::npos) << m;
  EXPECT_EQ(m.find("abc123xyz"), std::string::npos) << m;
  EXPECT_EQ(m, "GET " + Url("/notfound") + "?access_token=REDACTED&page=2: 404 Not Found");
}

TEST(HttpTest, ConnectionRefusedIsRetriedThenUnavailable) {
  hullscan::testing::ClearProxyEnvironment();
  int port = hullscan::testing::PickFreePort();  // nobody listens there
  RequestOptions o;
  o.max_attempts = 2;
  o.initial_backoff = std::chrono::milliseconds(10);
  auto r = Get("http://127.0.0.1:" + std::to_string(port) + "/x", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message().find("gave up after 2 attempts"), std::string::npos) << r.error().message();
}

TEST(HttpTest, UnsupportedSchemeIsInvalidArgument) {
  auto r = Get("ftp://127.0.0.1/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << r.error().message();
}

TEST(HttpTest, RedactUrl) {
  EXPECT_EQ(RedactUrl("https://user:pass@example.com/a/b?x=1"), "https://example.com/a/b?x=1");
  EXPECT_EQ(RedactUrl("https://token@example.com:8443/v2/"), "https://example.com:8443/v2/");
  EXPECT_EQ(RedactUrl("https://s3.example.com/blob?X-Amz-Signature=deadbeef&X-Amz-Expires=300"),
            "https://s3.example.com/blob?X-Amz-Signature=REDACTED&X-Amz-Expires=300");
  EXPECT_EQ(RedactUrl("https://example.com/x?sig=abc&se=2024-01-01"), "https://example.com/x?sig=REDACTED&se=2024-01-01");
  EXPECT_EQ(RedactUrl("https://example.com/x?n=100&last=abc"), "https://example.com/x?n=100&last=abc");
  // An opaque value under an innocent name still looks like a token.
  EXPECT_EQ(RedactUrl("https://example.com/x?t=eyJhbGciOiJIUzI1NiJ9abc123def456"), "https://example.com/x?t=REDACTED");
  // Fragments never reach the server and may carry OAuth tokens: dropped.
  EXPECT_EQ(RedactUrl("https://example.com/x#access_token=abc"), "https://example.com/x");
  EXPECT_EQ(RedactUrl("https://example.com/x?a=1#access_token=abc"), "https://example.com/x?a=1");
  EXPECT_EQ(RedactUrl("/local/path/file.json"), "/local/path/file.json");
  EXPECT_EQ(RedactUrl("file:///tmp/a.json"), "file:///tmp/a.json");
}

TEST(HttpTest, UserAgentNamesHullscan) { EXPECT_EQ(std::string(UserAgent()).rfind("hullscan/", 0), 0u); }

// ---------------------------------------------------------------------------------------------
// python3 -m http.server over the real KEV catalogue.

class StaticServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LoopbackServer(LoopbackServer::StaticFiles(KevDir())); }
  static void TearDownTestSuite() { delete server_; }
  static std::filesystem::path KevDir() { return SharedDir() / "vulndata" / "kev"; }
  static std::filesystem::path KevFile() { return KevDir() / "known_exploited_vulnerabilities.json"; }
  static std::string KevUrl() { return server_->base_url() + "/known_exploited_vulnerabilities.json"; }
  static LoopbackServer* server_;
};
LoopbackServer* StaticServerTest::server_ = nullptr;

TEST_F(StaticServerTest, GetMatchesTheFileOnDisk) {
  ASSERT_TRUE(server_->running());
  std::string expected = ReadFileOrFail(KevFile());
  auto r = Get(KevUrl());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, expected);
  EXPECT_EQ(r->Header("Content-Length").value_or(""), std::to_string(expected.size()));
}

TEST_F(StaticServerTest, DownloadVerifiesDigest) {
  std::string expected = ReadFileOrFail(KevFile());
  TempDir dir;
  std::filesystem::path dest = dir.path() / "kev.json";
  Status s = Download(KevUrl(), dest, {}, Sha256::Of(expected));
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(ReadFileOrFail(dest), expected);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "kev.json.part"));
}

TEST_F(StaticServerTest, DigestMismatchLeavesTheOldFile) {
  TempDir dir;
  std::filesystem::path dest = dir.path() / "kev.json";
  std::ofstream(dest) << "old";
  Status s = Download(KevUrl(), dest, {}, Sha256::Of("something else"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(s.error().message().find(Sha256::Of("something else").ToString()), std::string::npos);
  EXPECT_EQ(ReadFileOrFail(dest), "old");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "kev.json.part"));
}

TEST_F(StaticServerTest, DownloadOfMissingFileFailsOnce) {
  TempDir dir;
  std::filesystem::path dest = dir.path() / "missing.json";
  Status s = Download(server_->base_url() + "/missing.json", dest);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  // http.server's own reason phrase.
  EXPECT_EQ(s.error().message(), "GET " + server_->base_url() + "/missing.json: 404 File not found");
  EXPECT_FALSE(std::filesystem::exists(dest));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing.json.part"));
}

// ---------------------------------------------------------------------------------------------
// Local files through the same calls (`--mirror DIR`).

TEST(LocalFileTest, PathsAndFileUrls) {
  std::filesystem::path file = SharedDir() / "vulndata" / "kev" / "known_exploited_vulnerabilities.json";
  std::string expected = ReadFileOrFail(file);
  for (const std::string& url : {file.string(), "file://" + file.string(), "file://localhost" + file.string()}) {
    auto r = Get(url);
    ASSERT_TRUE(r.ok()) << url << ": " << r.error().message();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, expected);
    TempDir dir;
    Status d = Download(url, dir.path() / "copy.json", {}, Sha256::Of(expected));
    ASSERT_TRUE(d.ok()) << d.error().message();
    EXPECT_EQ(ReadFileOrFail(dir.path() / "copy.json"), expected);
  }
}

TEST(LocalFileTest, PercentEncodedFileUrl) {
  TempDir dir;
  std::ofstream(dir.path() / "a b.txt") << "spaced";
  auto r = Get("file://" + dir.path().string() + "/a%20b.txt");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->body, "spaced");
}

TEST(LocalFileTest, MissingFileAndLimits) {
  TempDir dir;
  auto missing = Get((dir.path() / "nope.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  auto directory = Get(dir.path().string());
  ASSERT_FALSE(directory.ok());
  std::ofstream(dir.path() / "ten") << "0123456789";
  RequestOptions o;
  o.max_body_bytes = 9;
  auto big = Get((dir.path() / "ten").string(), o);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code(), ErrorCode::kLimitExceeded);
  auto remote_host = Get("file://otherhost/etc/passwd");
  ASSERT_FALSE(remote_host.ok());
  EXPECT_EQ(remote_host.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace hullscan::net
