// The console's HTTP server, running for real on an ephemeral port and
// asked with cpp-httplib's client (and a raw socket where a client would
// tidy up the request): login, cookies, CSRF, roles, tokens, basic auth,
// throttling, headers, static files, restarts and TLS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include "temp_dir.h"
#include "test_live_api.h"
#include "web/auth/crypto.h"
#include "web/web_server.h"

namespace vedetta::web {
namespace {

using nlohmann::json;

constexpr const char* kAdminPassword = "admin-password-1";
constexpr const char* kCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

class WebServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir / "public");
    write_text(dir / "public/index.html", "<!doctype html><title>vedetta</title>");
    write_text(dir / "public/app.js", "export const x = 1;");
    write_text(dir / "public/.hidden", "hidden");
    write_text(dir / "secret.txt", "outside the root");
    symlink((dir / "secret.txt").c_str(), (dir / "public/link.txt").c_str());
    write_text(dir / "admin-pw", std::string(kAdminPassword) + "\n");
    chmod((dir / "admin-pw").c_str(), 0600);
    options.bind = "127.0.0.1";
    options.port = 0;
    options.data_dir = dir / "data";
    options.web_root = dir / "public";
    options.admin_password_file = dir / "admin-pw";
    options.auth.password_iterations = 1000;  // fast tests; the default is tested elsewhere
    options.note = [this](const std::string& line) { notes.push_back(line); };
  }

  void start() {
    server = std::make_unique<WebServer>(options, api, std::nullopt);
    server->start();
  }
  void restart() {
    server.reset();
    start();
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", server->port()); }

  // Logs in; returns the Cookie header value and the CSRF token.
  std::pair<std::string, std::string> login(const std::string& user, const std::string& password) {
    auto res = client().Post("/api/v1/login", json{{"user", user}, {"password", password}}.dump(),
                             "application/json");
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    std::string cookie = res->get_header_value("Set-Cookie");
    return {cookie.substr(0, cookie.find(';')), json::parse(res->body)["csrf_token"]};
  }

  httplib::Headers as(const std::string& cookie, const std::string& csrf = "") {
    httplib::Headers h{{"Cookie", cookie}};
    if (!csrf.empty()) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
  static httplib::Headers basic(const std::string& user, const std::string& password) {
    return {{"Authorization", "Basic " + base64_encode(user + ":" + password)}};
  }

  TempDir dir;
  WebOptions options;
  TestLiveApi api;
  std::vector<std::string> notes;
  std::unique_ptr<WebServer> server;
};

// The answer to a request written byte for byte (no client tidies the path).
std::string raw_request(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return "";
  send(fd, request.data(), request.size(), 0);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, n);
  close(fd);
  return answer;
}

TEST_F(WebServerTest, NothingButLoginWithoutAuthentication) {
  start();
  for (const char* path : {"/api/v1/flows", "/api/v1/flows/17", "/api/v1/users", "/api/v1/session",
                           "/api/v1/status", "/api/v1/no-such-thing"}) {
    auto res = client().Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_TRUE(json::parse(res->body).contains("error")) << path;
    EXPECT_FALSE(res->has_header("WWW-Authenticate")) << "no browser login box";
  }
  auto res =
      client().Post("/api/v1/users", R"({"user":"x","password":"12345678"})", "application/json");
  EXPECT_EQ(res->status, 401);
}

TEST_F(WebServerTest, LoginSetsASessionCookieThatReads) {
  start();
  auto wrong =
      client().Post("/api/v1/login", R"({"user":"admin","password":"nope"})", "application/json");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  auto res =
      client().Post("/api/v1/login", json{{"user", "admin"}, {"password", kAdminPassword}}.dump(),
                    "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  std::string set_cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("vedetta_session="), std::string::npos);
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP";
  json body = json::parse(res->body);
  EXPECT_EQ(body["user"], "admin");
  EXPECT_EQ(body["role"], "admin");
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto flows = client().Get("/api/v1/flows?limit=10&host=10.0.0.1", as(cookie));
  ASSERT_EQ(flows->status, 200);
  EXPECT_EQ(json::parse(flows->body)["params"], (json{{"host", "10.0.0.1"}, {"limit", "10"}}));
  auto session = client().Get("/api/v1/session", as(cookie));
  EXPECT_EQ(json::parse(session->body)["csrf_token"], body["csrf_token"]);
  EXPECT_EQ(client().Post("/api/v1/login", "not json", "application/json")->status, 400);
}

TEST_F(WebServerTest, ChangesByCookieNeedTheCsrfToken) {
  start();
  auto [cookie, csrf] = login("admin", kAdminPassword);
  std::string body = R"({"name":"grafana"})";
  auto refused = client().Post("/api/v1/tokens", as(cookie), body, "application/json");
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("X-CSRF-Token"), std::string::npos);
  auto forged = client().Post("/api/v1/tokens", as(cookie, csrf + "0"), body, "application/json");
  EXPECT_EQ(forged->status, 403);
  auto made = client().Post("/api/v1/tokens", as(cookie, csrf), body, "application/json");
  EXPECT_EQ(made->status, 200) << made->body;
  // Logging out is a change too.
  EXPECT_EQ(client().Post("/api/v1/logout", as(cookie), "", "application/json")->status, 403);
  EXPECT_EQ(client().Post("/api/v1/logout", as(cookie, csrf), "", "application/json")->status, 200);
  EXPECT_EQ(client().Get("/api/v1/flows", as(cookie))->status, 401) << "session ended";
}

TEST_F(WebServerTest, ViewersReadButDoNotManageUsers) {
  start();
  auto made = client().Post("/api/v1/users", basic("admin", kAdminPassword),
                            R"({"user":"ann","password":"ann-password","role":"viewer"})",
                            "application/json");
  ASSERT_EQ(made->status, 200) << made->body;
  EXPECT_EQ(json::parse(made->body), (json{{"user", "ann"}, {"role", "viewer"}}));
  auto [cookie, csrf] = login("ann", "ann-password");
  EXPECT_EQ(client().Get("/api/v1/flows", as(cookie))->status, 200);
  EXPECT_EQ(client().Get("/api/v1/users", as(cookie))->status, 403);
  auto create = client().Post("/api/v1/users", as(cookie, csrf),
                              R"({"user":"eve","password":"eve-password","role":"admin"})",
                              "application/json");
  EXPECT_EQ(create->status, 403);
  EXPECT_NE(create->body.find("admin role"), std::string::npos);
  EXPECT_EQ(client().Delete("/api/v1/users/admin", as(cookie, csrf))->status, 403);
  EXPECT_EQ(client().Get("/api/v1/users", basic("ann", "ann-password"))->status, 403);
  // Her own password she may change.
  auto own = client().Put("/api/v1/users/ann", as(cookie, csrf),
                          R"({"password":"new-ann-password"})", "application/json");
  EXPECT_EQ(own->status, 200) << own->body;
  EXPECT_EQ(client()
                .Put("/api/v1/users/admin", as(cookie, csrf), R"({"password":"hijacked!"})",
                     "application/json")
                ->status,
            403);
  // The admin removes her: her session is gone with her.
  EXPECT_EQ(client().Delete("/api/v1/users/ann", basic("admin", kAdminPassword))->status, 200);
  EXPECT_EQ(client().Get("/api/v1/flows", as(cookie))->status, 401);
  auto users = client().Get("/api/v1/users", basic("admin", kAdminPassword));
  EXPECT_EQ(json::parse(users->body), (json{{"users", {{{"user", "admin"}, {"role", "admin"}}}}}));
}

TEST_F(WebServerTest, BearerTokensAndBasicAuth) {
  start();
  auto made = client().Post("/api/v1/tokens", basic("admin", kAdminPassword),
                            R"({"name":"script"})", "application/json");
  ASSERT_EQ(made->status, 200) << made->body;
  std::string token = json::parse(made->body)["token"];
  httplib::Headers bearer{{"Authorization", "Bearer " + token}};
  EXPECT_EQ(client().Get("/api/v1/dashboard", bearer)->status, 200);
  EXPECT_EQ(json::parse(client().Get("/api/v1/session", bearer)->body)["csrf_token"], nullptr);
  // Tokens need no CSRF token: a browser never sends them by itself.
  EXPECT_EQ(
      client().Post("/api/v1/tokens", bearer, R"({"name":"second"})", "application/json")->status,
      200);
  EXPECT_EQ(client().Get("/api/v1/dashboard", {{"Authorization", "Bearer " + token + "x"}})->status,
            401);
  auto list = client().Get("/api/v1/tokens", bearer);
  EXPECT_EQ(json::parse(list->body)["tokens"].size(), 2u);
  EXPECT_EQ(client().Delete("/api/v1/tokens/script", bearer)->status, 200);
  EXPECT_EQ(client().Get("/api/v1/dashboard", bearer)->status, 401) << "revoked";
  auto wrong = client().Get("/api/v1/dashboard", basic("admin", "wrong-password"));
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->get_header_value("WWW-Authenticate").find("Basic"), std::string::npos);
  EXPECT_EQ(client().Get("/api/v1/dashboard", basic("admin", kAdminPassword))->status, 200);
}

TEST_F(WebServerTest, GuessingIsSlowedDown) {
  start();
  auto guess = [&] {
    return client().Post("/api/v1/login", R"({"user":"admin","password":"guess"})",
                         "application/json");
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(guess()->status, 401);
  auto res = guess();
  EXPECT_EQ(res->status, 429);
  EXPECT_TRUE(res->has_header("Retry-After"));
  // Even the right password waits now.
  auto right =
      client().Post("/api/v1/login", json{{"user", "admin"}, {"password", kAdminPassword}}.dump(),
                    "application/json");
  EXPECT_EQ(right->status, 429);
}

TEST_F(WebServerTest, DataRoutesMapTheModelsErrors) {
  start();
  auto get = [&](const std::string& path) {
    return client().Get(path, basic("admin", kAdminPassword));
  };
  auto bad = get("/api/v1/flows?sort=foo");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["error"], "flows: sort: unknown field 'foo' (one of bytes)");
  EXPECT_EQ(get("/api/v1/flows/99")->status, 404);
  EXPECT_EQ(get("/api/v1/flows/abc")->status, 400);
  EXPECT_EQ(get("/api/v1/flows/99999999999999999999999")->status, 400);
  EXPECT_EQ(get("/api/v1/flows?host=a&host=b")->status, 400);
  auto flow = get("/api/v1/flows/17");
  ASSERT_EQ(flow->status, 200);
  EXPECT_EQ(json::parse(flow->body)["client"]["process"]["name"], "bad\xef\xbf\xbd\xef\xbf\xbd")
      << "invalid UTF-8 replaced";
  EXPECT_EQ(json::parse(get("/api/v1/processes/5357@10.0.0.1")->body)["key"], "5357@10.0.0.1");
  EXPECT_EQ(json::parse(get("/api/v1/hosts/fe80%3A%3A1")->body)["ip"], "fe80::1");
  for (const char* path : {"/api/v1/interfaces", "/api/v1/hosts", "/api/v1/processes",
                           "/api/v1/timeseries?kind=interface&key=eth0", "/api/v1/graph",
                           "/api/v1/dashboard", "/api/v1/status"})
    EXPECT_EQ(get(path)->status, 200) << path;
  auto unknown = get("/api/v1/nothing/here");
  EXPECT_EQ(unknown->status, 404);
  EXPECT_TRUE(json::parse(unknown->body).contains("error"));
}

TEST_F(WebServerTest, SecurityHeadersOnEveryAnswer) {
  start();
  std::vector<httplib::Result> answers;
  answers.push_back(client().Get("/"));
  answers.push_back(client().Get("/missing.js"));
  answers.push_back(client().Get("/api/v1/flows"));
  answers.push_back(client().Get("/api/v1/flows", basic("admin", kAdminPassword)));
  answers.push_back(
      client().Post("/api/v1/login", std::string(100 * 1024, 'x'), "application/json"));
  for (auto& res : answers) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->get_header_value("Content-Security-Policy"), kCsp) << res->status;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << res->status;
  }
  EXPECT_EQ(answers.back()->status, 413) << "a body over the limit";
}

TEST_F(WebServerTest, StaticFilesStayInsideTheRoot) {
  start();
  auto index = client().Get("/");
  ASSERT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<!doctype html><title>vedetta</title>");
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  auto js = client().Get("/app.js");
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(client().Get("/.hidden")->status, 404);
  EXPECT_EQ(client().Get("/link.txt")->status, 404) << "a link out of the root";
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                           "/app.js/../../secret.txt", "//../secret.txt"}) {
    std::string answer = raw_request(server->port(), std::string("GET ") + path +
                                                         " HTTP/1.1\r\nHost: x\r\nConnection: "
                                                         "close\r\n\r\n");
    EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << path << "\n" << answer;
    EXPECT_EQ(answer.find("outside the root"), std::string::npos) << path;
  }
}

TEST_F(WebServerTest, RestartKeepsUsersSessionsAndTokens) {
  start();
  auto [cookie, csrf] = login("admin", kAdminPassword);
  client().Post("/api/v1/users", as(cookie, csrf),
                R"({"user":"ann","password":"ann-password","role":"viewer"})", "application/json");
  auto made =
      client().Post("/api/v1/tokens", as(cookie, csrf), R"({"name":"t"})", "application/json");
  std::string token = json::parse(made->body)["token"];
  restart();
  EXPECT_EQ(client().Get("/api/v1/flows", as(cookie))->status, 200);
  EXPECT_EQ(client().Get("/api/v1/flows", {{"Authorization", "Bearer " + token}})->status, 200);
  EXPECT_EQ(client().Get("/api/v1/flows", basic("ann", "ann-password"))->status, 200);
  for (const char* file : {"users.json", "sessions.json", "tokens.json"}) {
    struct stat st {};
    ASSERT_EQ(stat((dir / ("data/" + std::string(file))).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
    std::string content = read_text(dir / ("data/" + std::string(file)));
    EXPECT_EQ(content.find(token), std::string::npos) << file;
    EXPECT_EQ(content.find(cookie.substr(cookie.find('=') + 1)), std::string::npos) << file;
    EXPECT_EQ(content.find(kAdminPassword), std::string::npos) << file;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "data/admin-password")) << "the password was given";
}

TEST_F(WebServerTest, ARandomAdminPasswordIsShownOnce) {
  options.admin_password_file.clear();
  start();
  std::string password = read_text(dir / "data/admin-password");
  ASSERT_FALSE(password.empty());
  password.pop_back();  // newline
  struct stat st {};
  stat((dir / "data/admin-password").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  stat((dir / "data").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto shown = [&] {
    return std::count_if(notes.begin(), notes.end(), [&](const std::string& line) {
      return line.find(password) != std::string::npos;
    });
  };
  EXPECT_EQ(shown(), 1);
  restart();
  EXPECT_EQ(shown(), 1) << "not again at the next start";
  login("admin", password);
}

TEST_F(WebServerTest, Tls) {
  std::string cert = dir / "cert.pem", key = dir / "key.pem";
  std::string make_cert =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(system(make_cert.c_str()), 0) << make_cert;
  options.tls_cert = cert;
  options.tls_key = key;
  start();
  EXPECT_EQ(server->url().rfind("https://", 0), 0u);
  httplib::SSLClient tls("127.0.0.1", server->port());
  tls.set_ca_cert_path(cert.c_str());
  tls.enable_server_certificate_verification(true);
  auto res = tls.Post("/api/v1/login", json{{"user", "admin"}, {"password", kAdminPassword}}.dump(),
                      "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  EXPECT_EQ(tls.Get("/")->status, 200);
  auto plain = client().Get("/");
  EXPECT_TRUE(!plain || plain->status != 200) << "no plain HTTP on the TLS port";
}

TEST_F(WebServerTest, BadTlsFilesAndBusyPortsAreNamed) {
  write_text(dir / "junk.pem", "not a certificate");
  options.tls_cert = dir / "junk.pem";
  options.tls_key = dir / "junk.pem";
  try {
    start();
    FAIL() << "started with a junk certificate";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("--tls-cert " + (dir / "junk.pem")), std::string::npos)
        << e.what();
  }
  options.tls_cert.clear();
  options.tls_key.clear();
  start();
  WebOptions second = options;
  second.port = server->port();
  try {
    WebServer again(second, api, std::nullopt);
    FAIL() << "bound a busy port";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("--http-port " + std::to_string(second.port)),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace vedetta::web
