#pragma once
// CURVE keys as ZeroMQ writes them: 40 characters of Z85 (32 bytes). The
// probe takes the collector's public key, the collector its secret key;
// either may be given inline or as "@FILE" (the key is the file's first
// word, so a key file written by `curve_keygen` or `echo` works).
#include <string>

namespace vedetta::wire {

// `key_or_file` → the Z85 key in `z85`. False with `error` naming the
// option's value or file and what is wrong with it.
bool read_curve_key(const std::string& key_or_file, std::string& z85, std::string& error);

}  // namespace vedetta::wire
