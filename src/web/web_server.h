#pragma once
// The console's HTTP(S) server inside `vedetta server`: the pages
// (--web-root), the REST API of docs/api.md answered by a live::LiveApi, and
// the login that guards it. Two steps, around the privilege drop:
//   WebServer web(options, api, owner);  // as root: port, TLS key, data dir
//   drop_privileges(user);
//   web.start();                         // as the user: users, sessions; serve
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "live/live_api.h"
#include "web/auth/authenticator.h"
#include "web/data_dir.h"
#include "web/history_routes.h"

namespace httplib {
class Server;
}

namespace vedetta::web {

// The pages in the source tree (web/public), unless --web-root says otherwise.
std::string default_web_root();

struct WebOptions {
  std::string bind = "127.0.0.1";
  int port = 3000;  // 0 = any free port (tests; see port()). The command line's 0 means "off".
  std::string tls_cert, tls_key;  // both or neither
  std::string web_root = default_web_root();
  std::string data_dir = "/var/lib/vedetta";
  std::string admin_password_file;
  int threads = 16;  // a browser keeps up to 6 connections open, each holding one while kept alive
  size_t max_body_bytes = 64 * 1024;
  int timeout_s = 10;  // reading a request, writing an answer
  AuthOptions auth;
  // One line for the operator (the first admin's password, where it listens).
  std::function<void(const std::string&)> note;
};

class WebServer {
 public:
  // Binds the port, loads the TLS certificate and key, prepares the data
  // directory (handed to `data_owner` when given) and reads the first
  // admin's password if given. Throws UserError naming the option at fault.
  WebServer(const WebOptions& options, live::LiveApi& api,
            const std::optional<FileOwner>& data_owner);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Opens users, sessions and tokens (creating the first admin) and serves
  // on its own threads. UserError if the data directory is unusable.
  void start();
  void stop();
  // Where /api/v1/history/* is answered from; before start(). Without it
  // those routes answer 503 "this server keeps no history".
  void set_history(HistorySource history) { history_ = std::move(history); }

  int port() const { return port_; }
  std::string url() const;

 private:
  void add_routes();

  WebOptions options_;
  live::LiveApi& api_;
  HistorySource history_;
  std::optional<std::string> given_admin_password_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<Authenticator> auth_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace vedetta::web
