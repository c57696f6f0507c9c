#include "app/server_web.h"

#include <unistd.h>

#include "common/user_error.h"

namespace vedetta {

void add_console_options(CLI::App* s, ConsoleArgs& a) {
  web::WebOptions& w = a.web;
  s->add_option("--http-port", w.port, "Port of the web console and REST API (0 = no console)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  s->add_option("--http-bind", w.bind,
                "Address the console listens on (0.0.0.0 or :: for every interface: use TLS then)")
      ->capture_default_str();
  s->add_option("--tls-cert", w.tls_cert, "Serve HTTPS with this PEM certificate (with --tls-key)");
  s->add_option("--tls-key", w.tls_key, "PEM private key of --tls-cert");
  s->add_option("--web-root", w.web_root, "Directory of the console's pages")
      ->capture_default_str();
  s->add_option("--admin-password-file", w.admin_password_file,
                "First start: the user admin's password is the first line of FILE (or "
                "$VEDETTA_ADMIN_PASSWORD); without either it is random, written to "
                "DATA_DIR/admin-password and printed once");
  s->add_option("--http-threads", w.threads, "Threads answering HTTP requests")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  s->add_option("--session-hours", a.session_hours, "Hours a login lasts")
      ->check(CLI::Range(0.01, 24.0 * 365))
      ->capture_default_str();
}

std::unique_ptr<web::WebServer> open_console(ConsoleArgs& a, live::LiveApi& api,
                                             const std::string& run_as_user) {
  if (a.web.port == 0) return nullptr;
  if (a.web.data_dir.empty())
    throw UserError("the console keeps its users in --data-dir: give one, or --http-port 0");
  a.web.auth.session_lifetime_s = a.session_hours * 3600;
  std::optional<web::FileOwner> owner;
  if (geteuid() == 0 && !run_as_user.empty()) owner = web::owner_of_user(run_as_user);
  return std::make_unique<web::WebServer>(a.web, api, owner);
}

}  // namespace vedetta
