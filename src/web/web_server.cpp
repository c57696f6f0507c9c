#include "web/web_server.h"

#include <httplib.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "common/user_error.h"
#include "web/api_routes.h"
#include "web/auth/first_admin.h"
#include "web/auth_routes.h"
#include "web/http_reply.h"
#include "web/static_files.h"

namespace vedetta::web {
namespace {

// On every answer, pages and API alike (docs/api.md; the pages are built for it).
const httplib::Headers kSecurityHeaders = {
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
};

void check_readable(const std::string& option, const std::string& path) {
  if (access(path.c_str(), R_OK) != 0)
    throw UserError(format("%s %s: %s", option.c_str(), path.c_str(), strerror(errno)));
}

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  if (!code) return "not a PEM certificate and matching private key";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::unique_ptr<httplib::Server> make_server(const WebOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty())
    throw UserError("--tls-cert and --tls-key go together");
  if (o.tls_cert.empty()) return std::make_unique<httplib::Server>();
  check_readable("--tls-cert", o.tls_cert);
  check_readable("--tls-key", o.tls_key);
  ERR_clear_error();
  auto server = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
  if (!server->is_valid())
    throw UserError(format("--tls-cert %s / --tls-key %s: cannot use them: %s", o.tls_cert.c_str(),
                           o.tls_key.c_str(), openssl_error().c_str()));
  return server;
}

}  // namespace

std::string default_web_root() { return VEDETTA_WEB_ROOT; }

WebServer::WebServer(const WebOptions& options, live::LiveApi& api,
                     const std::optional<FileOwner>& data_owner)
    : options_(options), api_(api) {
  if (!options_.note)
    options_.note = [](const std::string& line) {
      std::fprintf(stderr, "vedetta: server: %s\n", line.c_str());
    };
  prepare_data_dir(options_.data_dir, data_owner);
  given_admin_password_ = given_admin_password(options_.admin_password_file);
  http_ = make_server(options_);
  http_->new_task_queue = [threads = options_.threads] { return new httplib::ThreadPool(threads); };
  http_->set_read_timeout(options_.timeout_s);
  http_->set_write_timeout(options_.timeout_s);
  http_->set_keep_alive_timeout(5);
  http_->set_keep_alive_max_count(100);
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_default_headers(kSecurityHeaders);
  // httplib's default adds SO_REUSEPORT: a second server on the same port
  // would then share its connections instead of failing to start.
  http_->set_socket_options([](int fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  errno = 0;
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.bind);
  } else {
    port_ = options_.port;
    if (!http_->bind_to_port(options_.bind, options_.port)) port_ = -1;
  }
  if (port_ <= 0)
    throw UserError(format("--http-bind %s --http-port %d: cannot listen there%s%s",
                           options_.bind.c_str(), options_.port, errno ? ": " : "",
                           errno ? strerror(errno) : ""));
}

WebServer::~WebServer() { stop(); }

std::string WebServer::url() const {
  bool v6 = options_.bind.find(':') != std::string::npos;
  return std::string(options_.tls_cert.empty() ? "http" : "https") + "://" + (v6 ? "[" : "") +
         options_.bind + (v6 ? "]" : "") + ":" + std::to_string(port_) + "/";
}

void WebServer::start() {
  check_data_dir_writable(options_.data_dir);
  auth_ = std::make_unique<Authenticator>(options_.data_dir, options_.auth);
  bool first_start = auth_->users().empty();
  if (auto password = create_first_admin(auth_->users(), options_.data_dir, given_admin_password_))
    options_.note("created the user 'admin' with password " + *password + " (also in " +
                  options_.data_dir + "/admin-password, mode 0600; shown only this once)");
  else if (first_start)
    options_.note("created the user 'admin' with the given password");
  else if (given_admin_password_)
    options_.note("users exist already: the given admin password is not used");
  given_admin_password_.reset();
  add_routes();
  thread_ = std::thread([this] {
    if (!http_->listen_after_bind()) options_.note("the web server stopped with an error");
  });
  // httplib's stop() does nothing until the server runs: wait for that, or a
  // stop() right after start() would leave the thread serving forever.
  while (!http_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (access(options_.web_root.c_str(), R_OK | X_OK) != 0)
    options_.note("no pages at --web-root " + options_.web_root + " (the API works)");
  options_.note("console at " + url());
}

void WebServer::add_routes() {
  http_->set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        options_.note(req.method + " " + req.path + ": " + what);
        reply_error(res, 500, what);
      });
  bool tls = !options_.tls_cert.empty();
  add_auth_routes(*http_, *auth_, tls, options_.auth.session_lifetime_s);
  add_data_routes(*http_, *auth_, api_, history_);
  add_unknown_api_routes(*http_, *auth_);
  add_static_files(*http_, options_.web_root);
}

void WebServer::stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace vedetta::web
