// Users, sessions and tokens in the data directory: persistence, 0600
// files replaced atomically, only digests of secrets on disk, damaged files
// named with the entry at fault; the login throttle and the authenticator.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/user_error.h"
#include "temp_dir.h"
#include "web/auth/authenticator.h"
#include "web/auth/crypto.h"
#include "web/auth/first_admin.h"
#include "web/auth/login_throttle.h"
#include "web/auth/secret_store.h"
#include "web/auth/users.h"
#include "web/clock.h"
#include "web/data_dir.h"
#include "web/http_error.h"

namespace vedetta::web {
namespace {

constexpr uint32_t kFast = 1000;  // PBKDF2 rounds: the format is tested, not the cost

mode_t mode_of(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(UserStore, PersistsUsersWithHashedPasswords) {
  TempDir dir;
  {
    UserStore users(dir / "users.json", kFast);
    EXPECT_TRUE(users.empty());
    users.add("admin", "first-secret", Role::kAdmin);
    users.add("ann", "second-secret", Role::kViewer);
  }
  UserStore reread(dir / "users.json", kFast);
  ASSERT_EQ(reread.list().size(), 2u);
  EXPECT_EQ(reread.verify("ann", "second-secret")->role, Role::kViewer);
  EXPECT_FALSE(reread.verify("ann", "first-secret"));
  EXPECT_FALSE(reread.verify("nobody", "second-secret"));
  std::string file = read_text(dir / "users.json");
  EXPECT_EQ(file.find("second-secret"), std::string::npos);
  EXPECT_NE(file.find("pbkdf2-sha256$1000$"), std::string::npos);
  EXPECT_EQ(mode_of(dir / "users.json"), 0600);
}

TEST(UserStore, RefusesBadNamesShortPasswordsDuplicatesAndTheLastAdmin) {
  TempDir dir;
  UserStore users(dir / "users.json", kFast);
  users.add("admin", "long-enough", Role::kAdmin);
  auto status = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const HttpError& e) {
      return e.status;
    }
    return 0;
  };
  EXPECT_EQ(status([&] { users.add("bad name", "long-enough", Role::kViewer); }), 400);
  EXPECT_EQ(status([&] { users.add("../x", "long-enough", Role::kViewer); }), 400);
  EXPECT_EQ(status([&] { users.add("ann", "short", Role::kViewer); }), 400);
  EXPECT_EQ(status([&] { users.add("admin", "long-enough", Role::kViewer); }), 409);
  EXPECT_EQ(status([&] { users.remove("admin"); }), 409);
  EXPECT_EQ(status([&] { users.remove("ghost"); }), 404);
  users.add("root2", "long-enough", Role::kAdmin);
  users.remove("admin");
  EXPECT_FALSE(users.find("admin"));
}

TEST(UserStore, ReplacesTheFileAtomically) {
  TempDir dir;
  UserStore users(dir / "users.json", kFast);
  users.add("admin", "long-enough", Role::kAdmin);
  // A reader holding the old file keeps seeing a whole old version: the
  // new one is a new file renamed over it, not the old one rewritten.
  int old_fd = open((dir / "users.json").c_str(), O_RDONLY);
  std::string before = read_text(dir / "users.json");
  users.add("ann", "long-enough", Role::kViewer);
  char buffer[4096];
  ssize_t n = pread(old_fd, buffer, sizeof buffer, 0);
  close(old_fd);
  EXPECT_EQ(std::string(buffer, n > 0 ? n : 0), before);
  EXPECT_NE(read_text(dir / "users.json").find("\"ann\""), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "users.json.tmp"));
  EXPECT_EQ(mode_of(dir / "users.json"), 0600);
}

TEST(UserStore, AFailedWriteLeavesMemoryAsTheFile) {
  TempDir dir;
  UserStore users(dir / "users.json", kFast);
  users.add("admin", "long-enough", Role::kAdmin);
  // A directory in the way of the temporary file makes the write fail.
  std::filesystem::create_directory(dir / "users.json.tmp");
  std::filesystem::create_directory(dir / "users.json.tmp/x");
  EXPECT_THROW(users.add("ann", "long-enough", Role::kViewer), UserError);
  EXPECT_FALSE(users.find("ann"));
}

TEST(UserStore, NamesTheFileAndEntryOfDamage) {
  TempDir dir;
  std::string path = dir / "users.json";
  write_text(path, "{not json");
  EXPECT_NE(error_of([&] { UserStore(path, kFast); }).find(path + ": not valid JSON"),
            std::string::npos);
  write_text(path, R"({"users": [{"user": "a", "role": "admin", "password": "x"}]})");
  EXPECT_EQ(error_of([&] { UserStore(path, kFast); }),
            path + ": users[0]: password is not a pbkdf2-sha256 hash; fix or remove the file");
  write_text(path, R"({"users": [{"user": "a", "role": "boss", "password": "x"}]})");
  EXPECT_NE(
      error_of([&] { UserStore(path, kFast); }).find("users[0]: role must be admin or viewer"),
      std::string::npos);
  write_text(path, R"({"people": []})");
  EXPECT_NE(error_of([&] { UserStore(path, kFast); }).find("top level"), std::string::npos);
}

TEST(SecretStore, KeepsOnlyDigestsAndSurvivesARestart) {
  TempDir dir;
  std::string token;
  {
    SecretStore tokens(dir / "tokens.json", "tokens");
    token = tokens.issue("ann", "grafana", 0);
    EXPECT_THROW(tokens.issue("ann", "grafana", 0), HttpError);
  }
  std::string file = read_text(dir / "tokens.json");
  EXPECT_EQ(file.find(token), std::string::npos);
  EXPECT_NE(file.find(sha256_hex(token)), std::string::npos);
  EXPECT_EQ(mode_of(dir / "tokens.json"), 0600);
  SecretStore reread(dir / "tokens.json", "tokens");
  ASSERT_TRUE(reread.find(token));
  EXPECT_EQ(reread.find(token)->user, "ann");
  EXPECT_EQ(reread.find(token)->name, "grafana");
  EXPECT_FALSE(reread.find(token + "x"));
  EXPECT_TRUE(reread.revoke_named("ann", "grafana"));
  EXPECT_FALSE(reread.find(token));
}

TEST(SecretStore, ExpiredSessionsAreGoneAndUsersRevoked) {
  TempDir dir;
  SecretStore sessions(dir / "sessions.json", "sessions");
  std::string old_one = sessions.issue("ann", "", epoch_seconds() - 1);
  std::string live_one = sessions.issue("ann", "", epoch_seconds() + 100);
  std::string other = sessions.issue("bob", "", epoch_seconds() + 100);
  EXPECT_FALSE(sessions.find(old_one));
  EXPECT_TRUE(sessions.find(live_one));
  sessions.revoke_user("ann");
  EXPECT_FALSE(sessions.find(live_one));
  EXPECT_TRUE(SecretStore(dir / "sessions.json", "sessions").find(other));
  write_text(dir / "sessions.json", R"({"sessions": [{"sha256": "abc", "user": "x"}]})");
  EXPECT_NE(error_of([&] {
              SecretStore(dir / "sessions.json", "sessions");
            }).find("sessions[0]: expected an object with \"sha256\": 64 hex digits"),
            std::string::npos);
}

TEST(LoginThrottle, SlowsDownAfterFiveFailuresAndForgetsOnSuccess) {
  LoginThrottle t;
  double now = 1000;
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) {
    EXPECT_EQ(t.wait("10.0.0.1", "admin", now), 0);
    t.failed("10.0.0.1", "admin", now);
  }
  EXPECT_GT(t.wait("10.0.0.1", "admin", now), 0);
  EXPECT_GT(t.wait("10.0.0.2", "admin", now), 0) << "the user name is slowed down too";
  EXPECT_GT(t.wait("10.0.0.1", "ann", now), 0) << "and the address";
  EXPECT_EQ(t.wait("10.0.0.2", "ann", now), 0);
  for (int i = 0; i < 20; ++i) t.failed("10.0.0.1", "admin", now);
  EXPECT_LE(t.wait("10.0.0.1", "admin", now), LoginThrottle::kMaxDelay);
  EXPECT_EQ(t.wait("10.0.0.1", "admin", now + LoginThrottle::kMaxDelay), 0);
  t.succeeded("10.0.0.1", "admin");
  EXPECT_EQ(t.wait("10.0.0.1", "admin", now), 0);
}

TEST(Authenticator, SessionsTokensBasicAndCsrf) {
  TempDir dir;
  Authenticator auth(dir.path(), {3600, kFast});
  auth.users().add("admin", "long-enough", Role::kAdmin);
  auto [user, session] = auth.login("admin", "long-enough", "127.0.0.1");
  EXPECT_EQ(user.name, "admin");
  Identity by_cookie = auth.authenticate("x=1; vedetta_session=" + session + "; y=2", "", "a");
  EXPECT_EQ(by_cookie.method, AuthMethod::kSession);
  EXPECT_EQ(by_cookie.session_id, session);
  EXPECT_NE(Authenticator::csrf_token(session), Authenticator::csrf_token(session + "x"));
  EXPECT_EQ(read_text(dir / "sessions.json").find(Authenticator::csrf_token(session)),
            std::string::npos);
  std::string token = auth.tokens().issue("admin", "script", 0);
  EXPECT_EQ(auth.authenticate("", "Bearer " + token, "a").method, AuthMethod::kToken);
  EXPECT_EQ(auth.authenticate("", "Basic " + base64_encode("admin:long-enough"), "a").method,
            AuthMethod::kBasic);
  EXPECT_THROW(auth.authenticate("", "Basic " + base64_encode("admin:wrong"), "a"), HttpError);
  EXPECT_THROW(auth.authenticate("vedetta_session=forged", "", "a"), HttpError);
  EXPECT_THROW(auth.authenticate("", "", "a"), HttpError);
  auth.logout(session);
  EXPECT_THROW(auth.authenticate("vedetta_session=" + session, "", "a"), HttpError);
  EXPECT_EQ(cookie_value("a=1;vedetta_session=xyz", "vedetta_session"), "xyz");
  EXPECT_EQ(cookie_value("not_vedetta_session=xyz", "vedetta_session"), "");
}

TEST(FirstAdmin, RandomPasswordWrittenOnceInA0600File) {
  TempDir dir;
  UserStore users(dir / "users.json", kFast);
  auto password = create_first_admin(users, dir.path(), std::nullopt);
  ASSERT_TRUE(password);
  EXPECT_GE(password->size(), 20u);
  EXPECT_EQ(read_text(dir / "admin-password"), *password + "\n");
  EXPECT_EQ(mode_of(dir / "admin-password"), 0600);
  EXPECT_TRUE(users.verify("admin", *password));
  EXPECT_FALSE(create_first_admin(users, dir.path(), std::nullopt)) << "only at the first start";
}

TEST(FirstAdmin, GivenByFileOrEnvironment) {
  TempDir dir;
  write_text(dir / "pw", "from-the-file\nignored\n");
  EXPECT_EQ(given_admin_password(dir / "pw"), "from-the-file");
  write_text(dir / "empty", "\n");
  EXPECT_NE(error_of([&] { given_admin_password(dir / "empty"); }).find("the first line is empty"),
            std::string::npos);
  EXPECT_NE(error_of([&] { given_admin_password(dir / "missing"); }).find("no such file"),
            std::string::npos);
  setenv(kAdminPasswordEnv, "from-the-env", 1);
  EXPECT_EQ(given_admin_password(""), "from-the-env");
  EXPECT_EQ(getenv(kAdminPasswordEnv), nullptr) << "removed once read";
  EXPECT_EQ(given_admin_password(""), std::nullopt);
  UserStore users(dir / "users.json", kFast);
  EXPECT_FALSE(create_first_admin(users, dir.path(), std::string("given-password")));
  EXPECT_TRUE(users.verify("admin", "given-password"));
  EXPECT_FALSE(std::filesystem::exists(dir / "admin-password"));
  UserStore others(dir / "other.json", kFast);
  EXPECT_THROW(create_first_admin(others, dir.path(), std::string("short")), UserError);
}

TEST(DataDir, CreatedPrivateAndRefusedWhenUnsafe) {
  TempDir dir;
  prepare_data_dir(dir / "a/b", std::nullopt);
  EXPECT_EQ(mode_of(dir / "a/b"), 0700);
  write_text(dir / "file", "x");
  EXPECT_NE(error_of([&] { prepare_data_dir(dir / "file", std::nullopt); }).find("not a directory"),
            std::string::npos);
  std::filesystem::create_directory(dir / "shared");
  chmod((dir / "shared").c_str(), 01777);
  EXPECT_NE(error_of([&] {
              prepare_data_dir(dir / "shared", std::nullopt);
            }).find("group or others may write to it"),
            std::string::npos);
  std::filesystem::create_directory(dir / "busy");
  write_text(dir / "busy/something", "x");
  EXPECT_NE(error_of([&] {
              prepare_data_dir(dir / "busy", std::nullopt);
            }).find("not a vedetta data directory"),
            std::string::npos);
  std::filesystem::remove(dir / "busy/something");
  write_text(dir / "busy/users.json", "{}");
  write_text(dir / "busy/zmq-sequences-0123456789abcdef", "");
  EXPECT_NO_THROW(prepare_data_dir(dir / "busy", std::nullopt));
}

TEST(DataDir, HandedToTheUserTheServerBecomes) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  TempDir dir;
  FileOwner nobody = owner_of_user("nobody");
  std::filesystem::create_directory(dir / "data");
  write_text(dir / "data/users.json", "{}");
  symlink("/etc/passwd", (dir / "data/tokens.json").c_str());  // never followed
  prepare_data_dir(dir / "data", nobody);
  struct stat st {};
  stat((dir / "data").c_str(), &st);
  EXPECT_EQ(st.st_uid, nobody.uid);
  stat((dir / "data/users.json").c_str(), &st);
  EXPECT_EQ(st.st_uid, nobody.uid);
  stat("/etc/passwd", &st);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_THROW(owner_of_user("no-such-user-here"), UserError);
}

}  // namespace
}  // namespace vedetta::web
