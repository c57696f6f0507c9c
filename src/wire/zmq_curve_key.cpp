#include "wire/zmq_curve_key.h"

#include <zmq.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vedetta::wire {

bool read_curve_key(const std::string& key_or_file, std::string& z85, std::string& error) {
  std::string where = "'" + key_or_file + "'";
  z85 = key_or_file;
  if (!key_or_file.empty() && key_or_file[0] == '@') {
    std::string path = key_or_file.substr(1);
    std::ifstream in(path);
    if (!in) {
      error = "cannot read the CURVE key file '" + path + "': " + std::strerror(errno);
      return false;
    }
    z85.clear();
    in >> z85;  // the first word: a trailing newline or comment is fine
    where = "in '" + path + "'";
  }
  uint8_t raw[32];
  if (z85.size() != 40 || !zmq_z85_decode(raw, z85.c_str())) {
    error = "CURVE key " + where + ": expected 40 characters of Z85 (a ZeroMQ key), got " +
            std::to_string(z85.size()) + (z85.size() == 40 ? " that are not Z85" : "");
    return false;
  }
  return true;
}

}  // namespace vedetta::wire
