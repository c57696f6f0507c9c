#pragma once
// sysdig's table_generator chisel, which the top* chisels run: sums
// evt.rawarg.res of network I/O per key, then prints the top N rows by bytes.
// From a file: once, at the end. Live: every second, for that second.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "events/chisels/chisel.h"
#include "events/chisels/net_io.h"

namespace vedetta::events::chisels {

class NetworkTopTable : public Chisel {
 public:
  // The key columns of one I/O event (proc.name, proc.pid...).
  using KeyOf = std::function<std::vector<std::string>(const NetworkIo&)>;

  NetworkTopTable(std::vector<std::string> key_titles, KeyOf key_of, size_t top_n,
                  ChiselOutput out)
      : titles_(std::move(key_titles)), key_of_(std::move(key_of)), top_n_(top_n), out_(out) {}

  void on_event(const Event& e, const ThreadTable& threads) override;
  bool wants_interval() const override { return out_.live; }
  void on_interval(uint64_t now_ns) override;
  void on_capture_end(const ThreadTable& threads) override;

  // The printed table: header, dashes, then the rows by bytes, largest
  // first; equal byte counts in key order (sysdig's order for them is a Lua
  // hash order, for text keys one that changes from run to run).
  std::string render() const;

 private:
  std::vector<std::string> titles_;
  KeyOf key_of_;
  size_t top_n_;
  ChiselOutput out_;
  NetworkIoReader io_reader_;
  std::map<std::vector<std::string>, uint64_t> bytes_;
};

}  // namespace vedetta::events::chisels
