#pragma once
// The server's data directory (--data-dir): users, sessions and API tokens
// that must survive a restart. It is private (0700) and belongs to the user
// the server runs as; every file in it is 0600 and replaced atomically, so a
// crash mid-write leaves the previous version, never half a file.
#include <sys/types.h>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace vedetta::web {

struct FileOwner {
  uid_t uid;
  gid_t gid;
  std::string name;
};

// The owner for files of the user `name` runs as; throws UserError if unknown.
FileOwner owner_of_user(const std::string& name);

// Creates `dir` (mode 0700, parents as needed) or checks an existing one;
// when `owner` is given (the server is root and will become that user), hands
// the directory and the files vedetta keeps in it to that user. Refuses a
// directory others may write to, and an existing directory holding files
// vedetta does not write (so a mistyped --data-dir /var/lib is never
// chowned). Throws UserError naming the directory and the reason.
void prepare_data_dir(const std::string& dir, const std::optional<FileOwner>& owner);

// After the privilege drop: the directory must be writable by who we are now.
void check_data_dir_writable(const std::string& dir);

// Writes `content` to `path` with mode 0600 through a temporary file and
// rename(). Throws UserError naming the file.
void write_file_atomically(const std::string& path, const std::string& content);

// The file's content, or nullopt if it does not exist; throws UserError if
// it exists but cannot be read.
std::optional<std::string> read_file_if_exists(const std::string& path);

// A JSON document kept in the data directory: nullopt if the file does not
// exist yet; UserError naming the file if it is not JSON.
std::optional<nlohmann::json> read_json_file(const std::string& path);
void write_json_file(const std::string& path, const nlohmann::json& document);

}  // namespace vedetta::web
