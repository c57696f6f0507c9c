// zlib streams (RFC 1950) as ntop's probes compress payloads: compress()
// on the sender, uncompress() on ntopng. Inflation here is incremental and
// bounded, so a small "zip bomb" cannot make the collector allocate more
// than the caller allows.
#include <zlib.h>

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
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) {
    error = "zlib: cannot initialise the inflater";
    return false;
  }
  const size_t start = out.size();
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  size_t produced = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (produced == max_size) {
      // Full: only an end of stream with no more output is still acceptable.
      uint8_t probe;
      zs.next_out = &probe;
      zs.avail_out = 1;
      rc = inflate(&zs, Z_NO_FLUSH);
      if (rc == Z_STREAM_END && zs.avail_out == 1) break;
      error = "zlib: data inflates past the limit of " + size_text(max_size);
      inflateEnd(&zs);
      out.resize(start);
      return false;
    }
    size_t chunk = std::min<size_t>(max_size - produced, std::max<size_t>(in.size() * 4, 16384));
    out.resize(start + produced + chunk);
    zs.next_out = out.data() + start + produced;
    zs.avail_out = uInt(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    produced += chunk - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) rc = Z_DATA_ERROR;  // input ends mid-stream
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error = std::string("zlib: ") +
              (zs.avail_in == 0 && rc == Z_DATA_ERROR && !zs.msg ? "stream truncated"
                                                                   : zs.msg ? zs.msg : "corrupt data") +
              " at compressed byte " + std::to_string(zs.total_in);
      inflateEnd(&zs);
      out.resize(start);
      return false;
    }
  }
  const size_t trailing = zs.avail_in;
  inflateEnd(&zs);
  out.resize(start + produced);
  if (trailing != 0) {
    error = "zlib: " + std::to_string(trailing) + " bytes after the end of the stream";
    out.resize(start);
    return false;
  }
  return true;
}

}  // namespace vedetta::wire
