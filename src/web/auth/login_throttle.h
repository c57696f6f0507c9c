#pragma once
// Slows down password guessing (logins and basic auth): after a few failures
// from one client address, or for one user name, further attempts are refused
// for a delay that doubles with each failure, up to a minute. A success
// clears both. Thread-safe, in memory only.
#include <map>
#include <mutex>
#include <string>

namespace vedetta::web {

class LoginThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr double kMaxDelay = 60;
  static constexpr double kForgetAfter = 900;  // quiet seconds before a key's count resets

  // Seconds before `address` may try `user` again; 0 = now.
  double wait(const std::string& address, const std::string& user, double now);
  void failed(const std::string& address, const std::string& user, double now);
  void succeeded(const std::string& address, const std::string& user);

 private:
  struct Failures {
    int count = 0;
    double last = 0;
  };
  double wait_for(const std::string& key, double now) const;  // mutex_ held
  void forget_old(double now);                                // mutex_ held

  std::mutex mutex_;
  std::map<std::string, Failures> failures_;  // "addr:A" and "user:U" keys
};

}  // namespace vedetta::web
