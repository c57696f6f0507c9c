#pragma once
// The console's pages: files under --web-root, served as they are at the
// same paths ("/" is index.html). No path leaves the root: "..", hidden
// files and symbolic links pointing outside are refused.
#include <httplib.h>

#include <string>

namespace vedetta::web {

// Registers GET for every path not taken by an earlier route. A missing
// root is not an error (the API still works): pages answer 404 saying so.
void add_static_files(httplib::Server& server, const std::string& root);

// The file under `root` a URL path names, or "" if it names none or
// would leave `root`. `root` must be canonical (realpath).
std::string resolve_static_path(const std::string& root, const std::string& url_path);

std::string content_type_of(const std::string& path);

}  // namespace vedetta::web
