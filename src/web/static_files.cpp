#include "web/static_files.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vedetta::web {
namespace {

std::string canonical_or_empty(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) ? resolved : "";
}

bool safe_segments(const std::string& url_path) {
  if (url_path.empty() || url_path[0] != '/') return false;
  if (url_path.find('\0') != std::string::npos || url_path.find('\\') != std::string::npos)
    return false;
  std::istringstream segments(url_path.substr(1));
  for (std::string segment; std::getline(segments, segment, '/');)
    if (!segment.empty() && segment[0] == '.') return false;  // "..", ".", hidden files
  return true;
}

}  // namespace

std::string content_type_of(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    std::string ext = extension;
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0)
      return type;
  }
  return "application/octet-stream";
}

std::string resolve_static_path(const std::string& root, const std::string& url_path) {
  std::string path = url_path == "/" ? "/index.html" : url_path;
  if (!safe_segments(path)) return "";
  std::string file = canonical_or_empty(root + path);
  // A symbolic link inside the root may not lead out of it.
  if (file.empty() || file.compare(0, root.size() + 1, root + "/") != 0) return "";
  struct stat st;
  if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  return file;
}

void add_static_files(httplib::Server& server, const std::string& root) {
  std::string canonical_root = canonical_or_empty(root);
  server.Get(".*", [canonical_root, root](const httplib::Request& req, httplib::Response& res) {
    if (canonical_root.empty()) {
      res.status = 404;
      res.set_content("The console's pages are not installed (--web-root " + root +
                          " does not exist); the API works.\n",
                      "text/plain; charset=utf-8");
      return;
    }
    std::string file = resolve_static_path(canonical_root, req.path);
    std::ifstream in(file, std::ios::binary);
    if (file.empty() || !in) {
      res.status = 404;
      res.set_content("Not found\n", "text/plain; charset=utf-8");
      return;
    }
    std::ostringstream content;
    content << in.rdbuf();
    res.set_header("Cache-Control", "no-cache");  // revalidate: pages change with the server
    res.set_content(content.str(), content_type_of(file));
  });
}

}  // namespace vedetta::web
