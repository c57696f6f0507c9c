#pragma once
// Parsers for the metadata blocks of a .scap capture: machine info, process
// lists (all nine versions, read by length where the format gives one), fd
// lists (v1 and v2) and user lists. Entries that do not parse are counted
// and skipped; the rest of the capture still reads.
#include <cstdint>
#include <span>

#include "events/capture_metadata.h"
#include "events/scap_reader.h"

namespace vedetta::events {

void parse_machine_info(std::span<const uint8_t> block, CaptureMetadata& metadata,
                        ReaderCounters& counters);
void parse_process_list(uint32_t block_type, std::span<const uint8_t> block,
                        CaptureMetadata& metadata, ReaderCounters& counters);
void parse_fd_list(uint32_t block_type, std::span<const uint8_t> block, CaptureMetadata& metadata,
                   ReaderCounters& counters);
void parse_user_list(uint32_t block_type, std::span<const uint8_t> block, CaptureMetadata& metadata,
                     ReaderCounters& counters);

}  // namespace vedetta::events
