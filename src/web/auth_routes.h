#pragma once
// /api/v1/login, logout, session, users and tokens (docs/api.md,
// "Authentication").
#include <httplib.h>

#include "web/auth/authenticator.h"

namespace vedetta::web {

// `secure_cookie`: the server speaks TLS, so the session cookie gets Secure.
void add_auth_routes(httplib::Server& server, Authenticator& auth, bool secure_cookie,
                     double session_lifetime_s);

}  // namespace vedetta::web
