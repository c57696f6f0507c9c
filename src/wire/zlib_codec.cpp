// zlib streams (RFC 1950) as ntop's probes compress payloads: compress()
// on the sender, uncompress() on ntopng. Inflation here is incremental and
// bounded, so a small "zip bomb" cannot make the collector allocate more
// than the caller allows.
#include <zlib.h>

#include <climits>

#include "wire/size_text.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {

void zlib_compress(std::span<const uint8_t> in, std::vector<uint8_t>& out) {
  uLongf bound = compressBound(uLong(in.size()));
  const size_t start = out.size();
  out.resize(start + bound);
  // compress() fails only on out-of-memory or a too small buffer, neither
  // of which can happen with compressBound's size.
  compress2(out.data() + start, &bound, in.data(), uLong(in.size()), Z_DEFAULT_COMPRESSION);
  out.resize(start + bound);
}

bool zlib_inflate(std::span<const uint8_t> in, size_t max_size, std::vector<uint8_t>& out,
                  std::string& error) {
  if (in.size() > UINT_MAX) {
    error = "zlib: " + size_text(in.size()) + " of compressed data is more than one stream can hold";
    return false;
  }
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) {
    error = "zlib: cannot initialise the inflater";
    return false;
  }
  const size_t start = out.size();
  const auto fail = [&](const std::string& why) {
    error = "zlib: " + why;
    inflateEnd(&zs);
    out.resize(start);
    return false;
  };
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  size_t produced = 0;
  for (;;) {
    if (produced == max_size) {
      // Full: only an end of stream with no more output is still acceptable.
      uint8_t probe;
      zs.next_out = &probe;
      zs.avail_out = 1;
      if (inflate(&zs, Z_NO_FLUSH) == Z_STREAM_END && zs.avail_out == 1) break;
      return fail("data inflates past the limit of " + size_text(max_size));
    }
    const size_t chunk = std::min<size_t>(max_size - produced, std::max<size_t>(in.size() * 4, 16384));
    out.resize(start + produced + chunk);
    zs.next_out = out.data() + start + produced;
    zs.avail_out = uInt(chunk);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced += chunk - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0)  // no progress and no input left
      return fail("stream truncated at compressed byte " + std::to_string(zs.total_in));
    if (rc != Z_OK && rc != Z_BUF_ERROR)
      return fail(std::string(zs.msg ? zs.msg : "corrupt data") + " at compressed byte " +
                  std::to_string(zs.total_in));
  }
  if (zs.avail_in != 0)
    return fail(std::to_string(zs.avail_in) + " bytes after the end of the stream");
  inflateEnd(&zs);
  out.resize(start + produced);
  return true;
}

}  // namespace vedetta::wire
