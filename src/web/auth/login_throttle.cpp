#include "web/auth/login_throttle.h"

#include <algorithm>
#include <cmath>

namespace vedetta::web {
namespace {

constexpr size_t kMaxKeys = 100000;  // bounds memory under a flood of addresses/names

}  // namespace

double LoginThrottle::wait_for(const std::string& key, double now) const {
  auto it = failures_.find(key);
  if (it == failures_.end() || it->second.count < kFreeFailures) return 0;
  double delay = std::min(kMaxDelay, std::pow(2.0, it->second.count - kFreeFailures));
  return std::max(0.0, it->second.last + delay - now);
}

double LoginThrottle::wait(const std::string& address, const std::string& user, double now) {
  std::lock_guard lock(mutex_);
  return std::max(wait_for("addr:" + address, now), wait_for("user:" + user, now));
}

void LoginThrottle::failed(const std::string& address, const std::string& user, double now) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= kMaxKeys) forget_old(now);
  for (const std::string& key : {"addr:" + address, "user:" + user}) {
    Failures& f = failures_[key];
    if (now - f.last > kForgetAfter) f.count = 0;
    f.count++;
    f.last = now;
  }
}

void LoginThrottle::succeeded(const std::string& address, const std::string& user) {
  std::lock_guard lock(mutex_);
  failures_.erase("addr:" + address);
  failures_.erase("user:" + user);
}

void LoginThrottle::forget_old(double now) {
  std::erase_if(failures_, [&](const auto& e) { return now - e.second.last > kForgetAfter; });
  // Still full: a flood of names or addresses. Drop the keys not yet slowed
  // down, so the flood cannot wash out the ones that are.
  if (failures_.size() >= kMaxKeys)
    std::erase_if(failures_, [&](const auto& e) { return e.second.count < kFreeFailures; });
  if (failures_.size() >= kMaxKeys) failures_.clear();
}

}  // namespace vedetta::web
