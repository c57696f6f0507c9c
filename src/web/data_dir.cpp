#include "web/data_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/user_error.h"
#include "web/json_text.h"

namespace vedetta::web {
namespace {

// What vedetta keeps in the directory (handed over to --user with it).
constexpr const char* kOwnFiles[] = {"users.json",     "sessions.json",  "tokens.json",
                                     "admin-password", "history.db",     "history.db-wal",
                                     "history.db-shm"};

std::string errno_text() { return strerror(errno); }

// Whether `dir` holds only what vedetta puts there (the console's files, the
// collector's zmq-sequences-*, temporaries of interrupted writes).
bool holds_only_vedetta_files(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  bool ours = true;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0)
      name.resize(name.size() - 4);
    bool known = name == "." || name == ".." || name.rfind("zmq-sequences-", 0) == 0;
    for (const char* file : kOwnFiles) known = known || name == file;
    if (!known) {
      ours = false;
      break;
    }
  }
  closedir(d);
  return ours;
}

void create_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw UserError(
        format("--data-dir %s: cannot create it: %s (give a directory you may "
               "create, or --data-dir \"\" --http-port 0 to keep nothing)",
               dir.c_str(), errno_text().c_str()));
}

void hand_over(const std::string& dir, const FileOwner& owner) {
  if (chown(dir.c_str(), owner.uid, owner.gid) != 0)
    throw UserError(format("--data-dir %s: cannot give it to user %s: %s", dir.c_str(),
                           owner.name.c_str(), errno_text().c_str()));
  for (const char* file : kOwnFiles) {
    std::string path = dir + "/" + file;
    // lchown: a symbolic link planted in the directory is not followed.
    if (lchown(path.c_str(), owner.uid, owner.gid) != 0 && errno != ENOENT)
      throw UserError(format("%s: cannot give it to user %s: %s", path.c_str(), owner.name.c_str(),
                             errno_text().c_str()));
  }
}

}  // namespace

FileOwner owner_of_user(const std::string& name) {
  passwd* pw = getpwnam(name.c_str());
  if (!pw)
    throw UserError(format("unknown user '%s' for --user (or use --keep-root)", name.c_str()));
  return {pw->pw_uid, pw->pw_gid, name};
}

void prepare_data_dir(const std::string& dir, const std::optional<FileOwner>& owner) {
  if (dir.empty()) throw UserError("--data-dir: empty path");
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT)
      throw UserError(format("--data-dir %s: %s", dir.c_str(), errno_text().c_str()));
    create_directory(dir);
  } else {
    if (!S_ISDIR(st.st_mode))
      throw UserError(format("--data-dir %s: not a directory", dir.c_str()));
    if (st.st_mode & (S_IWGRP | S_IWOTH))
      throw UserError(
          format("--data-dir %s: group or others may write to it; give a private "
                 "directory (it is created 0700 if missing)",
                 dir.c_str()));
    if (!holds_only_vedetta_files(dir))
      throw UserError(
          format("--data-dir %s: holds files vedetta did not write there, so it is "
                 "not a vedetta data directory; give a new or empty directory",
                 dir.c_str()));
  }
  if (chmod(dir.c_str(), 0700) != 0)
    throw UserError(format("--data-dir %s: cannot make it private (0700): %s", dir.c_str(),
                           errno_text().c_str()));
  if (owner) hand_over(dir, *owner);
}

void check_data_dir_writable(const std::string& dir) {
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    passwd* pw = getpwuid(geteuid());
    throw UserError(format("--data-dir %s: not writable by user %s: %s", dir.c_str(),
                           pw ? pw->pw_name : "?", errno_text().c_str()));
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  std::string temporary = path + ".tmp";
  unlink(temporary.c_str());  // a leftover of a crash; O_EXCL below then never follows a link
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    throw UserError(format("%s: cannot create it: %s", temporary.c_str(), errno_text().c_str()));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = errno_text();
      close(fd);
      unlink(temporary.c_str());
      throw UserError(format("%s: cannot write it: %s", temporary.c_str(), why.c_str()));
    }
    done += static_cast<size_t>(n);
  }
  bool synced = fsync(fd) == 0;
  close(fd);
  if (!synced || rename(temporary.c_str(), path.c_str()) != 0) {
    std::string why = errno_text();
    unlink(temporary.c_str());
    throw UserError(format("%s: cannot replace it: %s", path.c_str(), why.c_str()));
  }
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (access(path.c_str(), F_OK) != 0 && errno == ENOENT) return std::nullopt;
    throw UserError(format("%s: cannot read it: %s", path.c_str(), errno_text().c_str()));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::optional<nlohmann::json> read_json_file(const std::string& path) {
  auto text = read_file_if_exists(path);
  if (!text) return std::nullopt;
  try {
    return nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(format("%s: not valid JSON (%s); fix or remove it", path.c_str(), e.what()));
  }
}

void write_json_file(const std::string& path, const nlohmann::json& document) {
  write_file_atomically(path, dump_json(document, 2) + "\n");
}

}  // namespace vedetta::web
